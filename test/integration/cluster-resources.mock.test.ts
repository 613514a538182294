/**
 * Access entries, Pod Identity associations, denied node-group reads and the batched EC2 reads,
 * covered with aws-sdk-client-mock in the shapes of the AWS API reference: moto lacks access
 * entries and Pod Identity associations (404), and authorizes everything.
 */
import {
  DescribeRegionsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
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
import { KMSClient } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../lambda/collect/api-calls';
import { createAccountClients } from '../../lambda/collect/clients';
import type { CheckResult } from '../../lambda/model/result';
import { DEFAULT_SCAN_CONFIG } from '../../lambda/scan/config';
import { runScan } from '../../lambda/scan/scan';
import { mockRegionServices } from '../support/region-service-mocks';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const NOW = new Date('2026-11-23T12:00:00Z');
const ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const clusterArn = (name: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`;
const nodegroupArn = (cluster: string, name: string) =>
  `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${cluster}/${name}/5ec1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const eks = mockClient(EKSClient);
const iam = mockClient(IAMClient);
const kms = mockClient(KMSClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const regionServices = mockRegionServices();

function awsError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'client' });
}

function cluster(name: string, mode: 'API' | 'CONFIG_MAP' = 'API', groups: string[] = [`sg-${name}`]) {
  return {
    cluster: {
      name,
      arn: clusterArn(name),
      version: '1.35',
      status: 'ACTIVE' as const,
      resourcesVpcConfig: {
        endpointPublicAccess: false,
        endpointPrivateAccess: true,
        vpcId: 'vpc-1',
        clusterSecurityGroupId: groups[0],
        securityGroupIds: groups.slice(1),
      },
      accessConfig: { authenticationMode: mode },
    },
  };
}

const podTrust = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    ],
  }),
);

beforeEach(() => {
  regionServices.empty();
  eks.on(ListAddonsCommand).resolves({ addons: [] });
  eks.on(ListInsightsCommand).resolves({ insights: [] });
  iam.on(ListUsersCommand).resolves({ Users: [] });
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: role('scanner') });
  ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: REGION }] });
  eks.on(ListClustersCommand).resolves({ clusters: ['alpha', 'beta'] });
  eks
    .on(DescribeClusterCommand, { name: 'alpha' })
    .resolves(cluster('alpha', 'API', ['sg-alpha', 'sg-extra']));
  eks.on(DescribeClusterCommand, { name: 'beta' }).resolves(cluster('beta', 'CONFIG_MAP'));
  eks.on(DescribeClusterVersionsCommand).resolves({ clusterVersions: [] });
  eks.on(ListNodegroupsCommand).resolves({ nodegroups: [] });
  eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
  eks.on(ListPodIdentityAssociationsCommand).resolves({ associations: [] });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: [] });
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolves({ RoleDetailList: [], Policies: [], IsTruncated: false });
});

afterEach(() => {
  for (const mock of [eks, iam, kms, sts, ec2]) mock.reset();
  regionServices.reset();
});

