/**
 * Snapshot and context factories for check tests: valid and compliant unless told otherwise. A
 * context is always made the way the scan makes it, by `buildCheckContext` over snapshots.
 */
import { buildCheckContext } from '../../lambda/checks/context';
import type { CheckContext, PodIdentityUse, ScanConfig } from '../../lambda/checks/types';
import { arnAccount, arnName, arnRegion } from '../../lambda/model/arn';
import type {
  AccountSnapshot,
  AddonSnapshot,
  ClusterSnapshot,
  DetectorSnapshot,
  KeyState,
  Listed,
  ListedCluster,
  NetworkSnapshot,
  NodegroupSnapshot,
  RegionSnapshot,
  RoleSnapshot,
  ScanSnapshot,
  VersionCatalog,
} from '../../lambda/model/snapshot';
import { readPermissionPolicy } from '../../lambda/policy/permission-document';
import { readTrustPolicy } from '../../lambda/policy/trust-document';
import { allow, irsaTrust } from '../../scripts/emulator/documents';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const NOW = new Date('2026-11-23T12:00:00Z');
export const ISSUER_ID = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
export const ISSUER = `oidc.eks.${REGION}.amazonaws.com/id/${ISSUER_ID}`;
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

export function aCluster(overrides: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const name = overrides.name ?? 'prod';
  return {
    accountId: ACCOUNT,
    region: REGION,
    name,
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`,
    status: 'ACTIVE',
    version: '1.35',
    endpointAccess: { publicAccess: false, privateAccess: true, publicAccessCidrs: [] },
    encryptionConfig: [{ resources: ['secrets'], keyArn: KEY_ARN }],
    logging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: true }],
    oidcIssuer: `https://${ISSUER}`,
    authenticationMode: 'API',
    deletionProtection: true,
    vpcId: VPC_ID,
    clusterSecurityGroupId: CLUSTER_SG,
    securityGroupIds: [],
    accessEntries: { known: true, value: [] },
    nodegroups: { known: true, value: [] },
    podIdentityAssociations: { known: true, value: [] },
    addons: {
      known: true,
      value: [{ name: 'vpc-cni', description: { known: true, value: anAddon({ clusterName: name }) } }],
    },
    upgradeInsights: {
      known: true,
      value: [
        { id: 'insight-1', name: 'Kubelet version skew', status: 'PASSING', kubernetesVersion: '1.36' },
      ],
    },
    ...overrides,
  };
}

/** The cluster's VPC CNI add-on: at EKS's default version, healthy, enforcing network policies. */
export function anAddon(overrides: Partial<AddonSnapshot> = {}): AddonSnapshot {
  const name = overrides.name ?? 'vpc-cni';
  const clusterName = overrides.clusterName ?? 'prod';
  return {
    accountId: ACCOUNT,
    region: REGION,
    clusterName,
    clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${clusterName}`,
    name,
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:addon/${clusterName}/${name}/4ec1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`,
    version: 'v1.20.4-eksbuild.2',
    status: 'ACTIVE',
    healthIssues: [],
    configurationValues: '{"enableNetworkPolicy":"true"}',
    offer: {
      known: true,
      value: {
        kubernetesVersion: '1.35',
        compatibleVersions: ['v1.20.4-eksbuild.2', 'v1.20.1-eksbuild.1', 'v1.19.2-eksbuild.1'],
        defaultVersion: 'v1.20.4-eksbuild.2',
      },
    },
    ...overrides,
  };
}

export const VPC_ID = 'vpc-0a1b2c3d4e5f60718';
export const CLUSTER_SG = 'sg-0c1a2b3c4d5e6f708';
export const PRIVATE_SUBNETS = ['subnet-0aaa1111', 'subnet-0bbb2222'];

export function aNodegroup(overrides: Partial<NodegroupSnapshot> = {}): NodegroupSnapshot {
  const name = overrides.name ?? 'workers';
  const clusterName = overrides.clusterName ?? 'prod';
  return {
    accountId: ACCOUNT,
    region: REGION,
    clusterName,
    clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${clusterName}`,
    name,
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${clusterName}/${name}/0ac1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6`,
    status: 'ACTIVE',
    // Without a launch template, EKS's own for AL2023 requires IMDSv2 with one hop.
    amiType: 'AL2023_x86_64_STANDARD',
    subnets: PRIVATE_SUBNETS,
    ...overrides,
  };
}

