/**
 * Typed, validated pictures of what the collector read from AWS, each complete when it is made.
 * Checks read only these; a field AWS did not return is `undefined`, never a guessed default, and
 * what could not be read at all is a `Readout` that says why.
 */
import type { PermissionPolicy } from '../policy/permission-document';
import type { ParsedTrustPolicy } from '../policy/trust-document';
import type { Partition } from './arn';
import type { Readout } from './readout';

export type { Readout } from './readout';

export interface EndpointAccess {
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  /** `undefined` when DescribeCluster returned none. */
  readonly publicAccessCidrs?: readonly string[];
}

export interface EncryptionConfigEntry {
  readonly resources: readonly string[];
  readonly keyArn?: string;
}

export interface LogSetup {
  readonly types: readonly string[];
  readonly enabled: boolean;
}

export interface ClusterSnapshot {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly status?: string;
  readonly version?: string;
  readonly platformVersion?: string;
  readonly roleArn?: string;
  readonly endpointAccess?: EndpointAccess;
  readonly encryptionConfig?: readonly EncryptionConfigEntry[];
  readonly logging?: readonly LogSetup[];
  /** `accessConfig.authenticationMode`: `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`. */
  readonly authenticationMode?: string;
  /**
   * `accessConfig.bootstrapClusterCreatorAdminPermissions`: whether the principal that created the
   * cluster was made a Kubernetes administrator at creation (in CONFIG_MAP mode, outside aws-auth).
   */
  readonly bootstrapCreatorAdmin?: boolean;
  readonly deletionProtection?: boolean;
  /** Issuer URL of the cluster's OIDC identity provider, e.g. `https://oidc.eks.eu-west-1.amazonaws.com/id/ABC`. */
  readonly oidcIssuer?: string;
  readonly vpcId?: string;
  /** `resourcesVpcConfig.clusterSecurityGroupId`: the group EKS creates for the control plane and nodes. */
  readonly clusterSecurityGroupId?: string;
  /** `resourcesVpcConfig.securityGroupIds`: the additional groups given at creation. */
  readonly securityGroupIds?: readonly string[];
  /** The cluster's tags: mutelist entries can match a cluster, and the results about it, by them. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Access entries with their access policies, or why they could not be read. */
  readonly accessEntries: Readout<readonly AccessEntrySnapshot[]>;
  /** The managed node groups `ListNodegroups` named, each described or with why not; or why they could not be listed. */
  readonly nodegroups: Readout<readonly Listed<NodegroupSnapshot>[]>;
  /** The cluster's Pod Identity associations, or why they could not be read. */
  readonly podIdentityAssociations: Readout<readonly PodIdentityAssociationSnapshot[]>;
  /** The EKS add-ons `ListAddons` named, each described or with why not; or why they could not be listed. */
  readonly addons: Readout<readonly Listed<AddonSnapshot>[]>;
  /** The cluster's upgrade-readiness insights (`ListInsights`), or why they could not be read. */
  readonly upgradeInsights: Readout<readonly UpgradeInsight[]>;
}

export interface AddonHealthIssue {
  readonly code?: string;
  readonly message?: string;
  readonly resourceIds: readonly string[];
}

/** One EKS add-on of a cluster, as `DescribeAddon` gave it. */
export interface AddonSnapshot {
  readonly accountId: string;
  readonly region: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** e.g. `vpc-cni`, `coredns`, `kube-proxy`. */
  readonly name: string;
  readonly arn: string;
  /** e.g. `v1.19.2-eksbuild.1`. */
  readonly version?: string;
  /** `ACTIVE`, `DEGRADED`, `CREATE_FAILED`, `UPDATING`, ... */
  readonly status?: string;
  readonly healthIssues: readonly AddonHealthIssue[];
  /** `configurationValues` as EKS returned it (JSON or YAML text), when the add-on has any. */
  readonly configurationValues?: string;
  /**
   * What EKS offers of this add-on for the cluster's Kubernetes version (`DescribeAddonVersions`,
   * read once per region, add-on and Kubernetes version for the whole run), or why it is not known.
   */
  readonly offer: Readout<AddonOffer>;
}

export interface AddonOffer {
  readonly kubernetesVersion: string;
  /** Every version of the add-on EKS lists as compatible with that Kubernetes version. */
  readonly compatibleVersions: readonly string[];
  /** The version EKS installs by default on that Kubernetes version, when it names one. */
  readonly defaultVersion?: string;
}

/** One upgrade-readiness insight EKS keeps for a cluster (refreshed by EKS about once a day). */
export interface UpgradeInsight {
  readonly id: string;
  readonly name?: string;
  /** `PASSING`, `WARNING`, `ERROR` or `UNKNOWN`. */
  readonly status: string;
  readonly reason?: string;
  /** The Kubernetes version the insight prepares for. */
  readonly kubernetesVersion?: string;
  /** What `DescribeInsight` adds, read only for insights that do not pass. */
  readonly details?: Readout<UpgradeInsightDetails>;
}