async function scan(allowedAdminPrincipals: string[] = []) {
  const apiCalls = new ApiCallCounter();
  const run = await runScan({
    accounts: [
      {
        clients: createAccountClients({
          homeRegion: REGION,
          apiCalls,
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
      },
    ],
    apiCalls,
    homeRegion: REGION,
    regions: [REGION],
    config: { ...DEFAULT_SCAN_CONFIG, allowedAdminPrincipals },
    clock: () => NOW,
  });
  return run;
}

const find = (results: readonly CheckResult[], checkId: string, name: string) =>
  results.find((r) => r.checkId === checkId && r.resource.name === name);

describe('Collector: access entries', () => {
  it('reads every page of entries and of each entry’s policies, and names the administrators', async () => {
    eks
      .on(ListAccessEntriesCommand, { clusterName: 'alpha' })
      .resolves({ accessEntries: [role('creator'), role('viewer')], nextToken: 'p2' })
      .on(ListAccessEntriesCommand, { clusterName: 'alpha', nextToken: 'p2' })
      .resolves({ accessEntries: [`arn:aws:iam::${ACCOUNT}:user/alice`, role('platform-admin')] });
    eks
      .on(ListAssociatedAccessPoliciesCommand)
      .resolves({ associatedAccessPolicies: [] })
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('creator') })
      .resolves({
        associatedAccessPolicies: [{ policyArn: ADMIN_POLICY, accessScope: { type: 'cluster' } }],
      })
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('viewer') })
      .resolves({
        associatedAccessPolicies: [
          { policyArn: ADMIN_POLICY, accessScope: { type: 'namespace', namespaces: ['dev'] } },
        ],
        nextToken: 'more',
      })
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('viewer'), nextToken: 'more' })
      .resolves({ associatedAccessPolicies: [{ policyArn: VIEW_POLICY, accessScope: { type: 'cluster' } }] })
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: `arn:aws:iam::${ACCOUNT}:user/alice` })
      .resolves({
        associatedAccessPolicies: [{ policyArn: ADMIN_POLICY, accessScope: { type: 'cluster' } }],
      })
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('platform-admin') })
      .resolves({
        associatedAccessPolicies: [{ policyArn: ADMIN_POLICY, accessScope: { type: 'cluster' } }],
      });

    const { report } = await scan(['arn:aws:iam::*:role/platform-*']);

    const result = find(report.results, 'cluster-admin-access', 'alpha');
    expect(result).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(result?.detail).toContain(role('creator'));
    expect(result?.detail).toContain(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(result?.detail).not.toContain(role('viewer'));
    expect(result?.detail).toContain(`Allowed administrators: ${role('platform-admin')}`);
    // One listing of two pages for alpha; none for beta, whose CONFIG_MAP mode has no access entries.
    expect(eks.commandCalls(ListAccessEntriesCommand)).toHaveLength(2);
    expect(eks.commandCalls(ListAssociatedAccessPoliciesCommand)).toHaveLength(5);
    expect(find(report.results, 'cluster-admin-access', 'beta')).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(find(report.results, 'cluster-admin-access', 'beta')?.detail).toContain('aws-auth ConfigMap');
  });

  it('reads whether the creator was bootstrapped as administrator, which CONFIG_MAP mode hides (moto drops accessConfig)', async () => {
    const beta = cluster('beta', 'CONFIG_MAP').cluster;
    eks.on(DescribeClusterCommand, { name: 'beta' }).resolves({
      cluster: {
        ...beta,
        accessConfig: { authenticationMode: 'CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true },
      },
    });

    const { report } = await scan();

    expect(find(report.results, 'authentication-mode', 'beta')).toMatchObject({
      status: 'FAILED',
      severity: 'MEDIUM',
    });
    expect(find(report.results, 'authentication-mode', 'alpha')).toMatchObject({ status: 'PASSED' });
  });

  it('skips an entry deleted since it was listed, and takes an association without a scope as cluster-wide', async () => {
    eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [role('gone'), role('ops')] });
    eks
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('gone') })
      .rejects(awsError('ResourceNotFoundException', 'No access entry found', 404))
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('ops') })
      .resolves({ associatedAccessPolicies: [{ policyArn: ADMIN_POLICY }] });

    const { report } = await scan();

    const result = find(report.results, 'cluster-admin-access', 'alpha');
    expect(result).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(result?.detail).toContain(role('ops'));
    expect(result?.detail).not.toContain(role('gone'));
  });

  it('judges nothing when one entry’s policies cannot be read, naming the entry', async () => {
    eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [role('creator'), role('ops')] });
    eks
      .on(ListAssociatedAccessPoliciesCommand)
      .resolves({ associatedAccessPolicies: [] })
      .on(ListAssociatedAccessPoliciesCommand, { principalArn: role('ops') })
      .rejects(awsError('AccessDeniedException', 'not authorized', 403));

    const { report } = await scan();

    const result = find(report.results, 'cluster-admin-access', 'alpha');
    expect(result?.status).toBe('NOT_AVAILABLE');
    expect(result?.detail).toContain(`eks:ListAssociatedAccessPolicies failed for ${role('ops')}`);
    expect(result?.detail).toContain('AccessDeniedException');
    expect(report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
  });
});