/** Two private subnets behind a NAT gateway, and a cluster security group open to nothing. */
export const NETWORK: NetworkSnapshot = {
  subnets: {
    known: true,
    value: PRIVATE_SUBNETS.map((id) => ({ id, vpcId: VPC_ID, mapPublicIpOnLaunch: false })),
  },
  routeTables: {
    known: true,
    value: [
      { id: 'rtb-0main', vpcId: VPC_ID, main: true, subnetIds: [], internetRoutes: [] },
      { id: 'rtb-0private', vpcId: VPC_ID, main: false, subnetIds: PRIVATE_SUBNETS, internetRoutes: [] },
    ],
  },
  securityGroups: {
    known: true,
    value: [
      {
        id: CLUSTER_SG,
        name: 'eks-cluster-sg-prod',
        ingress: [{ protocol: '-1', cidrs: [] }],
      },
    ],
  },
};

export function aRole(trustPolicy: unknown, name = 'app-role', accountId = ACCOUNT): RoleSnapshot {
  const document = typeof trustPolicy === 'string' ? trustPolicy : JSON.stringify(trustPolicy);
  // Decoded and parsed as the collector does it.
  const { text, policy } = readTrustPolicy(document);
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:role/${name}`,
    name,
    trustPolicy: document,
    trustDocument: text,
    trust: policy,
  };
}

/**
 * The role with these permission policies (inline, as named documents) and boundary, read as the
 * collector reads them: a string is taken as the document's text, anything else as its JSON.
 */
export function withPermissions(
  role: RoleSnapshot,
  policies: Readonly<Record<string, unknown>>,
  boundary?: unknown,
): RoleSnapshot {
  const read = (name: string, document: unknown, kind: 'inline' | 'customer-managed') => ({
    name,
    kind,
    document: readPermissionPolicy(typeof document === 'string' ? document : JSON.stringify(document)),
  });
  return {
    ...role,
    permissions: {
      policies: Object.entries(policies).map(([name, document]) => read(name, document, 'inline')),
      ...(boundary === undefined ? {} : { boundary: read('boundary', boundary, 'customer-managed') }),
    },
  };
}

/**
 * An IRSA trust document for the factories' issuer: `sub` matched with `operator` (StringEquals for one
 * service account, StringLike for a pattern), `aud` pinned to STS.
 */
export function irsaTrustFor(
  subject: string,
  operator: 'StringEquals' | 'StringLike' = 'StringLike',
): unknown {
  const aud = { [`${ISSUER}:aud`]: 'sts.amazonaws.com' };
  return irsaTrust(
    PROVIDER_ARN,
    operator === 'StringEquals'
      ? { StringEquals: { [`${ISSUER}:sub`]: subject, ...aud } }
      : { StringLike: { [`${ISSUER}:sub`]: subject }, StringEquals: aud },
  );
}

/** An identity policy allowing these actions on every resource. */
export function allowing(...actions: string[]): unknown {
  return allow(actions);
}

export const API_VERSIONS: VersionCatalog = {
  source: 'api',
  note: 'support status from DescribeClusterVersions',
  versions: [
    {
      version: '1.29',
      status: 'UNSUPPORTED',
      endOfStandardSupport: new Date('2025-03-23'),
      endOfExtendedSupport: new Date('2026-03-23'),
    },
    {
      version: '1.32',
      status: 'EXTENDED_SUPPORT',
      endOfStandardSupport: new Date('2026-03-23'),
      endOfExtendedSupport: new Date('2027-03-23'),
    },
    {
      version: '1.34',
      status: 'STANDARD_SUPPORT',
      endOfStandardSupport: new Date('2026-12-02'),
      endOfExtendedSupport: new Date('2027-12-02'),
    },
    {
      version: '1.35',
      status: 'STANDARD_SUPPORT',
      endOfStandardSupport: new Date('2027-03-27'),
      endOfExtendedSupport: new Date('2028-03-27'),
    },
  ],
};

export interface ContextOverrides {
  readonly config?: Partial<ScanConfig>;
  /** Version support of every region. */
  readonly versions?: VersionCatalog | undefined;
  readonly keys?: Record<string, KeyState>;
  /** OIDC providers registered, each in the account its ARN names. */
  readonly providers?: readonly string[];
  /** Scanned clusters (ARNs) by issuer. */
  readonly clusterIssuers?: Record<string, readonly string[]>;
  readonly now?: Date;
  /** The network of the factories' account and region. */
  readonly network?: NetworkSnapshot | undefined;
  /** Pod Identity associations of scanned clusters, and clusters whose associations could not be read. */
  readonly podIdentity?: PodIdentityUse;
  /** Home region of every account. @default 'us-east-1' */
  readonly homeRegion?: string;
}

export const DEFAULT_CONFIG: ScanConfig = {
  requiredLogTypes: ['api', 'audit', 'authenticator'],
  versionWarningDays: 90,
  allowedAdminPrincipals: [],
  minLogRetentionDays: 90,
};

/** A GuardDuty detector with EKS audit log monitoring and runtime monitoring for EKS. */
export const DETECTOR: DetectorSnapshot = {
  id: '12abc34d567e8fa901bc2d34e56789f0',
  status: 'ENABLED',
  features: [
    { name: 'EKS_AUDIT_LOGS', status: 'ENABLED', additionalConfiguration: [] },
    {
      name: 'RUNTIME_MONITORING',
      status: 'ENABLED',
      additionalConfiguration: [{ name: 'EKS_ADDON_MANAGEMENT', status: 'ENABLED' }],
    },
  ],
};

/**
 * What a region reads beside its clusters, compliant: a log group keeping each named cluster's
 * (and the factories' `prod`) control-plane logs for a year, and the detector.
 */
export function regionExtras(
  clusterNames: readonly string[] = [],
): Pick<RegionSnapshot, 'launchTemplates' | 'logGroups' | 'threatDetection'> {
  const groups = [...new Set(['prod', ...clusterNames])].map((c) => `/aws/eks/${c}/cluster`);
  return {
    launchTemplates: new Map(),
    logGroups: { known: true, value: new Map(groups.map((name) => [name, { name, retentionInDays: 365 }])) },
    threatDetection: { known: true, value: [DETECTOR] },
  };
}

/** A context built from snapshots that hold what the overrides say, and the compliant defaults otherwise. */
export function aContext(overrides: ContextOverrides = {}): CheckContext {
  const keys = overrides.keys ?? { [KEY_ARN]: { known: true, value: 'Enabled' } };
  const providers = overrides.providers ?? [PROVIDER_ARN];
  const issuers = overrides.clusterIssuers ?? {
    [ISSUER.toLowerCase()]: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`],
  };
  const versions = 'versions' in overrides ? overrides.versions : API_VERSIONS;
  const network = 'network' in overrides ? overrides.network : NETWORK;
  const use = overrides.podIdentity ?? { associations: [], unknown: [] };

  const clusters: ListedCluster[] = Object.entries(issuers).flatMap(([issuer, arns]) =>
    arns.map((arn) =>
      listed(aCluster({ ...placeOf(arn), arn, name: arnName(arn), oidcIssuer: `https://${issuer}` })),
    ),
  );
  for (const association of use.associations) {
    const cluster = aCluster({
      ...placeOf(association.clusterArn),
      arn: association.clusterArn,
      name: arnName(association.clusterArn),

      podIdentityAssociations: { known: true, value: [association] },
    });
    clusters.push(listed(withoutIssuer(cluster)));
  }
  for (const unread of use.unknown) {
    const cluster = aCluster({
      ...placeOf(unread.clusterArn),
      arn: unread.clusterArn,
      name: arnName(unread.clusterArn),

      podIdentityAssociations: { known: false, reason: unread.reason },
    });
    clusters.push(listed(withoutIssuer(cluster)));
  }
  const accounts = new Set([
    ACCOUNT,
    ...providers.flatMap((p) => arnAccount(p) ?? []),
    ...clusters.map((c) => placeOf(c.arn).accountId),
  ]);
  const snapshot: ScanSnapshot = {
    accounts: [...accounts].map((accountId): AccountSnapshot => {
      const regions = new Set([
        REGION,
        ...clusters.filter((c) => placeOf(c.arn).accountId === accountId).map((c) => placeOf(c.arn).region),
      ]);
      return {
        accountId,
        partition: 'aws',
        homeRegion: overrides.homeRegion ?? 'us-east-1',
        regionNames: [...regions],
        regions: [...regions].map(
          (region): RegionSnapshot => ({
            accountId,
            region,
            clusters: clusters.filter(
              (c) => placeOf(c.arn).accountId === accountId && placeOf(c.arn).region === region,
            ),
            keys: accountId === ACCOUNT && region === REGION ? new Map(Object.entries(keys)) : new Map(),
            network: accountId === ACCOUNT && region === REGION && network ? network : UNREAD_NETWORK,
            ...regionExtras(),
          }),
        ),
        identity: {
          accountId,
          roles: [],
          oidcProviderArns: providers.filter((p) => arnAccount(p) === accountId),
          users: { known: true, value: [] },
        },
      };
    }),
    versions: new Map(
      versions
        ? [...new Set([REGION, 'us-east-1', ...clusters.map((c) => placeOf(c.arn).region)])].map((r) => [
            r,
            versions,
          ])
        : [],
    ),
  };
  const context = buildCheckContext(snapshot, {
    config: { ...DEFAULT_CONFIG, ...overrides.config },
    now: overrides.now ?? NOW,
    homeRegion: overrides.homeRegion ?? 'us-east-1',
  });
  // A network left out on purpose is one the scan did not read.
  return network === undefined ? { ...context, network: () => undefined } : context;
}

