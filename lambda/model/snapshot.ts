/**
 * Typed, validated pictures of what the collector read from AWS. Checks read only these; a field
 * AWS did not return is `undefined`, never a guessed default.
 */

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
  readonly deletionProtection?: boolean;
  /** Issuer URL of the cluster's OIDC identity provider, e.g. `https://oidc.eks.eu-west-1.amazonaws.com/id/ABC`. */
  readonly oidcIssuer?: string;
  readonly vpcId?: string;
  /** `resourcesVpcConfig.clusterSecurityGroupId`: the group EKS creates for the control plane and nodes. */
  readonly clusterSecurityGroupId?: string;
  /** `resourcesVpcConfig.securityGroupIds`: the additional groups given at creation. */
  readonly securityGroupIds?: readonly string[];
  /** Access entries with their access policies, or why they could not be read. */
  readonly accessEntries?: Readout<AccessEntrySnapshot>;
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

/** A list the collector read in full, or the reason it could not. */
export type Readout<T> =
  | { readonly known: true; readonly items: readonly T[] }
  | { readonly known: false; readonly reason: string };

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
}

/** A node group that `ListNodegroups` named but `DescribeNodegroup` could not return. */
export interface UndescribedNodegroup {
  readonly accountId: string;
  readonly region: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly name: string;
  readonly arn: string;
  readonly reason: string;
}

/** A cluster whose node groups could not be listed: none of its node-group findings may be archived. */
export interface UnlistedNodegroups {
  readonly clusterArn: string;
  readonly reason: string;
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
  /** Active default routes (0.0.0.0/0, ::/0) whose target is an internet gateway. */
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
  readonly subnets: Readout<SubnetInfo>;
  readonly routeTables: Readout<RouteTableInfo>;
  readonly securityGroups: Readout<SecurityGroupInfo>;
}

/** A cluster that `ListClusters` named but `DescribeCluster` could not return. */
export interface UndescribedCluster {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly reason: string;
}

export interface RoleSnapshot {
  readonly accountId: string;
  readonly arn: string;
  readonly name: string;
  /** The trust policy as `ListRoles` returned it: URL-encoded from AWS, raw from some emulators. */
  readonly trustPolicy: string;
  readonly roleId?: string;
  readonly path?: string;
  readonly createDate?: Date;
  readonly maxSessionDuration?: number;
}

/** What `kms:DescribeKey` said of a key, or why it could not say. */
export type KeyState =
  | { readonly known: true; readonly state: string }
  | { readonly known: false; readonly reason: string };

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
  readonly clusters: readonly ClusterSnapshot[];
  readonly undescribed: readonly UndescribedCluster[];
  readonly versions?: VersionCatalog;
  readonly keys: ReadonlyMap<string, KeyState>;
  readonly nodegroups: readonly NodegroupSnapshot[];
  readonly undescribedNodegroups: readonly UndescribedNodegroup[];
  readonly unlistedNodegroups: readonly UnlistedNodegroups[];
  readonly network: NetworkSnapshot;
  /** Pod Identity associations of the region's clusters, or for each cluster that could not be read, why. */
  readonly podIdentity: {
    readonly associations: readonly PodIdentityAssociationSnapshot[];
    readonly unread: readonly { readonly clusterArn: string; readonly reason: string }[];
  };
}

export interface AccountIdentitySnapshot {
  readonly accountId: string;
  readonly roles: readonly RoleSnapshot[];
  readonly oidcProviderArns: readonly string[];
}
