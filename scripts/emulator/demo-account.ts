/**
 * A small but realistic account for the demo and the integration tests: clusters in two regions
 * with a mix of good and bad settings, KMS keys in several states, and IRSA roles good and bad.
 */
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateLaunchTemplateCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  type AMITypes,
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteClusterCommand,
  DeleteNodegroupCommand,
  DescribeClusterCommand,
  ListNodegroupsCommand,
  type LogType,
} from '@aws-sdk/client-eks';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, DisableKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { SeedClients } from './clients';
import { allow, irsaTrust, podIdentityTrust } from './documents';
import { MOTO_ACCOUNT_ID } from './moto';

export { allow, irsaTrust, podIdentityTrust } from './documents';

export interface ClusterSeed {
  readonly name: string;
  readonly region: string;
  readonly version: string;
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  readonly publicAccessCidrs?: readonly string[];
  readonly keyArn?: string;
  readonly logging?: readonly { types: readonly LogType[]; enabled: boolean }[];
  /** Defaults to two subnet ids that exist nowhere. */
  readonly subnetIds?: readonly string[];
  readonly securityGroupIds?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** A VPC with private subnets, a public one, and one left on a main route table that reaches the internet. */
export interface DemoNetwork {
  readonly vpcId: string;
  readonly privateSubnets: readonly string[];
  /** Maps public IPs on launch and routes 0.0.0.0/0 to the internet gateway. */
  readonly publicSubnet: string;
  /** No route table association of its own: the main table's internet route applies. */
  readonly mainTableSubnet: string;
  /** Inbound 443 from the VPC only. */
  readonly closedGroup: string;
  /** Inbound 443 from 0.0.0.0/0. */
  readonly openHttpsGroup: string;
  /** Inbound 22 from 0.0.0.0/0. */
  readonly openSshGroup: string;
}

export async function createNetwork(clients: SeedClients, region: string): Promise<DemoNetwork> {
  const ec2 = clients.ec2(region);
  const vpcId = required((await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId);
  // One zone: the checks do not look at zones, and the first zone is the one every region has.
  const subnet = async (cidr: string) =>
    required(
      (
        await ec2.send(
          new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: `${region}a` }),
        )
      ).Subnet?.SubnetId,
    );
  const privateSubnets = [await subnet('10.0.1.0/24'), await subnet('10.0.2.0/24')];
  const publicSubnet = await subnet('10.0.101.0/24');
  const mainTableSubnet = await subnet('10.0.201.0/24');
  await ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: publicSubnet, MapPublicIpOnLaunch: { Value: true } }),
  );
  const gateway = required(
    (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway?.InternetGatewayId,
  );
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway, VpcId: vpcId }));
  const table = async (subnets: readonly string[], internet: boolean) => {
    const id = required(
      (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable?.RouteTableId,
    );
    if (internet) {
      await ec2.send(
        new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gateway }),
      );
    }
    for (const subnetId of subnets)
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetId }));
  };
  await table(privateSubnets, false);
  await table([publicSubnet], true);
  const main = (
    await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'association.main', Values: ['true'] },
        ],
      }),
    )
  ).RouteTables?.[0]?.RouteTableId;
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: required(main),
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: gateway,
    }),
  );
  const group = async (name: string, port: number, cidr: string) => {
    const id = required(
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId })))
        .GroupId,
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] }],
      }),
    );
    return id;
  };
  return {
    vpcId,
    privateSubnets,
    publicSubnet,
    mainTableSubnet,
    closedGroup: await group('eks-internal', 443, '10.0.0.0/16'),
    openHttpsGroup: await group('eks-open-https', 443, '0.0.0.0/0'),
    openSshGroup: await group('eks-open-ssh', 22, '0.0.0.0/0'),
  };
}

export interface NodegroupSeed {
  readonly cluster: string;
  readonly region: string;
  readonly name: string;
  readonly subnets: readonly string[];
  readonly sshKey?: string;
  readonly sourceSecurityGroups?: readonly string[];
  /** The id of a launch template the node group runs (its default version). */
  readonly launchTemplateId?: string;
  /** e.g. `AL2023_x86_64_STANDARD`; the emulator's default otherwise. */
  readonly amiType?: AMITypes;
}

