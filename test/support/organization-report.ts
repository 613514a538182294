/**
 * A synthetic organization scan for report tests: three accounts, five clusters in two regions,
 * node groups and IRSA roles, results of every status and severity, muted results, a failed target
 * and coverage gaps. Titles and remediation come from the registry, as the engine sets them.
 */
import { CHECKS } from '../../lambda/checks/registry';
import type { Coverage, ScopeCoverage } from '../../lambda/model/coverage';
import type { RunReport } from '../../lambda/model/report';
import type { CheckResult, Mute, ResourceRef, ResultStatus, Severity } from '../../lambda/model/result';
import { ALL_CHECKS } from './results';

export const PROD = '111122223333';
export const STAGING = '444455556666';
export const SANDBOX = '777788889999';

/** A cluster tag value as an attacker with tagging rights would set it: it must render as text. */
export const HOSTILE_TAG = '<script>window.__injected = true; document.title = "pwned";</script>';
/** A mutelist text that tries to leave its attribute. */
export const HOSTILE_REASON =
  'Legacy VPN "path" \' onmouseover="window.__injected = true" <b>bold</b> & more';

interface Cluster {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
}

const clusterArn = (c: Cluster) => `arn:aws:eks:${c.region}:${c.accountId}:cluster/${c.name}`;

const metadataOf = (checkId: string) => {
  const check = CHECKS.find((c) => c.metadata.id === checkId);
  if (!check) throw new Error(`no check ${checkId} in the registry`);
  return check.metadata;
};

function aResult(
  checkId: string,
  on: { accountId: string; region: string; resource: ResourceRef; clusterArn?: string },
  status: ResultStatus,
  severity: Severity,
  detail: string,
  muted?: Mute,
): CheckResult {
  const metadata = metadataOf(checkId);
  return {
    checkId,
    status,
    severity: status === 'PASSED' || status === 'NOT_AVAILABLE' ? 'INFORMATIONAL' : severity,
    accountId: on.accountId,
    region: on.region,
    resource: on.resource,
    ...(on.clusterArn ? { clusterArn: on.clusterArn } : {}),
    title: metadata.title,
    detail,
    remediation: metadata.remediation,
    ...(muted ? { muted } : {}),
  };
}

type Verdict = readonly [ResultStatus, Severity, string] | readonly [ResultStatus, Severity, string, Mute];

const pass = (detail: string): Verdict => ['PASSED', 'INFORMATIONAL', detail];

/** Every cluster check on one cluster: compliant, except where `overrides` says otherwise. */
function clusterResults(cluster: Cluster, overrides: Record<string, Verdict> = {}): CheckResult[] {
  const arn = clusterArn(cluster);
  const on = {
    accountId: cluster.accountId,
    region: cluster.region,
    resource: { type: 'AwsEksCluster', id: arn, name: cluster.name } as const,
    clusterArn: arn,
  };
  const compliant: Record<string, Verdict> = {
    'endpoint-public-access': pass('The API server endpoint is private only.'),
    'secrets-encryption': pass('Secrets are encrypted with an enabled customer managed key.'),
    'supported-version': pass('Kubernetes 1.35 is in standard support until 2027-03-27.'),
    'control-plane-logging': pass('api, audit and authenticator logs are sent to CloudWatch.'),
    'cluster-security-group': pass('No security group of the cluster admits the internet.'),
    'authentication-mode': pass('Authentication mode is API: access entries only.'),
    'cluster-admin-access': pass('No principal outside the allowed list holds AmazonEKSClusterAdminPolicy.'),
    'deletion-protection': pass('Deletion protection is on.'),
  };
  return Object.entries({ ...compliant, ...overrides }).map(([checkId, [status, severity, detail, mute]]) =>
    aResult(checkId, on, status, severity, detail, mute),
  );
}

function nodegroupResults(cluster: Cluster, name: string, overrides: Record<string, Verdict> = {}) {
  const arn = `arn:aws:eks:${cluster.region}:${cluster.accountId}:nodegroup/${cluster.name}/${name}/0ac1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`;
  const on = {
    accountId: cluster.accountId,
    region: cluster.region,
    resource: { type: 'AwsEksNodegroup', id: arn, name: `${cluster.name}/${name}` } as const,
    clusterArn: clusterArn(cluster),
  };
  const compliant: Record<string, Verdict> = {
    'nodegroup-remote-access': pass('No remote access is configured.'),
    'nodegroup-public-subnets': pass('Every subnet of the node group is private.'),
  };
  return Object.entries({ ...compliant, ...overrides }).map(([checkId, [status, severity, detail]]) =>
    aResult(checkId, on, status, severity, detail),
  );
}

