/** The whole scan against a real AWS API emulator (moto_server). */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../lambda/model/result';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { scannerClients, seedClients } from '../../scripts/emulator/clients';
import {
  createCluster,
  createRole,
  irsaTrust,
  issuerHost,
  registerProvider,
  seedDemoAccount,
} from '../../scripts/emulator/demo-account';
import { MOTO_ACCOUNT_ID } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true });

const NOW = new Date('2026-11-23T12:00:00Z');

async function scan(regions?: string[]) {
  const { clients, apiCalls } = scannerClients(moto.endpoint);
  return runScan({
    accounts: [{ clients }],
    apiCalls,
    homeRegion: 'us-east-1',
    ...(regions ? { regions } : {}),
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
  });
}

/** The provider the demo leaves behind; the emulator names the others' issuers at random. */
const LEFTOVER_ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/5e1f0a2b3c4d5e6f708192a3b4c5d6e7';

function outcomes(results: readonly CheckResult[]) {
  const name = (r: CheckResult) =>
    r.resource.type === 'AwsIamOidcProvider' && r.resource.name !== LEFTOVER_ISSUER
      ? `issuer of ${r.region}`
      : r.resource.name;
  return Object.fromEntries(
    results.map((r) => [
      `${name(r)}/${r.checkId}`,
      r.status === 'PASSED' ? 'PASSED' : `${r.status} ${r.severity}`,
    ]),
  );
}

