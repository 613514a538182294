/**
 * EKS add-ons, upgrade insights and stale access entries, through a whole scan, covered with
 * aws-sdk-client-mock in the shapes of the AWS API reference: moto 5.2.1 answers 404 to ListAddons,
 * DescribeAddon, DescribeAddonVersions, ListInsights and DescribeInsight, and serves no access
 * entries. Log groups, detectors, launch templates and users, which moto serves, are covered there
 * (scan.moto.test.ts); here they are mocked only as far as a scan needs them.
 */
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeInsightCommand,
  EKSClient,
  ListAccessEntriesCommand,
  ListAddonsCommand,
  ListAssociatedAccessPoliciesCommand,
  ListClustersCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import {
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { createAccountClients } from '../../lambda/collect/clients';
import type { CheckResult } from '../../lambda/model/result';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { mockRegionServices } from '../support/region-service-mocks';

const ACCOUNTS = ['111122223333', '444455556666'];
const [ACCOUNT = ''] = ACCOUNTS;
const REGION = 'eu-west-1';
const NOW = new Date('2026-11-23T12:00:00Z');
const VPC_CNI_DEFAULT = 'v1.20.4-eksbuild.2';

const eks = mockClient(EKSClient);
const iam = mockClient(IAMClient);
const ec2 = mockClient(EC2Client);
const regionServices = mockRegionServices();

function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

/** The ARN of a resource in the account whose credentials signed the call (the mocks answer every account). */
async function accountOf(getClient: () => EKSClient): Promise<string> {
  return (await getClient().config.credentials()).accessKeyId;
}

const addonArn = (account: string, cluster: string, addon: string) =>
  `arn:aws:eks:${REGION}:${account}:addon/${cluster}/${addon}/7ec1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`;

/** What each cluster runs: alpha is current, beta lags and is degraded. */
const ADDONS: Record<string, Record<string, { version: string; status: string; config?: string }>> = {
  alpha: {
    'vpc-cni': { version: VPC_CNI_DEFAULT, status: 'ACTIVE', config: '{"enableNetworkPolicy":"true"}' },
    coredns: { version: 'v1.11.4-eksbuild.2', status: 'ACTIVE' },
  },
  beta: {
    'vpc-cni': {
      version: 'v1.19.2-eksbuild.1',
      status: 'DEGRADED',
      config: 'enableNetworkPolicy: "false"\n',
    },
  },
};

beforeEach(() => {
  regionServices.empty();
  eks.on(ListClustersCommand).resolves({ clusters: ['alpha', 'beta'] });
  eks.on(DescribeClusterCommand).callsFake(async ({ name }: { name: string }, getClient) => ({
    cluster: {
      name,
      arn: `arn:aws:eks:${REGION}:${await accountOf(getClient)}:cluster/${name}`,
      version: '1.35',
      status: 'ACTIVE',
      resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true, vpcId: 'vpc-1' },
      accessConfig: { authenticationMode: 'API' },
    },
  }));
  eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
  eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
  eks.on(ListPodIdentityAssociationsCommand).resolves({ associations: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  eks.on(ListAddonsCommand).callsFake(({ clusterName }: { clusterName: string }) => ({
    addons: Object.keys(ADDONS[clusterName] ?? {}),
  }));
  eks
    .on(DescribeAddonCommand)
    .callsFake(async ({ clusterName, addonName }: { clusterName: string; addonName: string }, getClient) => {
      const addon = ADDONS[clusterName]?.[addonName];
      if (!addon) throw awsError('ResourceNotFoundException', 'No addon', 404);
      return {
        addon: {
          addonName,
          clusterName,
          addonArn: addonArn(await accountOf(getClient), clusterName, addonName),
          addonVersion: addon.version,
          status: addon.status,
          health: {
            issues:
              addon.status === 'DEGRADED'
                ? [
                    {
                      code: 'InsufficientNumberOfReplicas',
                      message:
                        "The add-on is unhealthy because it doesn't have the desired number of replicas.",
                      resourceIds: ['aws-node'],
                    },
                  ]
                : [],
          },
          ...(addon.config ? { configurationValues: addon.config } : {}),
          createdAt: NOW,
          modifiedAt: NOW,
        },
      };
    });
  eks
    .on(DescribeAddonVersionsCommand, { addonName: 'vpc-cni', kubernetesVersion: '1.35' })
    .resolves({
      addons: [
        {
          addonName: 'vpc-cni',
          type: 'networking',
          owner: 'aws',
          publisher: 'eks',
          addonVersions: [
            {
              addonVersion: VPC_CNI_DEFAULT,
              architecture: ['amd64', 'arm64'],
              compatibilities: [{ clusterVersion: '1.35', platformVersions: ['*'], defaultVersion: true }],
            },
            {
              addonVersion: 'v1.19.2-eksbuild.1',
              architecture: ['amd64', 'arm64'],
              compatibilities: [{ clusterVersion: '1.35', platformVersions: ['*'], defaultVersion: false }],
            },
          ],
        },
      ],
    })
    .on(DescribeAddonVersionsCommand, { addonName: 'coredns', kubernetesVersion: '1.35' })
    // coredns 1.11 is for older Kubernetes versions: 1.35 lists only 1.12 builds.
    .resolves({
      addons: [
        {
          addonName: 'coredns',
          addonVersions: [
            {
              addonVersion: 'v1.12.1-eksbuild.2',
              compatibilities: [{ clusterVersion: '1.35', platformVersions: ['*'], defaultVersion: true }],
            },
          ],
        },
      ],
    });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });
  iam.on(ListUsersCommand).resolves({ Users: [] });
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
});