function roleResult(
  accountId: string,
  name: string,
  checkId: 'irsa-trust-policy' | 'pod-identity-trust-policy',
  verdict: Verdict,
  cluster?: Cluster,
): CheckResult {
  const [status, severity, detail, mute] = verdict;
  return aResult(
    checkId,
    {
      accountId,
      region: cluster?.region ?? 'us-east-1',
      resource: { type: 'AwsIamRole', id: `arn:aws:iam::${accountId}:role/${name}`, name },
      ...(cluster ? { clusterArn: clusterArn(cluster) } : {}),
    },
    status,
    severity,
    detail,
    mute,
  );
}

const payments: Cluster = { accountId: PROD, region: 'eu-west-1', name: 'payments' };
const checkout: Cluster = { accountId: PROD, region: 'us-east-1', name: 'checkout' };
const platform: Cluster = { accountId: STAGING, region: 'eu-west-1', name: 'platform-staging' };
const dataLab: Cluster = { accountId: SANDBOX, region: 'eu-west-1', name: 'data-lab' };
const scratch: Cluster = { accountId: SANDBOX, region: 'eu-west-1', name: 'scratch' };

export const CRITICAL_CELL = { accountId: PROD, checkId: 'irsa-trust-policy' } as const;
export const PASSED_CELL = { accountId: PROD, checkId: 'deletion-protection' } as const;
export const HOSTILE_CLUSTER = dataLab.name;

export const RESULTS: readonly CheckResult[] = [
  ...clusterResults(payments, {
    'control-plane-logging': ['FAILED', 'MEDIUM', 'Log types not sent to CloudWatch: audit, authenticator.'],
  }),
  ...clusterResults(checkout, {
    'endpoint-public-access': [
      'FAILED',
      'HIGH',
      'The public endpoint admits every IPv4 address (allowed CIDRs: 0.0.0.0/0).',
    ],
    'supported-version': [
      'WARNING',
      'MEDIUM',
      'Kubernetes 1.34 leaves standard support on 2026-12-02 (in 9 days); extended support costs more.',
    ],
  }),
  ...nodegroupResults(payments, 'general'),
  ...nodegroupResults(checkout, 'spot', {
    'nodegroup-remote-access': [
      'FAILED',
      'HIGH',
      'SSH (22) is open to 0.0.0.0/0 through the remote access security group.',
    ],
  }),
  roleResult(
    PROD,
    'payments-irsa',
    'irsa-trust-policy',
    [
      'FAILED',
      'CRITICAL',
      '[CRITICAL] statement 1: no condition restricts oidc.eks.eu-west-1.amazonaws.com/id/A1B2:sub: every service account of the cluster can assume the role.',
    ],
    payments,
  ),
  roleResult(
    PROD,
    'checkout-irsa',
    'irsa-trust-policy',
    pass('Only system:serviceaccount:checkout:api can assume the role.'),
    checkout,
  ),
  roleResult(
    PROD,
    'ledger-pod-identity',
    'pod-identity-trust-policy',
    pass('Trust is limited to cluster payments.'),
  ),
  ...clusterResults(platform, {
    'secrets-encryption': ['FAILED', 'HIGH', 'Kubernetes secrets are not envelope-encrypted with a KMS key.'],
    'authentication-mode': [
      'WARNING',
      'LOW',
      'Authentication mode is CONFIG_MAP: access is managed through the aws-auth ConfigMap alone.',
    ],
    'cluster-admin-access': [
      'FAILED',
      'HIGH',
      'arn:aws:iam::444455556666:role/ci-deployer holds AmazonEKSClusterAdminPolicy cluster-wide.',
      {
        reason: 'CI needs cluster-admin until the deploy role is split (PLAT-412).',
        owner: 'platform-team',
        expires: '2027-01-31',
        entry: 2,
      },
    ],
  }),
  ...nodegroupResults(platform, 'workers', {
    'nodegroup-public-subnets': [
      'FAILED',
      'MEDIUM',
      'subnet-0c3d4e5f routes 0.0.0.0/0 to an internet gateway and assigns public IPs on launch.',
    ],
  }),
  roleResult(STAGING, 'staging-wildcard', 'pod-identity-trust-policy', [
    'FAILED',
    'MEDIUM',
    'Any cluster of the account can pass the role to any service account.',
  ]),
  ...clusterResults(dataLab, {
    'cluster-security-group': [
      'FAILED',
      'CRITICAL',
      `sg-0f1e2d3c (tag team=${HOSTILE_TAG}) admits 0.0.0.0/0 on every port.`,
    ],
    'deletion-protection': ['FAILED', 'LOW', 'One DeleteCluster call deletes the cluster.'],
    'authentication-mode': [
      'NOT_AVAILABLE',
      'INFORMATIONAL',
      'accessConfig was not returned by DescribeCluster.',
    ],
    'endpoint-public-access': [
      'FAILED',
      'HIGH',
      'The public endpoint admits 0.0.0.0/0.',
      { reason: HOSTILE_REASON, entry: 1 },
    ],
  }),
  ...clusterResults(scratch, {
    'supported-version': [
      'FAILED',
      'CRITICAL',
      'Kubernetes 1.29 is out of extended support since 2026-03-23.',
    ],
    'secrets-encryption': [
      'NOT_AVAILABLE',
      'INFORMATIONAL',
      'kms:DescribeKey failed: AccessDeniedException: the key policy does not allow the scanner role.',
    ],
  }),
];

