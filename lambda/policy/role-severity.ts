/**
 * The severity of an EKS-trusted role from who may assume it (its trust grade) and what it may do
 * (its permission tier), in one table: a wildcard trust on a role that can read one bucket is a
 * chore, the same trust on an administrator is a breach. The README prints this table.
 */
import { type PermissionTier, type Severity, severityRank, type TrustGrade } from '../model/result';
import type { PermissionAssessment } from './permissions';

type FailingSeverity = Exclude<Severity, 'INFORMATIONAL'>;

/** What a role of a trust grade and a tier is: a trust failure of a severity, an over-privileged role, or fine. */
export type RoleVerdict =
  | { readonly kind: 'trust'; readonly severity: FailingSeverity }
  /** Trust limited to named workloads, but the role holds more than a workload needs (least privilege). */
  | { readonly kind: 'over-privileged'; readonly severity: 'LOW' }
  | { readonly kind: 'none' };

const trust = (severity: FailingSeverity): RoleVerdict => ({ kind: 'trust', severity });
const OVER_PRIVILEGED: RoleVerdict = { kind: 'over-privileged', severity: 'LOW' };
const NONE: RoleVerdict = { kind: 'none' };

/**
 * Rows: trust grades; columns: tiers. `unknown` keeps the severity the trust alone has, so a role
 * whose policies cannot be read is never graded lower than before its power was judged.
 */
export const ROLE_SEVERITY: Readonly<Record<TrustGrade, Readonly<Record<PermissionTier, RoleVerdict>>>> = {
  'any-service-account': {
    administrator: trust('CRITICAL'),
    'privilege-escalation': trust('CRITICAL'),
    'sensitive-data': trust('HIGH'),
    limited: trust('MEDIUM'),
    unknown: trust('CRITICAL'),
  },
  'cross-namespace': {
    administrator: trust('CRITICAL'),
    'privilege-escalation': trust('CRITICAL'),
    'sensitive-data': trust('HIGH'),
    limited: trust('MEDIUM'),
    unknown: trust('HIGH'),
  },
  namespace: {
    administrator: trust('CRITICAL'),
    'privilege-escalation': trust('HIGH'),
    'sensitive-data': trust('HIGH'),
    limited: trust('LOW'),
    unknown: trust('MEDIUM'),
  },
  'any-association': {
    administrator: trust('CRITICAL'),
    'privilege-escalation': trust('CRITICAL'),
    'sensitive-data': trust('HIGH'),
    limited: trust('LOW'),
    unknown: trust('MEDIUM'),
  },
  limited: {
    administrator: OVER_PRIVILEGED,
    'privilege-escalation': OVER_PRIVILEGED,
    'sensitive-data': NONE,
    limited: NONE,
    unknown: NONE,
  },
};

/**
 * The verdict for a role of this grade and assessment. When statements could not be read the tier is
 * only a floor: the worse of its verdict and the unknown tier's, so a lost statement never lowers the
 * severity below what the trust alone gives.
 */
export function roleVerdict(
  grade: TrustGrade,
  permissions: Pick<PermissionAssessment, 'tier' | 'incomplete'>,
): RoleVerdict {
  const judged = ROLE_SEVERITY[grade][permissions.tier];
  if (permissions.incomplete === undefined) return judged;
  const unknown = ROLE_SEVERITY[grade].unknown;
  return verdictRank(unknown) > verdictRank(judged) ? unknown : judged;
}

function verdictRank(verdict: RoleVerdict): number {
  return verdict.kind === 'none' ? 0 : severityRank(verdict.severity);
}

/** How a trust grade reads in a sentence. */
export const TRUST_GRADE_TEXT: Readonly<Record<TrustGrade, string>> = {
  'any-service-account': 'any service account',
  'cross-namespace': 'service accounts across namespaces',
  namespace: 'a namespace wildcard',
  'any-association': 'any Pod Identity association',
  limited: 'named workloads',
};

/** How a tier reads in a sentence. */
export const TIER_TEXT: Readonly<Record<PermissionTier, string>> = {
  administrator: 'administrator-equivalent',
  'privilege-escalation': 'privilege escalation',
  'sensitive-data': 'sensitive data access',
  limited: 'limited',
  unknown: 'unknown',
};

/** The table as Markdown, for the README. */
export function roleSeverityTable(): string {
  const tiers = Object.keys(TIER_TEXT) as PermissionTier[];
  const cell = (v: RoleVerdict) =>
    v.kind === 'trust' ? v.severity : v.kind === 'over-privileged' ? 'LOW (over-privileged)' : 'PASSED';
  const rows = (Object.keys(ROLE_SEVERITY) as TrustGrade[]).map(
    (grade) => `| \`${grade}\` | ${tiers.map((tier) => cell(ROLE_SEVERITY[grade][tier])).join(' | ')} |`,
  );
  return [
    `| trust grade | ${tiers.map((t) => `\`${t}\``).join(' | ')} |`,
    `|---|${tiers.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n');
}

/** One sentence naming a role's tier, the (at most three) actions behind it, and any caveat. */
export function describePermissions(assessment: PermissionAssessment): string {
  const { tier, evidence, notes } = assessment;
  const why =
    tier === 'unknown'
      ? `unknown (${assessment.reason ?? 'no reason given'}), so the trust alone sets the severity`
      : evidence.length > 0
        ? `${TIER_TEXT[tier]} (${evidence.slice(0, 3).join(', ')})`
        : tier === 'limited'
          ? 'limited (no administrator, privilege escalation or sensitive data action on every resource)'
          : TIER_TEXT[tier];
  const floor = assessment.incomplete === undefined ? [] : [assessment.incomplete];
  return [`Permissions: ${why}`, ...floor, ...notes].join('; ');
}
