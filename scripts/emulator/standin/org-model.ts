/**
 * A synthetic organization, generated deterministically per account from a seeded PRNG: the same
 * plan and seed give the same accounts, clusters, node groups, add-ons, insights, roles, users,
 * network, launch templates, log groups and GuardDuty detectors on every run, so the stand-in can
 * answer any account without storing the organization, and the harness can work out the call floor
 * from the same model.
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
   * Only what moto 5.2.1 can hold (no access entries, Pod Identity, add-ons, insights, access config,
   * cluster security group, deletion protection, AMI type; one OIDC issuer per region): for
   * validating the stand-in against moto.
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
  /** Never with a launch template: EKS takes SSH access from the template then. */
  readonly sshKey?: string;
  readonly sourceSecurityGroups: readonly string[];
  /** moto gives every node group AL2_x86_64, whatever was asked. */
  readonly amiType: string;
  /**
   * The custom launch template the node group runs (one of its region's). Without a version the
   * node group was created with the template's default, as moto keeps it; AWS records the number.
   */
  readonly launchTemplate?: { readonly id: string; readonly name: string; readonly version?: string };
}
/** One launch template version's instance metadata options; an unset field is absent, as EC2 returns it. */
export interface LaunchTemplateVersionModel {
  readonly number: number;
  readonly httpTokens?: 'required' | 'optional';
  readonly hopLimit?: number;
}
export interface LaunchTemplateModel {
  readonly id: string;
  readonly name: string;
  readonly defaultVersion: number;
  readonly versions: readonly LaunchTemplateVersionModel[];
}
export interface AddonHealthIssueModel {
  readonly code: string;
  readonly message: string;
  readonly resourceIds: readonly string[];
}
export interface AddonModel {
  readonly name: string;
  /** The last part of the add-on's ARN. */
  readonly uuid: string;
  readonly version: string;
  readonly status: 'ACTIVE' | 'DEGRADED' | 'UPDATING';
  readonly issues: readonly AddonHealthIssueModel[];
  readonly configurationValues?: string;
}
export interface DeprecationModel {
  readonly usage: string;
  readonly replacedWith: string;
  readonly stopServingVersion: string;
  readonly startServingReplacementVersion: string;
}
export interface InsightModel {
  readonly id: string;
  readonly name: string;
  readonly category: 'UPGRADE_READINESS' | 'MISCONFIGURATION';
  readonly kubernetesVersion: string;
  readonly status: 'PASSING' | 'WARNING' | 'ERROR' | 'UNKNOWN';
  readonly reason: string;
  readonly deprecations: readonly DeprecationModel[];
}
export interface LogGroupModel {
  readonly name: string;
  /** Undefined: the group never expires its events. */
  readonly retentionInDays?: number;
}
export interface DetectorModel {
  readonly id: string;
  readonly status: 'ENABLED' | 'DISABLED';
  readonly auditLogs: boolean;
  readonly runtimeMonitoring: boolean;
  /** RUNTIME_MONITORING's EKS_ADDON_MANAGEMENT: GuardDuty deploys the agent add-on itself. */
  readonly addonManagement: boolean;
}
export interface UserModel {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
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
  readonly addons: readonly AddonModel[];
  /** Every category: ListInsights filters them. */
  readonly insights: readonly InsightModel[];
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
  readonly launchTemplates: readonly LaunchTemplateModel[];
  /** The groups under `/aws/eks/`, by name. */
  readonly logGroups: readonly LogGroupModel[];
  /** None or one (GuardDuty allows one a region). */
  readonly detectors: readonly DetectorModel[];
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
  readonly users: readonly UserModel[];
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
export const VERSIONS = ['1.29', '1.31', '1.32', '1.33', '1.34', '1.35'];

/**
 * The managed add-ons the model installs, each with the release series it offers for a Kubernetes
 * minor version (`[major, minor]` of the add-on's version).
 */
const ADDON_SERIES: Readonly<Record<string, (kubernetesMinor: number) => readonly [number, number]>> = {
  'vpc-cni': (k) => [1, k - 10],
  'kube-proxy': (k) => [1, k],
  coredns: (k) => [1, k - 19],
  'eks-pod-identity-agent': () => [1, 3],
  'aws-ebs-csi-driver': (k) => [1, k + 8],
};
export const ADDON_NAMES = Object.keys(ADDON_SERIES);

/**
 * What DescribeAddonVersions offers of an add-on for a Kubernetes version: the same for every
 * account, newest first, with EKS's default (often not the newest). Undefined for an add-on or a
 * version the catalog does not know.
 */
export function addonOffer(
  addonName: string,
  kubernetesVersion: string,
): { readonly versions: readonly string[]; readonly defaultVersion: string } | undefined {
  const series = ADDON_SERIES[addonName];
  const minor = Number(kubernetesVersion.split('.')[1]);
  if (series === undefined || !/^1\.\d+$/.test(kubernetesVersion)) return undefined;
  const [major, base] = series(minor);
  const versions = [
    `v${major}.${base}.4-eksbuild.2`,
    `v${major}.${base}.4-eksbuild.1`,
    `v${major}.${base}.1-eksbuild.1`,
    `v${major}.${base - 1}.6-eksbuild.3`,
  ];
  return { versions, defaultVersion: versions[1] as string };
}

const UPGRADE_INSIGHTS = [
  'Deprecated APIs removed in the next Kubernetes version',
  'Kubelet version skew',
  'EKS add-on version compatibility',
  'Cluster health issues',
  'kube-proxy version skew',
  'Amazon Linux 2 compatibility',
];
const INSIGHT_REASONS: Readonly<Record<InsightModel['status'], string>> = {
  PASSING: 'No issue detected within the last 30 days.',
  WARNING: 'Issue detected within the last 30 days that may affect the upgrade.',
  ERROR: 'Issue detected within the last day that will break the upgrade.',
  UNKNOWN: 'Unable to determine status.',
};

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
  const users: UserModel[] = Array.from({ length: draw([0, 3]) }, (_, u) => ({
    name: `user-${u}`,
    id: `AIDA${hex(random, 17).toUpperCase()}`,
    arn: `arn:aws:iam::${accountId}:user/user-${u}`,
  }));
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
    // Node groups share the region's templates; a later version may loosen what the first required.
    const launchTemplates: LaunchTemplateModel[] = Array.from({ length: draw([0, 2]) }, (_, t) => {
      const versions = Array.from(
        { length: draw([1, 3]) },
        (_, v): LaunchTemplateVersionModel => ({
          number: v + 1,
          ...(chance(0.9) ? { httpTokens: chance(0.6) ? 'required' : 'optional' } : {}),
          ...(chance(0.85) ? { hopLimit: chance(0.6) ? 1 : 2 } : {}),
        }),
      );
      return {
        id: `lt-${hex(random, 17)}`,
        name: `nodes-${t}`,
        defaultVersion: 1 + Math.floor(random() * versions.length),
        versions,
      };
    });
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
        const template = launchTemplates.length > 0 && chance(0.5) ? pick(launchTemplates) : undefined;
        const ssh = !moto && !template && chance(0.25);
        // moto keeps the version only when the node group named one; AWS names the number it resolved.
        const version =
          template && !moto
            ? String(chance(0.7) ? template.defaultVersion : pick(template.versions).number)
            : undefined;
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
          amiType: moto
            ? 'AL2_x86_64'
            : pick([
                'AL2023_x86_64_STANDARD',
                'AL2023_x86_64_STANDARD',
                'AL2023_ARM_64_STANDARD',
                'BOTTLEROCKET_x86_64',
                'AL2_x86_64',
              ]),
          ...(template
            ? {
                launchTemplate: {
                  id: template.id,
                  name: template.name,
                  ...(version === undefined ? {} : { version }),
                },
              }
            : {}),
        });
      }
      const accessEntries: AccessEntryModel[] = [];
      const podIdentity: PodIdentityModel[] = [];
      if (!moto) {
        for (let e = 0, k = draw(plan.accessEntriesPerCluster); e < k; e++) {
          // An entry per principal, as EKS allows: entry e may name the account's user e - 1.
          const user = e > 0 && chance(0.25) ? users[e - 1] : undefined;
          accessEntries.push({
            principalArn:
              user?.arn ?? `arn:aws:iam::${accountId}:role/${e === 0 ? 'platform-admin' : `team-${e}`}`,
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
      const version = pick(VERSIONS);
      const addons = moto ? [] : addonsOf(version, random);
      const insights = moto ? [] : insightsOf(version, random);
      clusters.push({
        name,
        arn,
        version,
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
        addons,
        insights,
        tags: chance(0.3) ? { env: 'sandbox' } : { env: 'prod', team: 'platform' },
      });
    }
    // EKS creates a cluster's group when logging is turned on; some were deleted since, some outlive
    // logging turned off, and a retired cluster's group may remain.
    const retention = () => pick([undefined, 7, 30, 90, 365, 731]);
    const logGroups: LogGroupModel[] = [];
    for (const cluster of clusters) {
      const logging = cluster.logging.some((l) => l.enabled);
      if (chance(logging ? 0.8 : 0.2)) {
        const days = retention();
        logGroups.push({
          name: `/aws/eks/${cluster.name}/cluster`,
          ...(days === undefined ? {} : { retentionInDays: days }),
        });
      }
    }
    if (chance(0.3)) logGroups.push({ name: '/aws/eks/retired-0/cluster', retentionInDays: 30 });
    logGroups.sort((a, b) => (a.name < b.name ? -1 : 1));
    const detectors: DetectorModel[] = chance(0.6)
      ? [
          {
            id: hex(random, 32),
            status: chance(0.9) ? 'ENABLED' : 'DISABLED',
            auditLogs: chance(0.7),
            runtimeMonitoring: chance(0.5),
            addonManagement: chance(0.7),
          },
        ]
      : [];
    // Names are unique within the region: each ends in its index.
    return { region, network, clusters, keys, launchTemplates, logGroups, detectors };
  });
  return { accountId, index, regions, roles, users, oidcProviderArns: providers.sort() };
}