export interface UpgradeInsightDetails {
  readonly recommendation?: string;
  readonly description?: string;
  /** Deprecated Kubernetes APIs still in use that the next version stops serving. */
  readonly deprecations: readonly DeprecatedApiUse[];
}

export interface DeprecatedApiUse {
  /** The deprecated API, e.g. `/apis/flowcontrol.apiserver.k8s.io/v1beta2/flowschemas`. */
  readonly usage?: string;
  readonly replacedWith?: string;
  readonly stopServingVersion?: string;
}

/** A resource a listing named, and what describing it gave (a node group's ARN ends in an id only that gives). */
export interface Listed<T> {
  readonly name: string;
  readonly description: Readout<T>;
}

/** A cluster a listing named: its ARN follows from its name. */
export interface ListedCluster extends Listed<ClusterSnapshot> {
  readonly arn: string;
}

/** The `encryptionConfig` entry that covers Kubernetes secrets, if any. */
export function secretsEncryptionOf(
  cluster: Pick<ClusterSnapshot, 'encryptionConfig'>,
): EncryptionConfigEntry | undefined {
  return cluster.encryptionConfig?.find((e) => e.resources.includes('secrets'));
}

/** The cluster security group and the additional ones, each once. */
export function securityGroupsOf(
  cluster: Pick<ClusterSnapshot, 'clusterSecurityGroupId' | 'securityGroupIds'>,
): string[] {
  return [
    ...new Set([
      ...(cluster.clusterSecurityGroupId ? [cluster.clusterSecurityGroupId] : []),
      ...(cluster.securityGroupIds ?? []),
    ]),
  ];
}

export interface AccessPolicyAssociation {
  readonly policyArn: string;
  /** `cluster` or `namespace`. */
  readonly scope: string;
  readonly namespaces: readonly string[];
}

export interface AccessEntrySnapshot {
  readonly principalArn: string;
  readonly policies: readonly AccessPolicyAssociation[];
}

export interface NodegroupSnapshot {
  readonly accountId: string;
  readonly region: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly name: string;
  readonly arn: string;
  readonly status?: string;
  /** e.g. `AL2023_x86_64_STANDARD`, `WINDOWS_CORE_2022_x86_64`. */
  readonly amiType?: string;
  readonly subnets?: readonly string[];
  /** Absent when the node group allows no remote access. */
  readonly remoteAccess?: { readonly ec2SshKey?: string; readonly sourceSecurityGroups: readonly string[] };
  /** The launch template, when the node group uses one: its SSH settings live there. */
  readonly launchTemplate?: string;
  /** The launch template's id and the version the node group runs (absent: the template's default version). */
  readonly launchTemplateId?: string;
  readonly launchTemplateVersion?: string;
}

/** The instance metadata settings of a launch template version (`MetadataOptions`). */
export interface InstanceMetadataOptions {
  /** `required` (IMDSv2 only) or `optional` (IMDSv1 allowed); absent when the template does not set it. */
  readonly httpTokens?: string;
  /** Absent when the template does not set it. */
  readonly httpPutResponseHopLimit?: number;
  /** `enabled` or `disabled`. */
  readonly httpEndpoint?: string;
}

/** How a node group names the launch template version it runs: the key of `RegionSnapshot.launchTemplates`. */
export function launchTemplateKey(id: string, version: string | undefined): string {
  return `${id}@${version ?? '$Default'}`;
}

export interface PodIdentityAssociationSnapshot {
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly associationArn: string;
  readonly roleArn: string;
}

export interface SubnetInfo {
  readonly id: string;
  readonly vpcId?: string;
  readonly mapPublicIpOnLaunch?: boolean;
}

export interface RouteTableInfo {
  readonly id: string;
  readonly vpcId?: string;
  /** The VPC's main route table: it serves every subnet with no explicit association. */
  readonly main: boolean;
  readonly subnetIds: readonly string[];
  /**
   * Active routes whose target is an internet gateway, every CIDR destination (not only 0.0.0.0/0 and
   * ::/0): checks judge what they cover together. Blackhole and prefix-list routes are left out.
   */
  readonly internetRoutes: readonly { readonly destination: string; readonly gatewayId: string }[];
}

export interface IngressRule {
  /** `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all; absent when EC2 did not say. */
  readonly protocol?: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrs: readonly string[];
  /** Managed prefix lists the rule admits; their entries are not read. */
  readonly prefixListIds?: readonly string[];
}

export interface SecurityGroupInfo {
  readonly id: string;
  readonly name?: string;
  readonly ingress: readonly IngressRule[];
}

/** The EC2 network the region's clusters and node groups use, read in one batch per resource type. */
export interface NetworkSnapshot {
  readonly subnets: Readout<readonly SubnetInfo[]>;
  readonly routeTables: Readout<readonly RouteTableInfo[]>;
  readonly securityGroups: Readout<readonly SecurityGroupInfo[]>;
}

