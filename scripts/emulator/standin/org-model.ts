/**
 * A synthetic organization, generated deterministically per account from a seeded PRNG: the same
 * plan and seed give the same accounts, clusters, node groups, roles and network on every run, so
 * the stand-in can answer any account without storing the organization, and the harness can work
 * out the call floor from the same model.
 */
import { seededRandom } from '../../../test/support/prng';

/** The 17 regions of the benchmarks (`npm run bench` and `bench:org`), in the order they are taken. */
export const REGION_POOL = [
  'eu-west-1',
  'us-east-1',
  'ap-southeast-2',
  'eu-central-1',
  'us-west-2',
  'sa-east-1',
  'ap-northeast-1',
  'ap-south-1',
  'ca-central-1',
  'eu-north-1',
  'eu-west-2',
  'eu-west-3',
  'us-east-2',
  'us-west-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-northeast-3',
] as const;

export const MANAGEMENT_ACCOUNT = '123456789012';
export const MEMBER_ROLE = 'OrganizationAccountAccessRole';

export type Range = readonly [number, number];

export interface OrgPlan {
  readonly accounts: number;
  readonly regions: readonly string[];
  /** Regions with clusters per account, drawn in this range (the others are empty). */
  readonly clusterRegions: Range;
  readonly clustersPerRegion: Range;
  readonly nodegroupsPerCluster: Range;
  readonly accessEntriesPerCluster: Range;
  readonly podIdentityPerCluster: Range;
  /** IAM roles that are neither IRSA nor Pod Identity roles. */
  readonly otherRoles: Range;
  readonly seed: number;
  /**
   * Only what moto 5.2.1 can hold (no access entries, Pod Identity, access config, cluster security
   * group, deletion protection; one OIDC issuer per region): for validating the stand-in against moto.
   */
  readonly motoCompatible?: boolean;
}

export interface IngressRule {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: readonly string[];
}
export interface SecurityGroupModel {
  readonly id: string;
  readonly name: string;
  readonly ingress: readonly IngressRule[];
}
export interface SubnetModel {
  readonly id: string;
  readonly cidr: string;
  readonly public: boolean;
}
export interface NetworkModel {
  readonly vpcId: string;
  readonly igwId: string;
  readonly privateSubnets: readonly SubnetModel[];
  readonly publicSubnet: SubnetModel;
  /** In no table of its own: it uses the main table. */
  readonly mainTableSubnet: SubnetModel;
  readonly closedGroup: SecurityGroupModel;
  readonly openHttpsGroup: SecurityGroupModel;
  readonly openSshGroup: SecurityGroupModel;
  /**
   * The shape of `createNetwork` (demo-account.ts): the private subnets' table has the local route
   * only; the public subnet's table and the main table route 0.0.0.0/0 to the internet gateway.
   */
  readonly privateTableId: string;
  readonly publicTableId: string;
  readonly mainTableId: string;
}
export interface NodegroupModel {
  readonly name: string;
  readonly uuid: string;
  readonly subnetIds: readonly string[];
  readonly sshKey?: string;
  readonly sourceSecurityGroups: readonly string[];
}
export interface AccessEntryModel {
  readonly principalArn: string;
  readonly policies: readonly { policyArn: string; scope: 'cluster' | 'namespace'; namespaces: string[] }[];
}
export interface PodIdentityModel {
  readonly associationId: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleArn: string;
}
export interface ClusterModel {
  readonly name: string;
  readonly arn: string;
  readonly version: string;
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
  readonly keyArn?: string;
  readonly logging: readonly { types: string[]; enabled: boolean }[];
  readonly issuerId: string;
  readonly authenticationMode?: 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP';
  readonly deletionProtection?: boolean;
  readonly clusterSecurityGroupId?: string;
  readonly securityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly nodegroups: readonly NodegroupModel[];
  readonly accessEntries: readonly AccessEntryModel[];
  readonly podIdentity: readonly PodIdentityModel[];
  readonly tags: Readonly<Record<string, string>>;
}
export interface KeyModel {
  readonly id: string;
  readonly arn: string;
  readonly state: 'Enabled' | 'Disabled' | 'PendingDeletion';
}
export interface RegionModel {
  readonly region: string;
  readonly network: NetworkModel;
  readonly clusters: readonly ClusterModel[];
  readonly keys: readonly KeyModel[];
}
export interface RoleModel {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  /** The trust policy as JSON text. */
  readonly trust: string;
}
export interface AccountModel {
  readonly accountId: string;
  readonly index: number;
  /** Only the regions with clusters; every other planned region is empty. */
  readonly regions: readonly RegionModel[];
  readonly roles: readonly RoleModel[];
  readonly oidcProviderArns: readonly string[];
}