/** A cluster's managed add-ons: most run a compatible version, some an old or incompatible one, a few are unwell. */
function addonsOf(kubernetesVersion: string, random: () => number): AddonModel[] {
  const addons: AddonModel[] = [];
  for (const name of ADDON_NAMES) {
    // The networking trio is on nearly every cluster; the others only on some.
    const core = name === 'vpc-cni' || name === 'kube-proxy' || name === 'coredns';
    if (random() >= (core ? 0.9 : 0.4)) continue;
    const offer = addonOffer(name, kubernetesVersion);
    if (offer === undefined) continue;
    // Three minor releases behind the series: DescribeAddonVersions does not list it for this version.
    const [major, minor] = ADDON_SERIES[name]?.(Number(kubernetesVersion.split('.')[1])) ?? [0, 0];
    const version =
      random() < 0.08
        ? `v${major}.${minor - 3}.0-eksbuild.1`
        : // Mostly the newest releases; now and then one older than EKS's default.
          (offer.versions[Math.floor(random() ** 2 * offer.versions.length)] as string);
    const health = random();
    const status = health < 0.85 ? 'ACTIVE' : health < 0.95 ? 'DEGRADED' : 'UPDATING';
    const values = name === 'vpc-cni' ? random() : 1;
    addons.push({
      name,
      uuid: uuid(random),
      version,
      status,
      issues:
        status === 'DEGRADED'
          ? [
              {
                code: 'InsufficientNumberOfReplicas',
                message: "The add-on is unhealthy because it doesn't have the desired number of replicas.",
                resourceIds: [`${name}-${Math.floor(random() * 1000)}`],
              },
            ]
          : [],
      // The VPC CNI enforces NetworkPolicies only when its configuration turns them on.
      ...(values < 0.5
        ? { configurationValues: '{"enableNetworkPolicy":"true"}' }
        : values < 0.7
          ? { configurationValues: 'env:\n  ENABLE_PREFIX_DELEGATION: "true"\n' }
          : {}),
    });
  }
  return addons;
}

