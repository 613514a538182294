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
}

export interface AccountIdentitySnapshot {
  readonly accountId: string;
  readonly roles: readonly RoleSnapshot[];
  readonly oidcProviderArns: readonly string[];
}