afterEach(() => {
  for (const mock of [eks, iam, ec2]) mock.reset();
  regionServices.reset();
});

async function scan(accounts: readonly string[] = [ACCOUNT]) {
  const apiCalls = new ApiCallCounter();
  return runScan({
    accounts: accounts.map((accountId) => ({
      accountId,
      partition: 'aws',
      clients: createAccountClients({
        homeRegion: REGION,
        apiCalls,
        // The mocks tell the accounts apart by their access key.
        credentials: { accessKeyId: accountId, secretAccessKey: 'secret' },
      }),
    })),
    apiCalls,
    homeRegion: REGION,
    regions: [REGION],
    config: DEFAULT_SCAN_CONFIG,
    clock: () => NOW,
  });
}

const find = (results: readonly CheckResult[], checkId: string, name: string, account = ACCOUNT) =>
  results.find((r) => r.checkId === checkId && r.resource.name === name && r.accountId === account);

describe('Collector: EKS add-ons', () => {
  it('judges each add-on against what EKS offers for the cluster version, read once per add-on and version for the run', async () => {
    const { report } = await scan(ACCOUNTS);

    for (const account of ACCOUNTS) {
      expect(find(report.results, 'addon-health-and-version', 'alpha/vpc-cni', account)).toMatchObject({
        status: 'PASSED',
        resource: { type: 'AwsEksAddon', id: addonArn(account, 'alpha', 'vpc-cni') },
        clusterArn: `arn:aws:eks:${REGION}:${account}:cluster/alpha`,
      });
      const coredns = find(report.results, 'addon-health-and-version', 'alpha/coredns', account);
      expect(coredns).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
      expect(coredns?.detail).toContain('v1.11.4-eksbuild.2');
      expect(coredns?.detail).toContain('v1.12.1-eksbuild.2');
      const degraded = find(report.results, 'addon-health-and-version', 'beta/vpc-cni', account);
      expect(degraded).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(degraded?.detail).toContain('InsufficientNumberOfReplicas');
      expect(degraded?.detail).toContain(VPC_CNI_DEFAULT);
      expect(find(report.results, 'network-policy-enforcement', 'alpha', account)).toMatchObject({
        status: 'PASSED',
      });
      expect(find(report.results, 'network-policy-enforcement', 'beta', account)).toMatchObject({
        status: 'FAILED',
        severity: 'LOW',
      });
    }
    // Two accounts, three add-ons each: what EKS offers is asked once per add-on and Kubernetes version.
    expect(eks.commandCalls(ListAddonsCommand)).toHaveLength(4);
    expect(eks.commandCalls(DescribeAddonCommand)).toHaveLength(6);
    expect(eks.commandCalls(DescribeAddonVersionsCommand).map((c) => c.args[0].input)).toEqual([
      { addonName: 'vpc-cni', kubernetesVersion: '1.35', maxResults: 100 },
      { addonName: 'coredns', kubernetesVersion: '1.35', maxResults: 100 },
    ]);
  });

  it('keeps an add-on that cannot be described, and the add-ons of a cluster whose listing failed, unsettled', async () => {
    eks
      .on(DescribeAddonCommand, { clusterName: 'alpha', addonName: 'coredns' })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform eks:DescribeAddon', 403));
    eks
      .on(ListAddonsCommand, { clusterName: 'beta' })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform eks:ListAddons', 403));

    const { report, coverage } = await scan();

    const coredns = find(report.results, 'addon-health-and-version', 'alpha/coredns');
    expect(coredns).toMatchObject({
      status: 'NOT_AVAILABLE',
      resource: { type: 'AwsEksAddon', name: 'alpha/coredns' },
    });
    // Its ARN ends in an id only DescribeAddon gives: none is made up, so it has no finding.
    expect(coredns?.resource.id).toBeUndefined();
    expect(coredns?.detail).toContain('eks:DescribeAddon failed');
    expect(find(report.results, 'network-policy-enforcement', 'beta')).toMatchObject({
      status: 'NOT_AVAILABLE',
    });
    expect(find(report.results, 'network-policy-enforcement', 'beta')?.detail).toContain(
      'eks:ListAddons failed',
    );
    expect(coverage.scopes[0]?.unsettled).toEqual([
      expect.objectContaining({
        type: 'AwsEksAddon',
        clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/alpha`,
        name: 'coredns',
      }),
      expect.objectContaining({
        type: 'AwsEksAddon',
        clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/beta`,
      }),
    ]);
    expect(coverage.scopes[0]?.unsettled[1]).not.toHaveProperty('name');
  });

  it('asks another account for what EKS offers when the first one is denied it', async () => {
    let denied = 0;
    eks.on(DescribeAddonVersionsCommand).callsFake(async (input: { addonName: string }, getClient) => {
      if ((await accountOf(getClient)) === ACCOUNT) {
        denied += 1;
        throw awsError('AccessDeniedException', 'not authorized to perform eks:DescribeAddonVersions', 403);
      }
      return {
        addons: [
          {
            addonName: input.addonName,
            addonVersions: [
              {
                addonVersion: VPC_CNI_DEFAULT,
                compatibilities: [{ clusterVersion: '1.35', defaultVersion: true }],
              },
            ],
          },
        ],
      };
    });

    const { report } = await scan(ACCOUNTS);

    const [first, second] = ACCOUNTS;
    expect(denied).toBe(2);
    expect(find(report.results, 'addon-health-and-version', 'alpha/vpc-cni', first)).toMatchObject({
      status: 'NOT_AVAILABLE',
    });
    expect(find(report.results, 'addon-health-and-version', 'alpha/vpc-cni', second)).toMatchObject({
      status: 'PASSED',
    });
  });
});