export async function createNodegroup(clients: SeedClients, seed: NodegroupSeed): Promise<string> {
  const answer = await clients.eks(seed.region).send(
    new CreateNodegroupCommand({
      clusterName: seed.cluster,
      nodegroupName: seed.name,
      nodeRole: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-node-role`,
      subnets: [...seed.subnets],
      ...(seed.amiType ? { amiType: seed.amiType } : {}),
      // moto gives a node group created without remoteAccess a default SSH key; an empty
      // remoteAccess (no key) is what AWS returns for a node group without SSH. With a launch
      // template, SSH is the template's and EKS takes no remoteAccess.
      ...(seed.launchTemplateId
        ? { launchTemplate: { id: seed.launchTemplateId } }
        : {
            remoteAccess: seed.sshKey
              ? { ec2SshKey: seed.sshKey, sourceSecurityGroups: [...(seed.sourceSecurityGroups ?? [])] }
              : { sourceSecurityGroups: [] },
          }),
    }),
  );
  return required(answer.nodegroup?.nodegroupArn);
}

/** A launch template with these instance metadata settings; its id. */
export async function createLaunchTemplate(
  clients: SeedClients,
  region: string,
  name: string,
  metadata: { readonly httpTokens: 'required' | 'optional'; readonly hopLimit: number },
): Promise<string> {
  const answer = await clients.ec2(region).send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: {
        MetadataOptions: { HttpTokens: metadata.httpTokens, HttpPutResponseHopLimit: metadata.hopLimit },
      },
    }),
  );
  return required(answer.LaunchTemplate?.LaunchTemplateId);
}

/** A cluster's control-plane log group, keeping events this many days (undefined: forever). */
export async function createClusterLogGroup(
  clients: SeedClients,
  region: string,
  cluster: string,
  retentionInDays: number | undefined,
): Promise<void> {
  const logs = clients.logs(region);
  const logGroupName = `/aws/eks/${cluster}/cluster`;
  await logs.send(new CreateLogGroupCommand({ logGroupName }));
  if (retentionInDays !== undefined) {
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
  }
}

/** A GuardDuty detector with these features enabled (and every other one disabled). */
export async function createDetector(
  clients: SeedClients,
  region: string,
  enabled: readonly ('EKS_AUDIT_LOGS' | 'RUNTIME_MONITORING')[],
): Promise<string> {
  const answer = await clients.guardduty(region).send(
    new CreateDetectorCommand({
      Enable: true,
      Features: (['EKS_AUDIT_LOGS', 'RUNTIME_MONITORING'] as const).map((name) => ({
        Name: name,
        Status: enabled.includes(name) ? 'ENABLED' : 'DISABLED',
        ...(name === 'RUNTIME_MONITORING'
          ? {
              AdditionalConfiguration: [
                { Name: 'EKS_ADDON_MANAGEMENT', Status: enabled.includes(name) ? 'ENABLED' : 'DISABLED' },
              ],
            }
          : {}),
      })),
    }),
  );
  return required(answer.DetectorId);
}

/** Deletes a cluster and, first, its node groups (EKS refuses to delete a cluster that has some). */
export async function deleteCluster(clients: SeedClients, region: string, name: string): Promise<void> {
  const eks = clients.eks(region);
  const { nodegroups = [] } = await eks.send(new ListNodegroupsCommand({ clusterName: name }));
  for (const nodegroupName of nodegroups) {
    await eks.send(new DeleteNodegroupCommand({ clusterName: name, nodegroupName }));
  }
  await eks.send(new DeleteClusterCommand({ name }));
}

function required(value: string | undefined): string {
  if (!value) throw new Error('the emulator returned no id');
  return value;
}

const CLUSTER_ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/eks-cluster-role`;
const ALL_LOGS: LogType[] = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

export async function createCluster(
  clients: SeedClients,
  seed: ClusterSeed,
): Promise<{ arn: string; issuer: string }> {
  const eks = clients.eks(seed.region);
  await eks.send(
    new CreateClusterCommand({
      name: seed.name,
      version: seed.version,
      roleArn: CLUSTER_ROLE_ARN,
      resourcesVpcConfig: {
        subnetIds: [...(seed.subnetIds ?? ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'])],
        ...(seed.securityGroupIds ? { securityGroupIds: [...seed.securityGroupIds] } : {}),
        endpointPublicAccess: seed.publicAccess,
        endpointPrivateAccess: seed.privateAccess,
        ...(seed.publicAccessCidrs ? { publicAccessCidrs: [...seed.publicAccessCidrs] } : {}),
      },
      ...(seed.keyArn
        ? { encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: seed.keyArn } }] }
        : {}),
      ...(seed.tags ? { tags: { ...seed.tags } } : {}),
      logging: {
        clusterLogging: (seed.logging ?? [{ types: ALL_LOGS, enabled: false }]).map((l) => ({
          types: [...l.types],
          enabled: l.enabled,
        })),
      },
    }),
  );
  const described = await eks.send(new DescribeClusterCommand({ name: seed.name }));
  const arn = described.cluster?.arn;
  const issuer = described.cluster?.identity?.oidc?.issuer;
  if (!arn || !issuer) throw new Error(`the emulator returned no ARN or issuer for ${seed.name}`);
  return { arn, issuer };
}

export type KeyPlan = 'enabled' | 'disabled' | 'pending-deletion';

export async function createKey(clients: SeedClients, region: string, plan: KeyPlan): Promise<string> {
  const kms = clients.kms(region);
  const key = await kms.send(new CreateKeyCommand({ Description: `eks secrets (${plan})` }));
  const keyId = key.KeyMetadata?.KeyId;
  const arn = key.KeyMetadata?.Arn;
  if (!keyId || !arn) throw new Error('the emulator returned no key id');
  if (plan === 'disabled') await kms.send(new DisableKeyCommand({ KeyId: keyId }));
  if (plan === 'pending-deletion')
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
  return arn;
}

export async function registerProvider(clients: SeedClients, issuerUrl: string): Promise<string> {
  const answer = await clients.iam().send(
    new CreateOpenIDConnectProviderCommand({
      Url: issuerUrl,
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    }),
  );
  if (!answer.OpenIDConnectProviderArn) throw new Error('the emulator returned no provider ARN');
  return answer.OpenIDConnectProviderArn;
}

export async function createRole(clients: SeedClients, name: string, trustPolicy: unknown): Promise<string> {
  const document = typeof trustPolicy === 'string' ? trustPolicy : JSON.stringify(trustPolicy);
  const answer = await clients
    .iam()
    .send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: document }));
  if (!answer.Role?.Arn) throw new Error(`the emulator returned no ARN for role ${name}`);
  return answer.Role.Arn;
}

