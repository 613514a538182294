/** Snapshot and context factories for check tests: valid and compliant unless told otherwise. */
import type { CheckContext, PodIdentityUse, ScanConfig } from '../../lambda/checks/types';
import type {
  ClusterSnapshot,
  KeyState,
  NetworkSnapshot,
  NodegroupSnapshot,
  RoleSnapshot,
  VersionCatalog,
} from '../../lambda/model/snapshot';

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
    accessEntries: { known: true, items: [] },
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
    subnets: PRIVATE_SUBNETS,
    ...overrides,
  };
}

/** Two private subnets behind a NAT gateway, and a cluster security group open to nothing. */
export const NETWORK: NetworkSnapshot = {
  subnets: {
    known: true,
    items: PRIVATE_SUBNETS.map((id) => ({ id, vpcId: VPC_ID, mapPublicIpOnLaunch: false })),
  },
  routeTables: {
    known: true,
    items: [
      { id: 'rtb-0main', vpcId: VPC_ID, main: true, subnetIds: [], internetRoutes: [] },
      { id: 'rtb-0private', vpcId: VPC_ID, main: false, subnetIds: PRIVATE_SUBNETS, internetRoutes: [] },
    ],
  },
  securityGroups: {
    known: true,
    items: [
      {
        id: CLUSTER_SG,
        name: 'eks-cluster-sg-prod',
        ingress: [{ protocol: '-1', cidrs: [] }],
      },
    ],
  },
};

export function aRole(trustPolicy: unknown, name = 'app-role'): RoleSnapshot {
  return {
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    name,
    trustPolicy: typeof trustPolicy === 'string' ? trustPolicy : JSON.stringify(trustPolicy),
  };
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
  readonly versions?: VersionCatalog | undefined;
  readonly keys?: Record<string, KeyState>;
  readonly providers?: readonly string[];
  readonly clusterIssuers?: Record<string, readonly string[]>;
  readonly now?: Date;
  readonly network?: NetworkSnapshot | undefined;
  readonly podIdentity?: PodIdentityUse;
}

export function aContext(overrides: ContextOverrides = {}): CheckContext {
  const keys = overrides.keys ?? { [KEY_ARN]: { known: true, state: 'Enabled' } };
  const providers = overrides.providers ?? [PROVIDER_ARN];
  const issuers = overrides.clusterIssuers ?? {
    [ISSUER.toLowerCase()]: [`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`],
  };
  const versions = 'versions' in overrides ? overrides.versions : API_VERSIONS;
  const network = 'network' in overrides ? overrides.network : NETWORK;
  return {
    now: overrides.now ?? NOW,
    config: {
      requiredLogTypes: ['api', 'audit', 'authenticator'],
      versionWarningDays: 90,
      allowedAdminPrincipals: [],
      ...overrides.config,
    },
    homeRegion: () => 'us-east-1',
    versions: () => versions,
    keyState: (arn) => keys[arn],
    isRegisteredProvider: (arn) => providers.some((p) => p.toLowerCase() === arn.toLowerCase()),
    clustersWithIssuer: (issuer) => issuers[issuer.toLowerCase()] ?? [],
    providersOf: () => providers,
    network: () => network,
    podIdentityUse: () => overrides.podIdentity ?? { associations: [], unread: [] },
  };
}