describe('Scan: demo account on moto', () => {
  it('reports every cluster check and every IRSA role with the expected verdicts', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const { report } = await scan();

    expect(outcomes(report.results)).toEqual({
      'payments-prod/endpoint-public-access': 'PASSED',
      'payments-prod/secrets-encryption': 'PASSED',
      'payments-prod/supported-version': 'PASSED',
      'payments-prod/control-plane-logging': 'PASSED',
      // moto drops accessConfig and deletionProtection: not available, never a failure.
      'payments-prod/authentication-mode': 'NOT_AVAILABLE INFORMATIONAL',
      'payments-prod/deletion-protection': 'NOT_AVAILABLE INFORMATIONAL',
      'payments-prod/cluster-security-group': 'PASSED',
      // moto lacks access entries (404): not available, never a failure.
      'payments-prod/cluster-admin-access': 'NOT_AVAILABLE INFORMATIONAL',
      // ci-deployer: any service account may become an administrator, with no reach from outside.
      'payments-prod/cluster-exposure': 'FAILED HIGH',
      'analytics/endpoint-public-access': 'FAILED HIGH',
      'analytics/secrets-encryption': 'FAILED LOW',
      'analytics/supported-version': 'FAILED HIGH',
      'analytics/control-plane-logging': 'FAILED MEDIUM',
      // moto drops accessConfig and deletionProtection: not available, never a failure.
      'analytics/authentication-mode': 'NOT_AVAILABLE INFORMATIONAL',
      'analytics/deletion-protection': 'NOT_AVAILABLE INFORMATIONAL',
      'analytics/cluster-security-group': 'FAILED HIGH',
      // moto lacks access entries (404): not available, never a failure.
      'analytics/cluster-admin-access': 'NOT_AVAILABLE INFORMATIONAL',
      // The full path: an open endpoint, and a role any service account may assume that can escalate.
      'analytics/cluster-exposure': 'FAILED CRITICAL',
      'legacy-batch/endpoint-public-access': 'FAILED MEDIUM',
      'legacy-batch/secrets-encryption': 'FAILED CRITICAL',
      'legacy-batch/supported-version': 'FAILED CRITICAL',
      'legacy-batch/control-plane-logging': 'FAILED MEDIUM',
      // moto drops accessConfig and deletionProtection: not available, never a failure.
      'legacy-batch/authentication-mode': 'NOT_AVAILABLE INFORMATIONAL',
      'legacy-batch/deletion-protection': 'NOT_AVAILABLE INFORMATIONAL',
      'legacy-batch/cluster-security-group': 'FAILED MEDIUM',
      // moto lacks access entries (404): not available, never a failure.
      'legacy-batch/cluster-admin-access': 'NOT_AVAILABLE INFORMATIONAL',
      'legacy-batch/cluster-exposure': 'FAILED HIGH',
      'web-eu/endpoint-public-access': 'FAILED MEDIUM',
      'web-eu/secrets-encryption': 'FAILED CRITICAL',
      'web-eu/supported-version': 'WARNING LOW',
      'web-eu/control-plane-logging': 'PASSED',
      // moto drops accessConfig and deletionProtection: not available, never a failure.
      'web-eu/authentication-mode': 'NOT_AVAILABLE INFORMATIONAL',
      'web-eu/deletion-protection': 'NOT_AVAILABLE INFORMATIONAL',
      'web-eu/cluster-security-group': 'PASSED',
      // moto lacks access entries (404): not available, never a failure.
      'web-eu/cluster-admin-access': 'NOT_AVAILABLE INFORMATIONAL',
      // Reach alone: whether anyone could enter depends on the access entries moto cannot serve.
      'web-eu/cluster-exposure': 'NOT_AVAILABLE INFORMATIONAL',
      'ml-sandbox/endpoint-public-access': 'FAILED HIGH',
      'ml-sandbox/secrets-encryption': 'FAILED HIGH',
      'ml-sandbox/supported-version': 'FAILED CRITICAL',
      'ml-sandbox/control-plane-logging': 'FAILED MEDIUM',
      // moto drops accessConfig and deletionProtection: not available, never a failure.
      'ml-sandbox/authentication-mode': 'NOT_AVAILABLE INFORMATIONAL',
      'ml-sandbox/deletion-protection': 'NOT_AVAILABLE INFORMATIONAL',
      'ml-sandbox/cluster-security-group': 'FAILED MEDIUM',
      // moto lacks access entries (404): not available, never a failure.
      'ml-sandbox/cluster-admin-access': 'NOT_AVAILABLE INFORMATIONAL',
      // Reach and weakness: no proven entry or escalation.
      'ml-sandbox/cluster-exposure': 'FAILED MEDIUM',
      'edge-canary/endpoint-public-access': 'PASSED',
      'edge-canary/secrets-encryption': 'PASSED',
      'edge-canary/supported-version': 'NOT_AVAILABLE INFORMATIONAL',
      // Audit logging off: the weakness alone, no path through the cluster.
      'edge-canary/control-plane-logging': 'FAILED MEDIUM',
      'edge-canary/cluster-exposure': 'PASSED',
      // moto drops accessConfig and deletionProtection: not available, never a failure.
      'edge-canary/authentication-mode': 'NOT_AVAILABLE INFORMATIONAL',
      'edge-canary/deletion-protection': 'NOT_AVAILABLE INFORMATIONAL',
      'edge-canary/cluster-security-group': 'PASSED',
      // moto lacks access entries (404): not available, never a failure.
      'edge-canary/cluster-admin-access': 'NOT_AVAILABLE INFORMATIONAL',
      'payments-api/irsa-trust-policy': 'PASSED',
      'analytics-reader/irsa-trust-policy': 'FAILED HIGH',
      's3-writer/irsa-trust-policy': 'FAILED MEDIUM',
      'ci-deployer/irsa-trust-policy': 'FAILED CRITICAL',
      'log-shipper/irsa-trust-policy': 'FAILED MEDIUM',
      'web-eu-assets/irsa-trust-policy': 'FAILED LOW',
      'old-cluster-role/irsa-trust-policy': 'FAILED LOW',
      'payments-prod/general/nodegroup-remote-access': 'PASSED',
      'payments-prod/general/nodegroup-public-subnets': 'PASSED',
      'analytics/spot/nodegroup-remote-access': 'FAILED HIGH',
      'analytics/spot/nodegroup-public-subnets': 'FAILED MEDIUM',
      'legacy-batch/batch/nodegroup-remote-access': 'FAILED MEDIUM',
      // One private subnet, one left on the VPC's main route table, which reaches the internet.
      'legacy-batch/batch/nodegroup-public-subnets': 'FAILED MEDIUM',
      'web-eu/web/nodegroup-remote-access': 'PASSED',
      'web-eu/web/nodegroup-public-subnets': 'PASSED',
      'payments-pod-identity/pod-identity-trust-policy': 'PASSED',
      'shared-pod-identity/pod-identity-trust-policy': 'FAILED LOW',
      // The reads moto lacks (404: add-ons, insights, access entries): not available, never a failure.
      ...Object.fromEntries(
        ['payments-prod', 'analytics', 'legacy-batch', 'web-eu', 'ml-sandbox', 'edge-canary'].flatMap((c) =>
          ['network-policy-enforcement', 'upgrade-insights', 'access-entry-principal-exists'].map((check) => [
            `${c}/${check}`,
            'NOT_AVAILABLE INFORMATIONAL',
          ]),
        ),
      ),
      // Kept a year; a month; the group of web-eu is gone though it logs; forever; two log nothing.
      'payments-prod/control-plane-log-retention': 'PASSED',
      'analytics/control-plane-log-retention': 'FAILED LOW',
      'web-eu/control-plane-log-retention': 'FAILED MEDIUM',
      'edge-canary/control-plane-log-retention': 'PASSED',
      'legacy-batch/control-plane-log-retention': 'PASSED',
      'ml-sandbox/control-plane-log-retention': 'PASSED',
      // AL2023 without a template; IMDSv1 and two hops in a template; EKS's AL2 default (two hops).
      'payments-prod/general/nodegroup-instance-metadata': 'PASSED',
      'analytics/spot/nodegroup-instance-metadata': 'FAILED MEDIUM',
      'legacy-batch/batch/nodegroup-instance-metadata': 'FAILED LOW',
      'web-eu/web/nodegroup-instance-metadata': 'FAILED LOW',
      'issuer of us-east-1/oidc-provider-in-use': 'PASSED',
      'issuer of eu-west-1/oidc-provider-in-use': 'PASSED',
      [`${LEFTOVER_ISSUER}/oidc-provider-in-use`]: 'FAILED LOW',
      // A detector with EKS audit logs and runtime monitoring in us-east-1; none in eu-west-1.
      '123456789012/us-east-1/threat-detection-coverage': 'PASSED',
      '123456789012/eu-west-1/threat-detection-coverage': 'FAILED MEDIUM',
    });
    expect(report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
    expect(report.targets.map((t) => t.region)).toContain('global');
  });

  it('chains the path through analytics and names the results each trait came from', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const { report } = await scan();

    const exposure = report.results.find(
      (r) => r.checkId === 'cluster-exposure' && r.resource.name === 'analytics',
    );
    expect(exposure?.detail).toContain('internet → ');
    expect(exposure?.detail).toContain('role ci-deployer (any service account) → administrator-equivalent');
    const related = new Set(exposure?.related?.map((r) => r.checkId));
    expect(related).toContain('endpoint-public-access');
    expect(related).toContain('irsa-trust-policy');
    const deployer = report.results.find((r) => r.resource.name === 'ci-deployer');
    expect(deployer).toMatchObject({ trustGrade: 'any-service-account', permissionTier: 'administrator' });
    expect(deployer?.detail).toContain('administrator-equivalent');
  });

  it('places IRSA results in the issuer region with the related cluster', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const { report } = await scan();

    const logShipper = report.results.find((r) => r.resource.name === 'log-shipper');
    expect(logShipper).toMatchObject({ region: 'eu-west-1', resource: { type: 'AwsIamRole' } });
    expect(logShipper?.clusterArn).toMatch(/^arn:aws:eks:eu-west-1:123456789012:cluster\//);
    const dangling = report.results.find((r) => r.resource.name === 'old-cluster-role');
    expect(dangling).toMatchObject({ region: 'us-west-2' });
    expect(dangling?.clusterArn).toBeUndefined();
  });

  it('makes the minimum API calls: one listing per region and cluster, one IAM read per account, versions, logs, detectors and EC2 reads once per region with clusters', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const { report } = await scan();

    const regions = report.targets.filter((t) => t.region !== 'global').length;
    expect(report.stats.apiCalls).toEqual({
      'ec2:DescribeRegions': 1,
      'ec2:DescribeRouteTables': 2,
      'ec2:DescribeSecurityGroups': 2,
      'ec2:DescribeSubnets': 2,
      'eks:DescribeCluster': 6,
      'eks:DescribeClusterVersions': 2,
      'eks:DescribeNodegroup': 4,
      // Listed once per cluster; moto lacks these, so nothing further is read.
      'eks:ListAccessEntries': 6,
      'eks:ListPodIdentityAssociations': 6,
      'eks:ListAddons': 6,
      'eks:ListInsights': 6,
      'eks:ListNodegroups': 6,
      'eks:ListClusters': regions,
      // Once per region with clusters; the one launch template the node groups use, once.
      'logs:DescribeLogGroups': 2,
      'guardduty:ListDetectors': 2,
      'guardduty:GetDetector': 1,
      'ec2:DescribeLaunchTemplateVersions': 1,
      'iam:ListOpenIDConnectProviders': 1,
      'iam:GetAccountAuthorizationDetails': 1,
      'iam:ListUsers': 1,
      'kms:DescribeKey': 4,
      'sts:GetCallerIdentity': 1,
    });
  });

  it('scans and reports only the regions it is given, without listing the account regions', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const { report } = await scan(['eu-west-1']);

    expect(report.targets.map((t) => t.region)).toEqual(['eu-west-1', 'global']);
    // IRSA results belong to their issuer's region, so roles of us-east-1 clusters are out of scope too;
    // Pod Identity results name no issuer and go to the first scanned region.
    expect(new Set(report.results.map((r) => r.region))).toEqual(new Set(['eu-west-1']));
    expect(
      report.results.filter((r) => r.resource.type === 'AwsIamRole').map((r) => r.resource.name),
    ).toEqual(['log-shipper', 'payments-pod-identity', 'shared-pod-identity', 'web-eu-assets']);
    expect(report.stats.apiCalls['ec2:DescribeRegions']).toBeUndefined();
  });

  it('reads trust documents as the emulator stores them, malformed ones included', async () => {
    const clients = seedClients(moto.endpoint);
    const cluster = await createCluster(clients, {
      name: 'c1',
      region: 'us-east-1',
      version: '1.35',
      publicAccess: false,
      privateAccess: true,
    });
    const provider = await registerProvider(clients, cluster.issuer);
    const host = issuerHost(cluster.issuer);
    await createRole(
      clients,
      'broken',
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${provider}"}`,
    );
    await createRole(
      clients,
      'exact',
      irsaTrust(provider, {
        StringEquals: { [`${host}:sub`]: 'system:serviceaccount:a:b', [`${host}:aud`]: 'sts.amazonaws.com' },
      }),
    );

    const { report } = await scan(['us-east-1']);

    const byRole = outcomes(report.results.filter((r) => r.resource.type === 'AwsIamRole'));
    expect(byRole).toEqual({
      'broken/irsa-trust-policy': 'NOT_AVAILABLE INFORMATIONAL',
      'exact/irsa-trust-policy': 'PASSED',
    });
    const broken = report.results.find((r) => r.resource.name === 'broken');
    expect(broken?.detail).toContain('not valid JSON');
    expect(broken?.region).toBe('us-east-1');
  });

  it('finds nothing to report in an empty account and still completes every target', async () => {
    const { report } = await scan(['us-east-1', 'eu-west-1']);

    expect(report.results).toEqual([]);
    expect(report.targets).toEqual([
      { accountId: MOTO_ACCOUNT_ID, region: 'eu-west-1', status: 'SCANNED' },
      { accountId: MOTO_ACCOUNT_ID, region: 'global', status: 'SCANNED' },
      { accountId: MOTO_ACCOUNT_ID, region: 'us-east-1', status: 'SCANNED' },
    ]);
    expect(report.stats.apiCalls['eks:DescribeClusterVersions']).toBeUndefined();
  });
});