/** What a role may do: inline policies by name, customer-managed policies to attach, and a boundary. */
export interface RolePowers {
  readonly inline?: Readonly<Record<string, unknown>>;
  readonly attached?: readonly string[];
  readonly boundary?: string;
}

/** Deletes a role as IAM requires: its inline policies deleted and its managed ones detached first. */
export async function deleteRole(clients: SeedClients, name: string): Promise<void> {
  const iam = clients.iam();
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
  for (const policy of inline.PolicyNames ?? []) {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy }));
  }
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
  for (const policy of attached.AttachedPolicies ?? []) {
    if (policy.PolicyArn)
      await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policy.PolicyArn }));
  }
  await iam.send(new DeleteRoleCommand({ RoleName: name }));
}

/** Creates a customer-managed policy and returns its ARN. */
export async function createPolicy(clients: SeedClients, name: string, document: unknown): Promise<string> {
  const answer = await clients
    .iam()
    .send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(document) }));
  if (!answer.Policy?.Arn) throw new Error(`the emulator returned no ARN for policy ${name}`);
  return answer.Policy.Arn;
}

/** Gives a role its inline policies, attached policies and boundary. */
export async function grant(clients: SeedClients, roleName: string, powers: RolePowers): Promise<void> {
  const iam = clients.iam();
  for (const [name, document] of Object.entries(powers.inline ?? {})) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: name,
        PolicyDocument: JSON.stringify(document),
      }),
    );
  }
  for (const arn of powers.attached ?? []) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
  }
  if (powers.boundary !== undefined) {
    await iam.send(
      new PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: powers.boundary }),
    );
  }
}