describe('Collector: Pod Identity associations', () => {
  it('describes every association on every page and lists those that use a role', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        {
          RoleName: 'shared',
          Arn: role('shared'),
          Path: '/',
          RoleId: 'AROA1',
          CreateDate: NOW,
          AssumeRolePolicyDocument: podTrust,
        },
      ],
      IsTruncated: false,
    });
    eks
      .on(ListPodIdentityAssociationsCommand, { clusterName: 'alpha' })
      .resolves({ associations: [{ associationId: 'a-1' }], nextToken: 'p2' })
      .on(ListPodIdentityAssociationsCommand, { clusterName: 'alpha', nextToken: 'p2' })
      .resolves({ associations: [{ associationId: 'a-2' }] })
      .on(ListPodIdentityAssociationsCommand, { clusterName: 'beta' })
      .rejects(awsError('AccessDeniedException', 'not authorized', 403));
    const association = (id: string, namespace: string, roleArn: string) => ({
      association: {
        clusterName: 'alpha',
        namespace,
        serviceAccount: 'app',
        associationId: id,
        associationArn: `arn:aws:eks:${REGION}:${ACCOUNT}:podidentityassociation/alpha/${id}`,
        roleArn,
      },
    });
    eks
      .on(DescribePodIdentityAssociationCommand, { associationId: 'a-1' })
      .resolves(association('a-1', 'shop', role('shared')))
      .on(DescribePodIdentityAssociationCommand, { associationId: 'a-2' })
      .resolves(association('a-2', 'other', role('another')));

    const { report } = await scan();

    const result = find(report.results, 'pod-identity-trust-policy', 'shared');
    // The listing gives the role no policy: it may do little, so its open trust is LOW (lambda/policy/role-severity.ts).
    expect(result).toMatchObject({ status: 'FAILED', severity: 'LOW', region: REGION });
    expect(result?.detail).toContain('alpha/shop/app');
    expect(result?.detail).not.toContain('alpha/other/app');
    expect(result?.detail).toMatch(/associations of beta could not be read .*AccessDeniedException/);
    expect(eks.commandCalls(DescribePodIdentityAssociationCommand)).toHaveLength(2);
  });
});

describe('Collector: node groups', () => {
  it('keeps a cluster whose node groups cannot be listed, and a node group that cannot be described', async () => {
    eks
      .on(ListNodegroupsCommand, { clusterName: 'alpha' })
      .rejects(awsError('AccessDeniedException', 'not authorized', 403))
      .on(ListNodegroupsCommand, { clusterName: 'beta' })
      .resolves({ nodegroups: ['ok', 'denied', 'gone'] });
    eks
      .on(DescribeNodegroupCommand, { nodegroupName: 'ok' })
      .resolves({
        nodegroup: { nodegroupName: 'ok', nodegroupArn: nodegroupArn('beta', 'ok'), subnets: ['subnet-1'] },
      })
      .on(DescribeNodegroupCommand, { nodegroupName: 'denied' })
      .rejects(awsError('AccessDeniedException', 'not authorized', 403))
      .on(DescribeNodegroupCommand, { nodegroupName: 'gone' })
      .rejects(awsError('ResourceNotFoundException', 'No node group found', 404));

    const { report, coverage } = await scan();

    expect(find(report.results, 'nodegroup-remote-access', 'beta/ok')?.status).toBe('PASSED');
    const denied = find(report.results, 'nodegroup-remote-access', 'beta/denied');
    expect(denied?.status).toBe('NOT_AVAILABLE');
    expect(denied?.detail).toContain('AccessDeniedException');
    // Deleted between listing and describing: gone, so no result, and its finding may be archived.
    expect(find(report.results, 'nodegroup-remote-access', 'beta/gone')).toBeUndefined();
    expect(
      report.results.filter(
        (r) => r.clusterArn === clusterArn('alpha') && r.resource.type === 'AwsEksNodegroup',
      ),
    ).toEqual([]);
    // What could not be settled is said once, in the coverage, by cluster and name: no ARN is made up.
    expect(coverage.scopes.flatMap((s) => s.unsettled)).toEqual([
      expect.objectContaining({ type: 'AwsEksNodegroup', clusterArn: clusterArn('alpha') }),
      expect.objectContaining({ type: 'AwsEksNodegroup', clusterArn: clusterArn('beta'), name: 'denied' }),
    ]);
    const [alpha] = coverage.scopes.flatMap((s) => s.unsettled);
    expect(alpha).not.toHaveProperty('name');
    expect(denied?.resource).not.toHaveProperty('id');
    expect(report.targets.every((t) => t.status === 'SCANNED')).toBe(true);
  });
});

