import type { CheckResult, Outcome, ResourceType, Severity } from '../model/result';
import type {
  AddonSnapshot,
  ClusterSnapshot,
  DetectorSnapshot,
  InstanceMetadataOptions,
  KeyState,
  LogGroupInfo,
  NetworkSnapshot,
  NodegroupSnapshot,
  PodIdentityAssociationSnapshot,
  Readout,
  RoleSnapshot,
  VersionCatalog,
} from '../model/snapshot';
import type { PermissionAssessment } from '../policy/permissions';

export interface CheckMetadata {
  /** Stable id: published in reports and finding Ids, never reused for another rule. */
  readonly id: string;
  readonly title: string;
  readonly resourceType: ResourceType;
  /** Every severity a FAILED or WARNING result of this check can have, worst first (the rules say when). */
  readonly severities: readonly Exclude<Severity, 'INFORMATIONAL'>[];
  /** How status and severity are decided, in words; shown in the README and `--help`-style docs. */
  readonly severityRules: string;
  readonly remediation: { readonly text: string; readonly url: string };
  /** AWS documentation the rules rest on. */
  readonly references: readonly string[];
  /** Checks whose results this one combines: it runs after them and reads their results. */
  readonly derivedFrom?: readonly string[];
}

export interface ScanConfig {
  readonly requiredLogTypes: readonly string[];
  readonly versionWarningDays: number;
  /** IAM ARN patterns (`*` and `?` wildcards) of principals allowed to be cluster administrators. */
  readonly allowedAdminPrincipals: readonly string[];
  /** Days a cluster's control-plane log group must keep its events at least (never-expire passes). */
  readonly minLogRetentionDays: number;
}

/** The Pod Identity associations that name a role, and the clusters of its account whose associations are unknown. */
export interface PodIdentityUse {
  readonly associations: readonly PodIdentityAssociationSnapshot[];
  readonly unknown: readonly { readonly clusterArn: string; readonly reason: string }[];
}

/** Everything a check may know beyond its own resource: built once per scan by `buildCheckContext`. */
export interface CheckContext {
  readonly now: Date;
  readonly config: ScanConfig;
  versions(region: string): VersionCatalog | undefined;
  keyState(keyArn: string): KeyState | undefined;
  /** Region for an account's results that name no issuer. */
  homeRegion(accountId: string): string;
  /** Whether an OIDC provider ARN is registered in any scanned account. */
  isRegisteredProvider(providerArn: string): boolean;
  /** Clusters (ARNs, sorted) whose issuer is this host and path, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC`. */
  clustersWithIssuer(issuer: string): readonly string[];
  /** OIDC provider ARNs registered in an account, sorted. */
  providersOf(accountId: string): readonly string[];
  /** The subnets, route tables and security groups read in an account's region. */
  network(accountId: string, region: string): NetworkSnapshot | undefined;
  podIdentityUse(roleArn: string): PodIdentityUse;
  /** What an EKS-trusted role may do, judged once per role (`unknown` when its policies were not read). */
  permissions(role: RoleSnapshot): PermissionAssessment;
  /** A role of a scanned account, by ARN, with its trust and (for EKS-trusted roles) permissions. */
  role(arn: string): RoleSnapshot | undefined;
  /** The roles read in an account (none when its IAM data could not be read). */
  rolesOf(accountId: string): readonly RoleSnapshot[];
  /** Why an account's IAM data is missing, when it could not be read (undefined when it was). */
  identityUnread(accountId: string): string | undefined;
  /** Whether the account is one of the scan's. */
  isScanned(accountId: string): boolean;
  /** The scanned accounts whose IAM data could not be read, sorted. */
  unreadIdentities(): readonly string[];
  /** The EKS log groups read in an account's region (undefined when the region was not read). */
  logGroups(accountId: string, region: string): Readout<ReadonlyMap<string, LogGroupInfo>> | undefined;
  /** The metadata options of a launch template version read in an account's region, by `launchTemplateKey`. */
  launchTemplate(
    accountId: string,
    region: string,
    key: string,
  ): Readout<InstanceMetadataOptions> | undefined;
  /**
   * Whether an IAM role or user ARN names a principal that exists (roles and users are matched by
   * name: a path is not part of what IAM matches), or why that cannot be told (another account not
   * scanned or not read, users not listed, not a role or user ARN).
   */
  principalExists(arn: string): Readout<boolean>;
  /**
   * Why the clusters of an account's region are not all known (its listing failed or was not made,
   * or a cluster could not be described), or undefined when every one of them is.
   */
  clustersUnknown(accountId: string, region: string): string | undefined;
  /**
   * Why the OIDC issuers of a region's clusters are not all known in some scanned account (a
   * listing failed or was not made, a cluster could not be described or named no issuer), or
   * undefined when every scanned cluster there is known with its issuer.
   */
  issuersUnknown(region: string): string | undefined;
}