const scope = (
  accountId: string,
  region: string,
  skipped: readonly { checkId: string; reason: string }[] = [],
  unsettled: ScopeCoverage['unsettled'] = [],
): ScopeCoverage => ({
  accountId,
  region,
  partition: 'aws',
  completedChecks: ALL_CHECKS.filter((id) => !skipped.some((s) => s.checkId === id)),
  skippedChecks: skipped,
  unsettled,
});

export const COVERAGE: Coverage = {
  scopes: [
    scope(PROD, 'eu-west-1'),
    scope(PROD, 'global'),
    scope(PROD, 'us-east-1'),
    scope(
      STAGING,
      'eu-west-1',
      [],
      [
        {
          type: 'AwsEksNodegroup',
          clusterArn: clusterArn(platform),
          name: 'gpu',
          reason: 'eks:DescribeNodegroup failed: ThrottlingException',
        },
      ],
    ),
    scope(STAGING, 'global'),
    scope(SANDBOX, 'eu-west-1'),
    scope(SANDBOX, 'global', [
      { checkId: 'irsa-trust-policy', reason: "the account's IAM data could not be read" },
      { checkId: 'pod-identity-trust-policy', reason: "the account's IAM data could not be read" },
    ]),
  ],
};

export const ORGANIZATION_REPORT: RunReport = {
  schemaVersion: 1,
  scanId: '5f0c2a9e-4b1d-4c7a-9e2f-0d8b6a1c3e57',
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:01:12.400Z',
  targets: [
    { accountId: PROD, region: 'eu-west-1', status: 'SCANNED' },
    { accountId: PROD, region: 'global', status: 'SCANNED' },
    { accountId: PROD, region: 'us-east-1', status: 'SCANNED' },
    { accountId: STAGING, region: 'eu-west-1', status: 'SCANNED' },
    { accountId: STAGING, region: 'global', status: 'SCANNED' },
    { accountId: SANDBOX, region: 'eu-west-1', status: 'SCANNED' },
    {
      accountId: SANDBOX,
      region: 'ap-south-1',
      status: 'FAILED',
      error: 'eks:ListClusters failed: AccessDeniedException: explicit deny in a service control policy',
    },
    { accountId: SANDBOX, region: 'global', status: 'SCANNED' },
  ],
  results: RESULTS,
  warnings: ['mutelist entry 4 expired on 2026-10-31: its results are reported again'],
  stats: { apiCalls: { 'eks:DescribeCluster': 5 }, durationMs: 72_400 },
};

/** The checks the CLI passes: the registry's, in its order. */
export const REGISTRY_CHECKS = CHECKS.map((c) => c.metadata);