export interface RoleSnapshot {
  readonly accountId: string;
  readonly arn: string;
  readonly name: string;
  /** The trust policy as IAM returned it (`GetAccountAuthorizationDetails`): URL-encoded from AWS, raw from some emulators. */
  readonly trustPolicy: string;
  /** The trust policy decoded to JSON text, once, or why it cannot be. */
  readonly trustDocument: Readout<string>;
  /** The trust policy parsed, once, or why it cannot be (a decoding failure included). */
  readonly trust: Readout<ParsedTrustPolicy>;
  /**
   * What the role may do: its inline and attached policies and its permissions boundary. Read for
   * the roles whose trust policy names an EKS OIDC issuer or EKS Pod Identity (the roles the IRSA and
   * Pod Identity checks judge); absent for every other role.
   */
  readonly permissions?: RolePermissions;
  readonly roleId?: string;
  readonly path?: string;
  readonly createDate?: Date;
  readonly maxSessionDuration?: number;
}

/** One permission policy of a role: inline, or managed (the customer's own or AWS's), or its boundary. */
export interface PolicySnapshot {
  readonly name: string;
  /** Managed policies only. */
  readonly arn?: string;
  readonly kind: 'inline' | 'customer-managed' | 'aws-managed';
  /** The document (a managed policy's default version) parsed, or why it could not be read or parsed. */
  readonly document: Readout<PermissionPolicy>;
}

export interface RolePermissions {
  /** The inline policies, then the attached managed ones. */
  readonly policies: readonly PolicySnapshot[];
  /** The permissions boundary, when the role has one. */
  readonly boundary?: PolicySnapshot;
}

/** The key state `kms:DescribeKey` gave (e.g. `Enabled`), or why it could not say. */
export type KeyState = Readout<string>;

export type VersionStatus = 'STANDARD_SUPPORT' | 'EXTENDED_SUPPORT' | 'UNSUPPORTED';

export interface VersionInfo {
  readonly version: string;
  readonly status: VersionStatus;
  readonly endOfStandardSupport?: Date;
  readonly endOfExtendedSupport?: Date;
}

export interface VersionCatalog {
  /** `api`: DescribeClusterVersions; `calendar`: the bundled release calendar. */
  readonly source: 'api' | 'calendar';
  /** Said in every supported-version result: where the data came from and, for the calendar, its date and why. */
  readonly note: string;
  readonly versions: readonly VersionInfo[];
}

export interface RegionSnapshot {
  readonly accountId: string;
  readonly region: string;
  /** Every cluster `ListClusters` named, each described (with its access entries, node groups and associations) or with why not. */
  readonly clusters: readonly ListedCluster[];
  /** The state of each KMS key a cluster names, by key ARN. */
  readonly keys: ReadonlyMap<string, KeyState>;
  readonly network: NetworkSnapshot;
  /**
   * The metadata options of each launch template version the node groups run, by
   * `launchTemplateKey(id, version)`, or why that version could not be read.
   */
  readonly launchTemplates: ReadonlyMap<string, Readout<InstanceMetadataOptions>>;
  /** The region's EKS control-plane log groups (`/aws/eks/` prefix), by name; read only where clusters exist. */
  readonly logGroups: Readout<ReadonlyMap<string, LogGroupInfo>>;
  /** The region's GuardDuty detectors; read only where clusters exist. */
  readonly threatDetection: Readout<readonly DetectorSnapshot[]>;
}

export interface LogGroupInfo {
  readonly name: string;
  /** Days events are kept; absent when they never expire. */
  readonly retentionInDays?: number;
}

export interface DetectorSnapshot {
  readonly id: string;
  /** `ENABLED` or `DISABLED`. */
  readonly status?: string;
  readonly features: readonly DetectorFeature[];
}

export interface DetectorFeature {
  /** e.g. `EKS_AUDIT_LOGS`, `RUNTIME_MONITORING`, `EKS_RUNTIME_MONITORING`. */
  readonly name: string;
  readonly status?: string;
  /** e.g. `EKS_ADDON_MANAGEMENT` of `RUNTIME_MONITORING`. */
  readonly additionalConfiguration: readonly { readonly name: string; readonly status?: string }[];
}

export interface AccountIdentitySnapshot {
  readonly accountId: string;
  readonly roles: readonly RoleSnapshot[];
  readonly oidcProviderArns: readonly string[];
  /** The ARNs of the account's IAM users (`ListUsers`), or why they could not be read. */
  readonly users: Readout<readonly string[]>;
}

/** What one account gave: the regions it scanned in full, and its IAM data when it could be read. */
export interface AccountSnapshot {
  readonly accountId: string;
  /** Decided once, when the account was resolved; an account in any other partition is not scanned. */
  readonly partition: Partition;
  /** Region of the account's results that name no other (its home region, or the first scanned one). */
  readonly homeRegion: string;
  /** Every region the scan covers in this account, those that failed included: results are reported in these. */
  readonly regionNames: readonly string[];
  /** The regions read in full. */
  readonly regions: readonly RegionSnapshot[];
  readonly identity?: AccountIdentitySnapshot;
}

/** Everything a scan read: what the checks judge, and the publisher describes in findings. */
export interface ScanSnapshot {
  readonly accounts: readonly AccountSnapshot[];
  /** Kubernetes version support by region, read once per run for every account. */
  readonly versions: ReadonlyMap<string, VersionCatalog>;
}