/**
 * The results of the other checks, for a check that judges their combination (`derivedFrom` in its
 * metadata). Only the checks it names run before it; their results are the ones given.
 */
export interface PriorResults {
  /** Results about the cluster itself and its node groups. */
  ofCluster(clusterArn: string): readonly CheckResult[];
  /** IRSA results about trust in an OIDC issuer (host and path). */
  ofIssuer(issuer: string): readonly CheckResult[];
  /** Results about a role (Pod Identity and IRSA). */
  ofRole(roleArn: string): readonly CheckResult[];
}

export const NO_PRIOR: PriorResults = { ofCluster: () => [], ofIssuer: () => [], ofRole: () => [] };

/** An IAM OIDC provider registered for an EKS issuer. */
export interface OidcProviderSubject {
  readonly accountId: string;
  readonly arn: string;
  /** The issuer's host and path, e.g. `oidc.eks.eu-west-1.amazonaws.com/id/ABC`. */
  readonly issuer: string;
  /** The issuer's region: where the cluster that issues it lives, and where its results go. */
  readonly region: string;
}

/** One account in one region that has clusters, with the GuardDuty detectors read there. */
export interface AccountRegionSubject {
  readonly accountId: string;
  readonly region: string;
  /** The ARNs of the region's clusters, sorted. */
  readonly clusterArns: readonly string[];
  readonly detectors: Readout<readonly DetectorSnapshot[]>;
}

/** The snapshot each kind of resource gives its checks. */
export interface SubjectOf {
  readonly AwsEksCluster: ClusterSnapshot;
  readonly AwsEksNodegroup: NodegroupSnapshot;
  readonly AwsEksAddon: AddonSnapshot;
  readonly AwsIamRole: RoleSnapshot;
  readonly AwsIamOidcProvider: OidcProviderSubject;
  readonly AwsAccount: AccountRegionSubject;
}

/** Role checks apply to some roles only; every other check judges every resource of its kind. */
interface OutcomeOf {
  readonly AwsEksCluster: Outcome;
  readonly AwsEksNodegroup: Outcome;
  readonly AwsEksAddon: Outcome;
  readonly AwsIamOidcProvider: Outcome;
  readonly AwsAccount: Outcome;
  /**
   * `undefined` when the rule does not apply to this role; several outcomes when the role holds
   * several trust relationships the rule judges apart (IRSA: one per OIDC issuer).
   */
  readonly AwsIamRole: Outcome | readonly Outcome[] | undefined;
}

export interface CheckOf<K extends ResourceType> {
  readonly metadata: CheckMetadata & { readonly resourceType: K };
  /** `prior` holds the results of the checks `derivedFrom` names; the engine gives every other check none. */
  evaluate(subject: SubjectOf[K], context: CheckContext, prior?: PriorResults): OutcomeOf[K];
}

export type ClusterCheck = CheckOf<'AwsEksCluster'>;
export type NodegroupCheck = CheckOf<'AwsEksNodegroup'>;
export type RoleCheck = CheckOf<'AwsIamRole'>;
export type AddonCheck = CheckOf<'AwsEksAddon'>;
export type OidcProviderCheck = CheckOf<'AwsIamOidcProvider'>;
export type AccountRegionCheck = CheckOf<'AwsAccount'>;
export type Check = { [K in ResourceType]: CheckOf<K> }[ResourceType];