/** Account 0 is the management account (moto's default); members are 2 followed by the index. */
export function accountIdOf(index: number): string {
  return index === 0 ? MANAGEMENT_ACCOUNT : `2${String(index).padStart(11, '0')}`;
}

export function accountIds(plan: OrgPlan): string[] {
  return Array.from({ length: plan.accounts }, (_, i) => accountIdOf(i));
}

export function accountIndexOf(accountId: string): number {
  return accountId === MANAGEMENT_ACCOUNT ? 0 : Number(accountId.slice(1));
}

const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
const VERSIONS = ['1.29', '1.31', '1.32', '1.33', '1.34', '1.35'];

function hex(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += Math.floor(random() * 16).toString(16);
  return text;
}

function uuid(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

/** The account's model; the same plan, seed and account always give the same one. */
export function accountModel(
  plan: OrgPlan,
  accountId: string,
  index = accountIndexOf(accountId),
): AccountModel {
  const random = seededRandom((plan.seed * 1_000_003 + index * 7919) >>> 0);
  const draw = ([low, high]: Range) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const moto = plan.motoCompatible === true;
  const regionCount = Math.min(plan.regions.length, draw(plan.clusterRegions));
  const shuffled = [...plan.regions].sort(() => random() - 0.5);
  const clusterRegions = shuffled.slice(0, regionCount).sort();
  const roles: RoleModel[] = [];
  const providers: string[] = [];
  const role = (name: string, trust: unknown) => {
    roles.push({
      name,
      id: `AROA${hex(random, 17).toUpperCase()}`,
      arn: `arn:aws:iam::${accountId}:role/${name}`,
      trust: JSON.stringify(trust),
    });
    return `arn:aws:iam::${accountId}:role/${name}`;
  };
  if (index !== 0) {
    role(MEMBER_ROLE, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
  }
  for (let r = 0, n = draw(plan.otherRoles); r < n; r++) {
    role(`service-${r}`, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Service: pick(['ec2.amazonaws.com', 'lambda.amazonaws.com', 'ecs-tasks.amazonaws.com']),
          },
          Action: 'sts:AssumeRole',
        },
      ],
    });
  }
  const regions: RegionModel[] = clusterRegions.map((region) => {
    const group = (name: string, port: number, cidr: string): SecurityGroupModel => ({
      id: `sg-${hex(random, 17)}`,
      name,
      ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, cidrs: [cidr] }],
    });
    const network: NetworkModel = {
      vpcId: `vpc-${hex(random, 17)}`,
      igwId: `igw-${hex(random, 17)}`,
      privateSubnets: [1, 2].map((i) => ({
        id: `subnet-${hex(random, 17)}`,
        cidr: `10.0.${i}.0/24`,
        public: false,
      })),
      publicSubnet: { id: `subnet-${hex(random, 17)}`, cidr: '10.0.101.0/24', public: true },
      mainTableSubnet: { id: `subnet-${hex(random, 17)}`, cidr: '10.0.201.0/24', public: false },
      closedGroup: group('eks-internal', 443, '10.0.0.0/16'),
      openHttpsGroup: group('eks-open-https', 443, '0.0.0.0/0'),
      openSshGroup: group('eks-open-ssh', 22, '0.0.0.0/0'),
      privateTableId: `rtb-${hex(random, 17)}`,
      publicTableId: `rtb-${hex(random, 17)}`,
      mainTableId: `rtb-${hex(random, 17)}`,
    };
    const keys: KeyModel[] = [];
    // moto gives every cluster of a region one issuer; AWS one per cluster.
    const regionIssuer = hex(random, 32).toUpperCase();
    const clusters: ClusterModel[] = [];
    for (let c = 0, n = draw(plan.clustersPerRegion); c < n; c++) {
      const name = `${pick(['payments', 'web', 'data', 'batch', 'ml', 'edge'])}-${c}`;
      const arn = `arn:aws:eks:${region}:${accountId}:cluster/${name}`;
      let keyArn: string | undefined;
      if (chance(0.6)) {
        const id = uuid(random);
        const state = chance(0.85) ? 'Enabled' : pick(['Disabled', 'PendingDeletion'] as const);
        keyArn = `arn:aws:kms:${region}:${accountId}:key/${id}`;
        keys.push({ id, arn: keyArn, state });
      }
      const publicAccess = chance(0.5);
      const issuerId = moto ? regionIssuer : hex(random, 32).toUpperCase();
      const issuerHost = `oidc.eks.${region}.amazonaws.com/id/${issuerId}`;
      const provider = `arn:aws:iam::${accountId}:oidc-provider/${issuerHost}`;
      if (!providers.includes(provider) && chance(0.9)) providers.push(provider);
      for (let r = 0, k = 1 + Math.floor(random() * 3); r < k; r++) {
        const wildcard = chance(0.3);
        role(`${name}-${region}-irsa-${r}`, {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: provider },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: wildcard
                ? { StringLike: { [`${issuerHost}:sub`]: `system:serviceaccount:ns${r}:*` } }
                : {
                    StringEquals: {
                      [`${issuerHost}:sub`]: `system:serviceaccount:ns${r}:app`,
                      [`${issuerHost}:aud`]: 'sts.amazonaws.com',
                    },
                  },
            },
          ],
        });
      }
      const nodegroups: NodegroupModel[] = [];
      for (let g = 0, k = draw(plan.nodegroupsPerCluster); g < k; g++) {
        const exposed = chance(0.2);
        const mainTable = !exposed && chance(0.15);
        const ssh = !moto && chance(0.25);
        nodegroups.push({
          name: `ng-${g}`,
          uuid: uuid(random),
          subnetIds: exposed
            ? [network.publicSubnet.id]
            : mainTable
              ? [network.mainTableSubnet.id]
              : network.privateSubnets.map((s) => s.id),
          ...(ssh ? { sshKey: 'ops' } : {}),
          sourceSecurityGroups: ssh && chance(0.5) ? [network.closedGroup.id] : [],
        });
      }
      const accessEntries: AccessEntryModel[] = [];
      const podIdentity: PodIdentityModel[] = [];
      if (!moto) {
        for (let e = 0, k = draw(plan.accessEntriesPerCluster); e < k; e++) {
          accessEntries.push({
            principalArn: `arn:aws:iam::${accountId}:role/${e === 0 ? 'platform-admin' : `team-${e}`}`,
            policies:
              e === 0 || chance(0.3)
                ? [
                    {
                      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
                      scope: 'cluster',
                      namespaces: [],
                    },
                  ]
                : [
                    {
                      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy',
                      scope: 'namespace',
                      namespaces: [`team-${e}`],
                    },
                  ],
          });
        }
        for (let p = 0, k = draw(plan.podIdentityPerCluster); p < k; p++) {
          const namespace = `apps-${p}`;
          const roleArn = role(`${name}-${region}-pod-${p}`, {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'pods.eks.amazonaws.com' },
                Action: ['sts:AssumeRole', 'sts:TagSession'],
                ...(chance(0.5)
                  ? { Condition: { StringEquals: { 'aws:RequestTag/eks-cluster-arn': arn } } }
                  : {}),
              },
            ],
          });
          podIdentity.push({
            associationId: `a-${hex(random, 17)}`,
            namespace,
            serviceAccount: 'app',
            roleArn,
          });
        }
      }
      const enabledLogs = LOG_TYPES.filter(() => chance(0.5));
      clusters.push({
        name,
        arn,
        version: pick(VERSIONS),
        publicAccess,
        privateAccess: !publicAccess || chance(0.5),
        publicAccessCidrs: publicAccess ? [chance(0.5) ? '0.0.0.0/0' : '203.0.113.0/24'] : ['0.0.0.0/0'],
        ...(keyArn ? { keyArn } : {}),
        logging: [
          ...(enabledLogs.length > 0 ? [{ types: enabledLogs, enabled: true }] : []),
          ...(enabledLogs.length < LOG_TYPES.length
            ? [{ types: LOG_TYPES.filter((t) => !enabledLogs.includes(t)), enabled: false }]
            : []),
        ],
        issuerId,
        ...(moto
          ? {}
          : {
              authenticationMode: pick([
                'API',
                'API_AND_CONFIG_MAP',
                'API_AND_CONFIG_MAP',
                'CONFIG_MAP',
              ] as const),
              deletionProtection: chance(0.3),
              clusterSecurityGroupId: `sg-${hex(random, 17)}`,
            }),
        securityGroupIds: [chance(0.7) ? network.closedGroup.id : network.openHttpsGroup.id],
        subnetIds: network.privateSubnets.map((s) => s.id),
        nodegroups,
        accessEntries,
        podIdentity,
        tags: chance(0.3) ? { env: 'sandbox' } : { env: 'prod', team: 'platform' },
      });
    }
    // Names are unique within the region: each ends in its index.
    return { region, network, clusters, keys };
  });
  return { accountId, index, regions, roles, oidcProviderArns: providers.sort() };
}