export function issuerHost(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, '');
}

export interface DemoAccount {
  readonly clusters: Record<string, string>;
  /** Node group ARNs by `<cluster>/<node group>`. */
  readonly nodegroups: Record<string, string>;
  readonly roles: Record<string, string>;
  readonly regions: readonly string[];
}

/**
 * Seeds the demo account: a network in us-east-1 and eu-west-1, six clusters with four node
 * groups (one on a launch template that lets pods reach the node's credentials), four keys, and ten roles (IRSA and
 * Pod Identity, good and bad) with what they may do; a leftover OIDC provider; control-plane log
 * groups kept for various times; a GuardDuty detector in us-east-1 alone.
 * Exposure paths: analytics has a full one (internet, nodes and endpoint, to an administrator role
 * any pod can assume); payments-prod has escalation alone, web-eu reach alone, edge-canary a
 * weakness alone, ml-sandbox reach and weakness. The emulator drops accessConfig and serves no
 * access entries, so no cluster has a known entry trait.
 */
export async function seedDemoAccount(clients: SeedClients): Promise<DemoAccount> {
  const east = await createNetwork(clients, 'us-east-1');
  const west = await createNetwork(clients, 'eu-west-1');
  await createRole(clients, 'eks-cluster-role', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const keys = {
    east: await createKey(clients, 'us-east-1', 'enabled'),
    eastPending: await createKey(clients, 'us-east-1', 'pending-deletion'),
    west: await createKey(clients, 'eu-west-1', 'enabled'),
    westDisabled: await createKey(clients, 'eu-west-1', 'disabled'),
  };
  const seeds: ClusterSeed[] = [
    {
      name: 'payments-prod',
      region: 'us-east-1',
      version: '1.35',
      publicAccess: false,
      privateAccess: true,
      keyArn: keys.east,
      subnetIds: east.privateSubnets,
      securityGroupIds: [east.closedGroup],
      logging: [
        { types: ['api', 'audit', 'authenticator'], enabled: true },
        { types: ['controllerManager', 'scheduler'], enabled: false },
      ],
    },
    {
      name: 'analytics',
      region: 'us-east-1',
      version: '1.32',
      publicAccess: true,
      privateAccess: false,
      // Two halves of the IPv4 internet: open, however it is spelled.
      publicAccessCidrs: ['0.0.0.0/1', '128.0.0.0/1'],
      subnetIds: east.privateSubnets,
      securityGroupIds: [east.openHttpsGroup],
      logging: [
        { types: ['api'], enabled: true },
        { types: ['audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false },
      ],
    },
    {
      name: 'legacy-batch',
      region: 'us-east-1',
      version: '1.29',
      publicAccess: true,
      privateAccess: true,
      publicAccessCidrs: ['203.0.113.0/24'],
      keyArn: keys.eastPending,
      subnetIds: east.privateSubnets,
      securityGroupIds: [east.closedGroup, east.openSshGroup],
    },
    {
      name: 'web-eu',
      region: 'eu-west-1',
      version: '1.34',
      publicAccess: true,
      privateAccess: true,
      // Restricted, but 100.0.0.0/8 (a /28 mistyped) is more of the internet than anyone holds: reach alone.
      publicAccessCidrs: ['198.51.100.0/24', '192.0.2.10/32', '100.0.0.0/8'],
      keyArn: keys.westDisabled,
      subnetIds: west.privateSubnets,
      securityGroupIds: [west.closedGroup],
      logging: [{ types: ALL_LOGS, enabled: true }],
    },
    {
      name: 'ml-sandbox',
      region: 'eu-west-1',
      version: '1.27',
      publicAccess: true,
      privateAccess: false,
      publicAccessCidrs: ['::/0'],
      subnetIds: west.privateSubnets,
      securityGroupIds: [west.openSshGroup],
      // The demo mutelist accepts this sandbox's public endpoint (demoMutelist).
      tags: { env: 'sandbox', team: 'data-science' },
    },
    {
      name: 'edge-canary',
      region: 'eu-west-1',
      version: '1.36',
      publicAccess: false,
      privateAccess: true,
      keyArn: keys.west,
      subnetIds: west.privateSubnets,
      securityGroupIds: [west.closedGroup],
      // Without the audit log an attack would leave no trace: a weakness alone, and no path without reach.
      logging: [
        { types: ['api', 'authenticator', 'controllerManager', 'scheduler'], enabled: true },
        { types: ['audit'], enabled: false },
      ],
    },
  ];
  const clusters: Record<string, string> = {};
  const issuers: Record<string, string> = {};
  for (const seed of seeds) {
    const made = await createCluster(clients, seed);
    clusters[seed.name] = made.arn;
    issuers[seed.region] = made.issuer; // the emulator gives every cluster of a region one issuer
  }
  // IMDSv1 and two hops for analytics' spot nodes: any pod there can take the node role's credentials.
  // (The emulator gives a node group on a launch template a default SSH key, as it does one without
  // remoteAccess, so only a node group that fails remote access already runs one here.)
  const spotTemplate = await createLaunchTemplate(clients, 'us-east-1', 'analytics-spot', {
    httpTokens: 'optional',
    hopLimit: 2,
  });
  const nodegroupSeeds: NodegroupSeed[] = [
    // AL2023 without a launch template: EKS's own template requires IMDSv2 with one hop.
    {
      cluster: 'payments-prod',
      region: 'us-east-1',
      name: 'general',
      subnets: east.privateSubnets,
      amiType: 'AL2023_x86_64_STANDARD',
    },
    {
      cluster: 'analytics',
      region: 'us-east-1',
      name: 'spot',
      subnets: [east.publicSubnet],
      launchTemplateId: spotTemplate,
    },
    {
      cluster: 'legacy-batch',
      region: 'us-east-1',
      name: 'batch',
      subnets: [east.privateSubnets[0] ?? '', east.mainTableSubnet],
      sshKey: 'batch-ops',
      sourceSecurityGroups: [east.closedGroup],
    },
    { cluster: 'web-eu', region: 'eu-west-1', name: 'web', subnets: west.privateSubnets },
  ];
  const nodegroups: Record<string, string> = {};
  for (const seed of nodegroupSeeds) {
    nodegroups[`${seed.cluster}/${seed.name}`] = await createNodegroup(clients, seed);
  }
  const eastProvider = await registerProvider(clients, issuers['us-east-1'] ?? '');
  const westProvider = await registerProvider(clients, issuers['eu-west-1'] ?? '');
  // Left behind by a cluster deleted long ago: no cluster issues it any more.
  await registerProvider(
    clients,
    'https://oidc.eks.us-east-1.amazonaws.com/id/5E1F0A2B3C4D5E6F708192A3B4C5D6E7',
  );
  // Control-plane logs kept a year, a month, forever, and not at all (web-eu's group was deleted).
  await createClusterLogGroup(clients, 'us-east-1', 'payments-prod', 365);
  await createClusterLogGroup(clients, 'us-east-1', 'analytics', 30);
  await createClusterLogGroup(clients, 'eu-west-1', 'edge-canary', undefined);
  // Threat detection for EKS in us-east-1 only.
  await createDetector(clients, 'us-east-1', ['EKS_AUDIT_LOGS', 'RUNTIME_MONITORING']);
  const eastHost = issuerHost(issuers['us-east-1'] ?? '');
  const westHost = issuerHost(issuers['eu-west-1'] ?? '');
  const gone = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`;
  const roles: Record<string, string> = {
    'payments-api': await createRole(
      clients,
      'payments-api',
      irsaTrust(eastProvider, {
        StringEquals: {
          [`${eastHost}:sub`]: 'system:serviceaccount:payments:api',
          [`${eastHost}:aud`]: 'sts.amazonaws.com',
        },
      }),
    ),
    'analytics-reader': await createRole(
      clients,
      'analytics-reader',
      irsaTrust(eastProvider, {
        StringLike: { [`${eastHost}:sub`]: 'system:serviceaccount:analytics:*' },
        StringEquals: { [`${eastHost}:aud`]: 'sts.amazonaws.com' },
      }),
    ),
    's3-writer': await createRole(
      clients,
      's3-writer',
      irsaTrust(eastProvider, {
        StringLike: { [`${eastHost}:sub`]: 'system:serviceaccount:*:s3-writer' },
        StringEquals: { [`${eastHost}:aud`]: 'sts.amazonaws.com' },
      }),
    ),
    'ci-deployer': await createRole(
      clients,
      'ci-deployer',
      irsaTrust(eastProvider, { StringEquals: { [`${eastHost}:aud`]: 'sts.amazonaws.com' } }),
    ),
    'log-shipper': await createRole(
      clients,
      'log-shipper',
      irsaTrust(westProvider, {
        StringNotEquals: { [`${westHost}:sub`]: 'system:serviceaccount:kube-system:default' },
        StringEquals: { [`${westHost}:aud`]: 'sts.amazonaws.com' },
      }),
    ),
    'web-eu-assets': await createRole(
      clients,
      'web-eu-assets',
      irsaTrust(westProvider, { StringEquals: { [`${westHost}:sub`]: 'system:serviceaccount:web:assets' } }),
    ),
    'old-cluster-role': await createRole(
      clients,
      'old-cluster-role',
      irsaTrust(gone, {
        StringEquals: {
          'oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub':
            'system:serviceaccount:jobs:runner',
          'oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud': 'sts.amazonaws.com',
        },
      }),
    ),
    'ec2-instance': await createRole(clients, 'ec2-instance', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
    'payments-pod-identity': await createRole(
      clients,
      'payments-pod-identity',
      podIdentityTrust({
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusters['payments-prod'] ?? '',
          'aws:RequestTag/kubernetes-namespace': 'payments',
          'aws:RequestTag/kubernetes-service-account': 'ledger',
        },
      }),
    ),
    'shared-pod-identity': await createRole(clients, 'shared-pod-identity', podIdentityTrust()),
  };
  // What the EKS-trusted roles may do: with their trust, it sets their severity and the exposure paths.
  const admin = await createPolicy(clients, 'ci-deployer-admin', allow('*'));
  const boundary = await createPolicy(clients, 'workload-boundary', {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-config/*' },
    ],
  });
  const powers: Record<string, RolePowers> = {
    // Any service account of every us-east-1 cluster, as administrator: the escalation of each of them.
    'ci-deployer': { attached: [admin] },
    // A namespace wildcard that reads the objects of every analytics-* bucket: sensitive data.
    'analytics-reader': {
      inline: { 'read-analytics': allow(['s3:GetObject', 's3:ListBucket'], 'arn:aws:s3:::analytics-*/*') },
    },
    // Across namespaces, but it can only write one bucket.
    's3-writer': { inline: { 'write-exports': allow('s3:PutObject', 'arn:aws:s3:::exports/*') } },
    'payments-api': {
      inline: {
        'read-payments-secret': allow(
          'secretsmanager:GetSecretValue',
          `arn:aws:secretsmanager:us-east-1:${MOTO_ACCOUNT_ID}:secret:payments/api-*`,
        ),
      },
    },
    'log-shipper': {
      inline: { 'ship-logs': allow(['logs:CreateLogStream', 'logs:PutLogEvents']) },
      boundary,
    },
    'web-eu-assets': { inline: { 'read-assets': allow('s3:GetObject', 'arn:aws:s3:::web-eu-assets/*') } },
    'payments-pod-identity': { inline: { decrypt: allow('kms:Decrypt') } },
    // Its identity policy allows everything, but its boundary only logs and object reads.
    'shared-pod-identity': { inline: { everything: allow('*') }, boundary },
  };
  for (const [role, granted] of Object.entries(powers)) await grant(clients, role, granted);
  return { clusters, nodegroups, roles, regions: ['eu-west-1', 'us-east-1'] };
}

/**
 * The demo's mutelist: the public endpoint of the sandbox cluster is an accepted risk, matched by the
 * cluster's tags, for 90 days from `now`.
 */
export function demoMutelist(now: Date): string {
  const expires = new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
  return [
    '# Accepted risks of the demo account: each entry needs a reason; expires is the last day it mutes.',
    'mutelist:',
    '  - checks: [endpoint-public-access]',
    '    clusterTags: [env=sandbox]',
    '    reason: Sandbox for notebooks; no production data, reached from home networks (SEC-1042)',
    '    owner: data-science-leads',
    `    expires: ${expires}`,
    '',
  ].join('\n');
}
