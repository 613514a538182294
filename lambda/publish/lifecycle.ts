/**
 * What to send to Security Hub for one account and region: a pure plan from this run's results and
 * the findings already there. The rules that keep the dashboard truthful:
 *
 * - Every result becomes a finding with a deterministic Id; `CreatedAt` and `FirstObservedAt` are
 *   kept from the copy already in Security Hub, so re-runs never reset them.
 * - PASSED results are sent too, so a fixed problem turns PASSED and Security Hub resolves it.
 * - A NOT_AVAILABLE result never overwrites an active finding: a resource that could not be judged
 *   this time keeps its last verdict (refreshed, so Security Hub does not expire it).
 * - Only checks that completed in this scope (as the scan's coverage says) are touched. Of those,
 *   our active findings whose resource or rule is gone are re-imported as ARCHIVED; nothing else is
 *   archived, ever. A resource the coverage calls unsettled (a node group that could not be
 *   described, or whose cluster's node groups could not be listed) is not gone: its finding is kept.
 * - A result whose resource has no ARN (a node group that could not be described) has no finding.
 */
import { isUnsettled, type ScopeCoverage } from '../model/coverage';
import { findingId, generatorId } from '../model/finding-id';
import { type CheckResult, isPublishable, type Severity, severityRank } from '../model/result';
import {
  CONTENT_DIGEST_FIELD,
  type FirstSeen,
  MUTED_FIELD,
  type ResourceDescriptions,
  toFinding,
} from './asff-mapper';
import type { AsffFinding } from './asff-schema';

/** A finding as `GetFindings` returns it: only the members the plan reads are typed. */
export interface ExistingFinding {
  readonly Id?: string | undefined;
  readonly GeneratorId?: string | undefined;
  readonly RecordState?: string | undefined;
  readonly CreatedAt?: string | undefined;
  readonly FirstObservedAt?: string | undefined;
  readonly UpdatedAt?: string | undefined;
  readonly [member: string]: unknown;
}

/** How often a finding that did not change is sent again, unless a test or a setting says otherwise. */
export const DEFAULT_REFRESH_UNCHANGED_DAYS = 7;

export interface PlanOptions {
  /**
   * A finding whose content is what Security Hub holds is sent again only once its last import is
   * this many days old. Its LastObservedAt then stays at that import: the price of the saving. Kept
   * well under 90 days (the setting allows at most 60), after which Security Hub deletes findings
   * that were not updated. @default 7
   */
  readonly refreshUnchangedDays?: number;
}

export interface ScopePlan {
  readonly imports: AsffFinding[];
  readonly archives: AsffFinding[];
  /** Ids whose verdict is left as it is: NOT_AVAILABLE results over an active finding. */
  readonly kept: string[];
  /** Ids not sent: their content is what Security Hub holds, and their refresh is not due. */
  readonly unchanged: string[];
}

/**
 * @param results this run's results in the scope; those of checks that did not complete are ignored
 * @param scope what the scan completed here: only completed checks' findings may be archived
 * @param existing our findings in this scope, read back from Security Hub
 */
export function planScope(
  results: readonly CheckResult[],
  scope: ScopeCoverage,
  existing: readonly ExistingFinding[],
  descriptions: ResourceDescriptions,
  now: Date,
  options: PlanOptions = {},
): ScopePlan {
  const { partition } = scope;
  const refreshMs = (options.refreshUnchangedDays ?? DEFAULT_REFRESH_UNCHANGED_DAYS) * 86_400_000;
  const due = (prior: ExistingFinding) => {
    const updated = Date.parse(prior.UpdatedAt ?? '');
    return Number.isNaN(updated) || now.getTime() - updated >= refreshMs;
  };
  const unchanged: string[] = [];
  const completed = new Set(scope.completedChecks);
  const known = new Map(existing.flatMap((f) => (f.Id ? [[f.Id, f] as const] : [])));
  const imports: AsffFinding[] = [];
  const kept: string[] = [];
  const current = new Set<string>();
  for (const result of results) {
    if (
      !completed.has(result.checkId) ||
      result.accountId !== scope.accountId ||
      result.region !== scope.region
    )
      continue;
    // Its finding, if any, is kept below under its real Id: the coverage names its node group unsettled.
    if (!isPublishable(result)) continue;
    const id = findingId(result);
    current.add(id);
    const prior = known.get(id);
    if (result.status === 'NOT_AVAILABLE' && prior && !isArchived(prior)) {
      kept.push(id);
      // Still refreshed when due, so that Security Hub does not delete it after 90 days without an update.
      if (due(prior)) imports.push(storedCopy(prior, now, 'ACTIVE'));
      continue;
    }
    const seen = prior ? firstSeen(prior) : undefined;
    const finding = toFinding(result, descriptions, {
      partition,
      now,
      ...(seen ? { firstSeen: seen } : {}),
      newOrWorse: newOrWorse(result, prior),
    });
    if (prior && !isArchived(prior) && !due(prior) && sameContent(finding, prior)) {
      unchanged.push(id);
      continue;
    }
    imports.push(finding);
  }
  const archivable = new Set(scope.completedChecks.map(generatorId));
  const archives: AsffFinding[] = [];
  for (const f of existing) {
    if (!f.Id || current.has(f.Id) || isArchived(f) || !archivable.has(f.GeneratorId ?? '')) continue;
    if (isUnsettled(scope.unsettled, primaryResourceArn(f))) {
      // Not seen this run, and not known to be gone: kept as it is, and refreshed like any kept verdict.
      kept.push(f.Id);
      if (due(f)) imports.push(storedCopy(f, now, 'ACTIVE'));
    } else {
      archives.push(storedCopy(f, now, 'ARCHIVED'));
    }
  }
  return { imports, archives, kept, unchanged };
}