/** A cluster's insights for its next Kubernetes version: mostly passing, a misconfiguration insight now and then. */
function insightsOf(kubernetesVersion: string, random: () => number): InsightModel[] {
  const next = `1.${Number(kubernetesVersion.split('.')[1]) + 1}`;
  const id = () => uuid(random);
  const status = (): InsightModel['status'] => {
    const x = random();
    return x < 0.7 ? 'PASSING' : x < 0.85 ? 'WARNING' : x < 0.95 ? 'ERROR' : 'UNKNOWN';
  };
  const count = 1 + Math.floor(random() * 4);
  const insights: InsightModel[] = UPGRADE_INSIGHTS.slice(0, count).map((name, i) => {
    const state = status();
    return {
      id: id(),
      name,
      category: 'UPGRADE_READINESS',
      kubernetesVersion: next,
      status: state,
      reason: INSIGHT_REASONS[state],
      deprecations:
        i === 0 && state !== 'PASSING'
          ? [
              {
                usage: '/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas',
                replacedWith: '/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas',
                stopServingVersion: next,
                startServingReplacementVersion: '1.29',
              },
            ]
          : [],
    };
  });
  if (random() < 0.3) {
    const state = status();
    insights.push({
      id: id(),
      name: 'Amazon EKS hybrid nodes configuration',
      category: 'MISCONFIGURATION',
      kubernetesVersion,
      status: state,
      reason: INSIGHT_REASONS[state],
      deprecations: [],
    });
  }
  return insights;
}

/** One GuardDuty feature as CreateDetector takes it and GetDetector returns it. */
export interface DetectorFeatureModel<Name extends string = string, Extra extends string = string> {
  readonly name: Name;
  readonly status: 'ENABLED' | 'DISABLED';
  readonly additionalConfiguration?: readonly {
    readonly name: Extra;
    readonly status: 'ENABLED' | 'DISABLED';
  }[];
}

/**
 * The EKS protections of a detector, as moto is seeded with them and echoes them back (moto lists
 * only the features it was given; AWS lists every feature, see services/guardduty.ts).
 */
export function detectorFeatures(
  detector: DetectorModel,
): DetectorFeatureModel<'EKS_AUDIT_LOGS' | 'RUNTIME_MONITORING', 'EKS_ADDON_MANAGEMENT'>[] {
  const status = (on: boolean): 'ENABLED' | 'DISABLED' => (on ? 'ENABLED' : 'DISABLED');
  return [
    { name: 'EKS_AUDIT_LOGS', status: status(detector.auditLogs) },
    {
      name: 'RUNTIME_MONITORING',
      status: status(detector.runtimeMonitoring),
      additionalConfiguration: [{ name: 'EKS_ADDON_MANAGEMENT', status: status(detector.addonManagement) }],
    },
  ];
}