describe('Collector: upgrade insights', () => {
  it('lists upgrade-readiness insights and describes only those that do not pass', async () => {
    eks
      .on(ListInsightsCommand, { clusterName: 'alpha' })
      .callsFake((input: { nextToken?: string; filter?: unknown }) => {
        expect(input.filter).toEqual({ categories: ['UPGRADE_READINESS'] });
        return input.nextToken === undefined
          ? {
              insights: [
                {
                  id: 'ins-skew',
                  name: 'Kubelet version skew',
                  category: 'UPGRADE_READINESS',
                  kubernetesVersion: '1.36',
                  insightStatus: { status: 'PASSING', reason: 'Node kubelet versions match the cluster.' },
                },
              ],
              nextToken: 'page-2',
            }
          : {
              insights: [
                {
                  id: 'ins-apis',
                  name: 'Deprecated APIs removed in Kubernetes v1.36',
                  category: 'UPGRADE_READINESS',
                  kubernetesVersion: '1.36',
                  insightStatus: {
                    status: 'ERROR',
                    reason: 'Deprecated API usage detected within last 30 days.',
                  },
                },
              ],
            };
      });
    eks.on(DescribeInsightCommand, { clusterName: 'alpha', id: 'ins-apis' }).resolves({
      insight: {
        id: 'ins-apis',
        name: 'Deprecated APIs removed in Kubernetes v1.36',
        category: 'UPGRADE_READINESS',
        kubernetesVersion: '1.36',
        insightStatus: { status: 'ERROR', reason: 'Deprecated API usage detected within last 30 days.' },
        recommendation:
          'Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading.',
        categorySpecificSummary: {
          deprecationDetails: [
            {
              usage: '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas',
              replacedWith: '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
              stopServingVersion: '1.36',
              startServingReplacementVersion: '1.29',
              clientStats: [
                { userAgent: 'legacy-operator', numberOfRequestsLast30Days: 412, lastRequestTime: NOW },
              ],
            },
          ],
        },
      },
    });

    const { report } = await scan();

    const alpha = find(report.results, 'upgrade-insights', 'alpha');
    expect(alpha).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(alpha?.detail).toContain('/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas');
    expect(alpha?.detail).toContain('Update manifests');
    // beta has no insights yet: nothing is judged from an empty list.
    expect(find(report.results, 'upgrade-insights', 'beta')).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(eks.commandCalls(ListInsightsCommand)).toHaveLength(3);
    expect(eks.commandCalls(DescribeInsightCommand)).toHaveLength(1);
  });

  it('keeps an insight whose description fails, and never passes a cluster whose insights cannot be listed', async () => {
    eks.on(ListInsightsCommand, { clusterName: 'alpha' }).resolves({
      insights: [{ id: 'ins-warn', name: 'Cluster health issues', insightStatus: { status: 'WARNING' } }],
    });
    eks.on(DescribeInsightCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
    eks
      .on(ListInsightsCommand, { clusterName: 'beta' })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform eks:ListInsights', 403));

    const { report } = await scan();

    const alpha = find(report.results, 'upgrade-insights', 'alpha');
    expect(alpha).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(alpha?.detail).toContain('Cluster health issues');
    expect(alpha?.detail).toContain('eks:DescribeInsight failed');
    const beta = find(report.results, 'upgrade-insights', 'beta');
    expect(beta).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(beta?.detail).toContain('eks:ListInsights failed');
  });
});

describe('Collector: principals of access entries', () => {
  const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
  const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

  beforeEach(() => {
    eks.on(ListAccessEntriesCommand, { clusterName: 'alpha' }).resolves({
      accessEntries: [role('platform-admin'), role('retired-deployer'), user('alice'), user('bob')],
    });
    eks.on(ListAssociatedAccessPoliciesCommand).resolves({ associatedAccessPolicies: [] });
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        {
          RoleName: 'platform-admin',
          Arn: `arn:aws:iam::${ACCOUNT}:role/teams/platform-admin`,
          Path: '/teams/',
          AssumeRolePolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}'),
        },
      ],
      Policies: [],
      IsTruncated: false,
    });
  });

  it('names the entries whose role or user no longer exists, matching names whatever the path', async () => {
    iam
      .on(ListUsersCommand)
      .resolves({
        Users: [{ UserName: 'alice', Path: '/', Arn: user('alice'), UserId: 'AIDA1', CreateDate: NOW }],
        IsTruncated: true,
        Marker: 'm',
      })
      .on(ListUsersCommand, { Marker: 'm' })
      .resolves({ Users: [], IsTruncated: false });

    const { report } = await scan();

    const alpha = find(report.results, 'access-entry-principal-exists', 'alpha');
    expect(alpha).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(alpha?.detail).toContain(role('retired-deployer'));
    expect(alpha?.detail).toContain(user('bob'));
    expect(alpha?.detail).not.toContain(role('platform-admin'));
    expect(alpha?.detail).not.toContain(user('alice'));
    expect(iam.commandCalls(ListUsersCommand)).toHaveLength(2);
  });

  it('judges the roles and leaves the users unjudged when the users cannot be listed', async () => {
    iam
      .on(ListUsersCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform iam:ListUsers', 403));

    const { report } = await scan();

    const alpha = find(report.results, 'access-entry-principal-exists', 'alpha');
    // The deleted role is proven; the users are not judged, and nothing else of the account is lost.
    expect(alpha).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(alpha?.detail).toContain(role('retired-deployer'));
    expect(alpha?.detail).toContain('iam:ListUsers failed');
    expect(report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
  });
});