/** Whether a finding says what its stored copy says (the digest our last import left there). */
function sameContent(finding: AsffFinding, prior: ExistingFinding): boolean {
  const stored = productFields(prior)[CONTENT_DIGEST_FIELD];
  return stored !== undefined && stored === finding.ProductFields?.[CONTENT_DIGEST_FIELD];
}

function productFields(finding: ExistingFinding): Record<string, unknown> {
  const fields = finding.ProductFields;
  return typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
}

/**
 * Whether a FAILED result is news: no active FAILED finding before it, a lower severity, or a muted one. The
 * alert rule matches this, so an untriaged finding does not alert again on every run.
 */
function newOrWorse(result: CheckResult, prior: ExistingFinding | undefined): boolean {
  if (result.status !== 'FAILED') return false;
  if (!prior || isArchived(prior)) return true;
  // Its acceptance ended (the entry expired or was removed): it is news again.
  if (productFields(prior)[MUTED_FIELD] !== undefined && !result.muted) return true;
  const compliance = (prior.Compliance as { Status?: string } | undefined)?.Status;
  const label = (prior.FindingProviderFields as { Severity?: { Label?: string } } | undefined)?.Severity
    ?.Label;
  if (compliance !== 'FAILED' || label === undefined) return true;
  return severityRank(result.severity) > severityRank(label as Severity);
}

/** The ARN of the resource a stored finding is about (its first resource), or '' when it names none. */
function primaryResourceArn(finding: ExistingFinding): string {
  const [resource] = Array.isArray(finding.Resources) ? (finding.Resources as { Id?: unknown }[]) : [];
  return typeof resource?.Id === 'string' ? resource.Id : '';
}

function isArchived(finding: ExistingFinding): boolean {
  return finding.RecordState === 'ARCHIVED';
}

function firstSeen(prior: ExistingFinding): FirstSeen | undefined {
  if (!prior.CreatedAt) return undefined;
  return { createdAt: prior.CreatedAt, firstObservedAt: prior.FirstObservedAt ?? prior.CreatedAt };
}

/**
 * The finding as we last sent it, with a new UpdatedAt and record state. Only members the provider owns are copied:
 * never Workflow, Note, VerificationState or UserDefinedFields (the customer's), nor the top-level
 * Severity, Types and RelatedFindings (the customer's after creation), nor what Security Hub adds itself (`aws/`
 * product fields, normalized severity, processing times).
 */
export function storedCopy(
  finding: ExistingFinding,
  now: Date,
  recordState: 'ACTIVE' | 'ARCHIVED',
): AsffFinding {
  const pick = <T extends object>(value: unknown, keys: readonly (keyof T)[]): T | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const source = value as Record<string, unknown>;
    const entries = keys.flatMap((k) => (source[k as string] == null ? [] : [[k, source[k as string]]]));
    return Object.fromEntries(entries) as T;
  };
  const copy: Record<string, unknown> = {};
  for (const member of [
    'SchemaVersion',
    'Id',
    'ProductArn',
    'GeneratorId',
    'AwsAccountId',
    'Region',
    'CreatedAt',
    'FirstObservedAt',
    'LastObservedAt',
    'Title',
    'Description',
  ]) {
    if (finding[member] != null) copy[member] = finding[member];
  }
  const provider = pick<NonNullable<AsffFinding['FindingProviderFields']>>(finding.FindingProviderFields, [
    'Severity',
    'Types',
    'RelatedFindings',
  ]);
  // Security Hub fills FindingProviderFields in on every finding, so the provider's view is always
  // there; the top-level Severity is never taken in its place (it may be the customer's).
  if (provider) {
    const severity = pick<NonNullable<AsffFinding['Severity']>>(provider.Severity, ['Label', 'Original']);
    copy.FindingProviderFields = { ...provider, ...(severity ? { Severity: severity } : {}) };
  }
  const recommendation = pick<{ Text?: string; Url?: string }>(
    (finding.Remediation as { Recommendation?: unknown } | undefined)?.Recommendation,
    ['Text', 'Url'],
  );
  if (recommendation) copy.Remediation = { Recommendation: recommendation };
  if (typeof finding.ProductFields === 'object' && finding.ProductFields !== null) {
    copy.ProductFields = Object.fromEntries(
      Object.entries(finding.ProductFields as Record<string, string>).filter(
        ([key]) => !key.startsWith('aws/'),
      ),
    );
  }
  const compliance = pick<{ Status: string }>(finding.Compliance, ['Status']);
  if (compliance) copy.Compliance = compliance;
  if (Array.isArray(finding.Resources)) {
    copy.Resources = finding.Resources.map((r) =>
      pick(r, ['Type', 'Id', 'Partition', 'Region', 'Tags', 'Details']),
    );
  }
  copy.UpdatedAt = now.toISOString();
  copy.RecordState = recordState;
  // Validated before sending like every other finding; a copy that is not valid is reported, not sent.
  return copy as AsffFinding;
}