describe('Collector: EC2 network', () => {
  beforeEach(() => {
    // EKS requires a node group's subnets to be in its cluster's VPC: beta's subnet-3 is in vpc-2.
    const beta = cluster('beta', 'CONFIG_MAP').cluster;
    eks.on(DescribeClusterCommand, { name: 'beta' }).resolves({
      cluster: { ...beta, resourcesVpcConfig: { ...beta.resourcesVpcConfig, vpcId: 'vpc-2' } },
    });
    eks
      .on(ListNodegroupsCommand, { clusterName: 'alpha' })
      .resolves({ nodegroups: ['a1', 'a2'] })
      .on(ListNodegroupsCommand, { clusterName: 'beta' })
      .resolves({ nodegroups: ['b1'] });
    for (const [clusterName, name, subnets] of [
      ['alpha', 'a1', ['subnet-1', 'subnet-2']],
      ['alpha', 'a2', ['subnet-2', 'subnet-3']],
      ['beta', 'b1', ['subnet-3']],
    ] as const) {
      eks.on(DescribeNodegroupCommand, { clusterName, nodegroupName: name }).resolves({
        nodegroup: {
          nodegroupName: name,
          nodegroupArn: nodegroupArn(clusterName, name),
          subnets: [...subnets],
        },
      });
    }
  });

  it('reads subnets, route tables and security groups once per region, filtered by the ids in use', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-1', VpcId: 'vpc-1', MapPublicIpOnLaunch: false },
        { SubnetId: 'subnet-2', VpcId: 'vpc-1', MapPublicIpOnLaunch: false },
        { SubnetId: 'subnet-3', VpcId: 'vpc-2', MapPublicIpOnLaunch: false },
      ],
    });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        { RouteTableId: 'rtb-main1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [] },
        {
          RouteTableId: 'rtb-main2',
          VpcId: 'vpc-2',
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-2', State: 'active' }],
        },
        {
          RouteTableId: 'rtb-dead',
          VpcId: 'vpc-1',
          Associations: [{ SubnetId: 'subnet-2' }],
          Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'blackhole' }],
        },
      ],
      NextToken: 'p2',
    });
    ec2.on(DescribeRouteTablesCommand, { NextToken: 'p2' }).resolves({ RouteTables: [] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-alpha',
          GroupName: 'eks-cluster-sg-alpha',
          IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-alpha' }] }],
        },
        {
          GroupId: 'sg-extra',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          ],
        },
      ],
    });

    const { report } = await scan();

    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(2); // two pages
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'subnet-id', Values: ['subnet-1', 'subnet-2', 'subnet-3'] },
    ]);
    expect(ec2.commandCalls(DescribeRouteTablesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] },
    ]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'group-id', Values: ['sg-alpha', 'sg-beta', 'sg-extra'] },
    ]);
    expect(find(report.results, 'nodegroup-public-subnets', 'alpha/a1')?.status).toBe('PASSED');
    const a2 = find(report.results, 'nodegroup-public-subnets', 'alpha/a2');
    expect(a2?.status).toBe('FAILED');
    expect(a2?.detail).toContain(
      'subnet-3 routes 0.0.0.0/0 to internet gateway igw-2 (rtb-main2, the main route table)',
    );
    expect(find(report.results, 'cluster-security-group', 'alpha')).toMatchObject({
      status: 'FAILED',
      severity: 'HIGH',
    });
    // beta's group was not returned and nothing read is open: not judged.
    expect(find(report.results, 'cluster-security-group', 'beta')?.status).toBe('NOT_AVAILABLE');
  });

  it('gives NOT_AVAILABLE with the reason when a read is denied, and judges what it can', async () => {
    ec2.on(DescribeSubnetsCommand).rejects(awsError('UnauthorizedOperation', 'not authorized', 403));
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-beta', IpPermissions: [] }] });

    const { report } = await scan();

    const a1 = find(report.results, 'nodegroup-public-subnets', 'alpha/a1');
    expect(a1?.status).toBe('NOT_AVAILABLE');
    expect(a1?.detail).toContain('ec2:DescribeSubnets failed: UnauthorizedOperation');
    // The route tables were read by the clusters' VPCs beside the subnets; without the subnets they judge nothing.
    expect(ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(1);
    expect(find(report.results, 'cluster-security-group', 'beta')?.status).toBe('PASSED');
  });
});