const UNREAD_NETWORK: NetworkSnapshot = {
  subnets: { known: false, reason: 'not read' },
  routeTables: { known: false, reason: 'not read' },
  securityGroups: { known: false, reason: 'not read' },
};

/** A cluster that issues no tokens: it stands for Pod Identity associations only. */
function withoutIssuer(cluster: ClusterSnapshot): ClusterSnapshot {
  const { oidcIssuer: _, ...rest } = cluster;
  return rest;
}

function placeOf(arn: string): { accountId: string; region: string } {
  return { accountId: arnAccount(arn) ?? ACCOUNT, region: arnRegion(arn) ?? REGION };
}

export function listed(cluster: ClusterSnapshot): ListedCluster {
  return { name: cluster.name, arn: cluster.arn, description: { known: true, value: cluster } };
}

/** A cluster `ListClusters` named that `DescribeCluster` could not return. */
export function anUndescribedCluster(name: string, reason: string): ListedCluster {
  return {
    name,
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${name}`,
    description: { known: false, reason },
  };
}

/** The cluster of a node group, listing it (and any others given) as described. */
export function aClusterWith(
  nodegroups: readonly (NodegroupSnapshot | Listed<NodegroupSnapshot>)[],
): ClusterSnapshot {
  const [first] = nodegroups;
  const name = first && 'clusterName' in first ? first.clusterName : 'prod';
  return aCluster({
    name,
    nodegroups: {
      known: true,
      value: nodegroups.map((n) =>
        'description' in n ? n : { name: n.name, description: { known: true, value: n } },
      ),
    },
  });
}

/**
 * A scan holding these clusters (each in the account and region its ARN names) and roles (in the
 * factories' account), with the factories' network, keys and version support in every region.
 */
export function aScan(contents: {
  clusters?: readonly (ClusterSnapshot | ListedCluster)[];
  roles?: readonly RoleSnapshot[];
}): ScanSnapshot {
  const clusters = (contents.clusters ?? []).map((c) => ('description' in c ? c : listed(c)));
  const places = new Map<string, { accountId: string; region: string }>([
    [`${ACCOUNT}/${REGION}`, { accountId: ACCOUNT, region: REGION }],
    ...clusters.map((c) => [`${placeOf(c.arn).accountId}/${placeOf(c.arn).region}`, placeOf(c.arn)] as const),
  ]);
  const accounts = [...new Set([...places.values()].map((p) => p.accountId))];
  return {
    accounts: accounts.map((accountId) => ({
      accountId,
      partition: 'aws',
      homeRegion: 'us-east-1',
      regionNames: [...places.values()].filter((p) => p.accountId === accountId).map((p) => p.region),
      regions: [...places.values()]
        .filter((p) => p.accountId === accountId)
        .map(({ region }) => ({
          accountId,
          region,
          clusters: clusters.filter(
            (c) => placeOf(c.arn).accountId === accountId && placeOf(c.arn).region === region,
          ),
          keys: new Map([[KEY_ARN, { known: true, value: 'Enabled' }]]),
          network: NETWORK,
          ...regionExtras(
            clusters
              .filter((c) => placeOf(c.arn).accountId === accountId && placeOf(c.arn).region === region)
              .map((c) => c.name),
          ),
        })),
      identity: {
        accountId,
        roles: accountId === ACCOUNT ? (contents.roles ?? []) : [],
        oidcProviderArns: accountId === ACCOUNT ? [PROVIDER_ARN] : [],
        users: { known: true, value: [] },
      },
    })),
    versions: new Map([...places.values()].map((p) => [p.region, API_VERSIONS])),
  };
}

/** The context the scan would build over these snapshots. */
export function contextOf(snapshot: ScanSnapshot, config: Partial<ScanConfig> = {}): CheckContext {
  return buildCheckContext(snapshot, {
    config: { ...DEFAULT_CONFIG, ...config },
    now: NOW,
    homeRegion: 'us-east-1',
  });
}
