/** The vocabulary every check, report and publisher shares. */

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['PASSED', 'FAILED', 'WARNING', 'NOT_AVAILABLE'] as const;
export type ResultStatus = (typeof STATUSES)[number];

/**
 * The kinds of resource results are about. `AwsAccount` stands for one account in one region (the
 * GuardDuty coverage of the region's clusters): its Id is the account's ASFF Id, and its results
 * are placed in that region.
 */
export const RESOURCE_TYPES = [
  'AwsEksCluster',
  'AwsEksNodegroup',
  'AwsEksAddon',
  'AwsIamRole',
  'AwsIamOidcProvider',
  'AwsAccount',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Kinds whose resources belong to an account's IAM data, not to a region's listing. */
export function isIdentityResource(type: ResourceType): boolean {
  return type === 'AwsIamRole' || type === 'AwsIamOidcProvider';
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** What a check says about one resource, before the engine adds identity and metadata. */
export interface Outcome {
  readonly status: ResultStatus;
  readonly severity: Severity;
  readonly detail: string;
  /** Overrides the resource's own region (IRSA results take the OIDC issuer's region). */
  readonly region?: string;
  readonly clusterArn?: string;
  /** The EKS OIDC issuer (host and path) an IRSA result is about: a role gets one result per issuer it trusts. */
  readonly oidcIssuer?: string;
  /** IRSA and Pod Identity results: who may assume the role, apart from what the role may do. */
  readonly trustGrade?: TrustGrade;
  /** IRSA and Pod Identity results: what the role may do. */
  readonly permissionTier?: PermissionTier;
  /** Results this one is built from (exposure paths): the findings each trait came from. */
  readonly related?: readonly RelatedResult[];
}

/**
 * Who may assume an EKS-trusted role, widest first: `any-service-account` (every service account of
 * the cluster, or of every cluster), `cross-namespace`, `namespace` (a wildcard inside one
 * namespace), `any-association` (Pod Identity: any association in the account), and `limited` (named
 * service accounts, or Pod Identity limited to a cluster or service account).
 */
export const TRUST_GRADES = [
  'any-service-account',
  'cross-namespace',
  'namespace',
  'any-association',
  'limited',
] as const;
export type TrustGrade = (typeof TRUST_GRADES)[number];

/**
 * What an EKS-trusted role may do, most powerful first; `unknown` when its policies could not be
 * read or parsed (never taken as `limited`). The rules are `TIER_RULES` in the policy layer.
 */
export const PERMISSION_TIERS = [
  'administrator',
  'privilege-escalation',
  'sensitive-data',
  'limited',
  'unknown',
] as const;
export type PermissionTier = (typeof PERMISSION_TIERS)[number];

/** A result another is built from: enough to name its finding (same account). */
export interface RelatedResult {
  /** The account of the related result: an IRSA role trusting a cluster's issuer may be another account's. */
  readonly accountId: string;
  readonly checkId: string;
  readonly region: string;
  readonly resource: ResourceRef & { readonly id: string };
  readonly oidcIssuer?: string;
}

/** A check's verdict on one resource as a list: none (the rule does not apply), one, or one per facet it judges apart. */
export function outcomesOf(judged: Outcome | readonly Outcome[] | undefined): readonly Outcome[] {
  if (judged === undefined) return [];
  return 'status' in judged ? [judged] : judged;
}

export const passed = (detail: string): Outcome => ({ status: 'PASSED', severity: 'INFORMATIONAL', detail });
export const failed = (severity: Exclude<Severity, 'INFORMATIONAL'>, detail: string): Outcome => ({
  status: 'FAILED',
  severity,
  detail,
});
export const warning = (severity: Exclude<Severity, 'INFORMATIONAL'>, detail: string): Outcome => ({
  status: 'WARNING',
  severity,
  detail,
});
export const notAvailable = (detail: string): Outcome => ({
  status: 'NOT_AVAILABLE',
  severity: 'INFORMATIONAL',
  detail,
});

export interface ResourceRef {
  readonly type: ResourceType;
  /**
   * The resource's ARN. Absent only for a node group that could not be described: its ARN ends in
   * an id that only `DescribeNodegroup` gives, and none is made up in its place.
   */
  readonly id?: string;
  readonly name: string;
}

/**
 * A result a mutelist entry accepts as a known risk: it keeps its real status and severity, but it
 * does not fail a run (`--fail-on`) and never raises an alert.
 */
export interface Mute {
  /** Why the risk is accepted, as the entry says. */
  readonly reason: string;
  /** Who accepted it, when the entry says. */
  readonly owner?: string;
  /** The last day the acceptance holds (YYYY-MM-DD, UTC), when the entry sets one. */
  readonly expires?: string;
  /** The entry's position in the mutelist, from 1. */
  readonly entry: number;
}

/** One line of the report: the JSON field names are a published contract. */
export interface CheckResult {
  readonly checkId: string;
  readonly status: ResultStatus;
  readonly severity: Severity;
  readonly accountId: string;
  readonly region: string;
  readonly resource: ResourceRef;
  readonly clusterArn?: string;
  /** IRSA results: the OIDC issuer (host and path) whose trust the result judges. */
  readonly oidcIssuer?: string;
  /** IRSA and Pod Identity results: who may assume the role (`TRUST_GRADES`). */
  readonly trustGrade?: TrustGrade;
  /** IRSA and Pod Identity results: what the role may do (`PERMISSION_TIERS`). */
  readonly permissionTier?: PermissionTier;
  /** `cluster-exposure` results: the results (same account) its paths' traits came from. */
  readonly related?: readonly RelatedResult[];
  readonly title: string;
  readonly detail: string;
  readonly remediation: { readonly text: string; readonly url: string };
  /** Present when a mutelist entry accepts this result. */
  readonly muted?: Mute;
}

/** A result that can become a finding: one whose resource has an ARN. */
export type PublishableResult = CheckResult & { readonly resource: ResourceRef & { readonly id: string } };

export function isPublishable(result: CheckResult): result is PublishableResult {
  return result.resource.id !== undefined;
}
