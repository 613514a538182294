/**
 * Which Kubernetes service accounts can assume a role through an EKS OIDC provider, decided with
 * IAM's own evaluation rules rather than by matching strings:
 *
 * - Conditions: operators are ANDed, keys within an operator are ANDed, values of one key are ORed.
 *   So a statement admits no more than its narrowest positive `:sub` clause allows.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 * - Negated operators (`StringNotEquals`, `StringNotLike`) match every value they do not list, and
 *   also match when the key is absent: they never narrow a grant to named service accounts.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * - `<issuer>:sub` and `<issuer>:aud` are single-valued and always present in a service-account token
 *   (OpenID Connect Core 1.0 §2 makes `sub` required), so `IfExists`, `ForAllValues:` and
 *   `ForAnyValue:` reduce to the base operator for them. A positive operator on a key that a token of
 *   this issuer cannot carry (another issuer's claim) is false, so the statement grants nothing to it.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * - `StringLike` treats `*` and `?` as wildcards; without them it is an exact match.
 * - An explicit Deny wins: a Deny whose only condition is a negated operator on `:sub` (or `:aud`)
 *   denies everything outside its list, so it narrows the grant exactly as the positive operator would.
 */
import { type EksProvider, parseEksConditionKey, parseEksProviderArn } from './eks-oidc';
import { globToRegExp } from './glob';
import {
  type ConditionClause,
  coversAction,
  type ParsedTrustPolicy,
  type PrincipalSpec,
  type Statement,
} from './trust-document';

const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const STS_AUDIENCE = 'sts.amazonaws.com';

/** How far a grant reaches, narrowest first. */
export type Exposure = 'exact' | 'namespace' | 'cross-namespace' | 'any';
const EXPOSURE_ORDER: readonly Exposure[] = ['exact', 'namespace', 'cross-namespace', 'any'];

export type ProblemSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

export interface TrustProblem {
  readonly severity: ProblemSeverity;
  readonly statement: number;
  readonly issuer: string;
  readonly message: string;
}

/** One statement's grant to one issuer's tokens. */
export interface Grant {
  readonly statement: number;
  readonly issuer: string;
  /** The provider ARN the statement names; absent when a wildcard principal grants it. */
  readonly providerArn?: string;
  readonly exposure: Exposure;
  /** The `:sub` values of the narrowest clause, for the report. */
  readonly subjects: readonly string[];
  /** Why the grant reaches every service account, when it does. */
  readonly reason?: string;
  /** Why this statement grants nothing to the issuer, when it does not. */
  readonly ineffective?: string;
}

export interface IrsaTrustAnalysis {
  /** Whether the role trusts an EKS OIDC provider for web identity at all. */
  readonly applies: boolean;
  readonly grants: readonly Grant[];
  readonly problems: readonly TrustProblem[];
  /** Statements about EKS web identity that cannot be judged (IAM would have refused them). */
  readonly unjudged: readonly string[];
}

/**
 * @param accountProviders EKS OIDC provider ARNs registered in the role's account: a wildcard
 *   principal lets each of them in.
 */
export function analyseIrsaTrust(
  policy: ParsedTrustPolicy,
  accountProviders: readonly string[],
): IrsaTrustAnalysis {
  const registered = accountProviders.map(parseEksProviderArn).filter((p): p is EksProvider => !!p);
  const denies = policy.statements.filter((s) => s.effect === 'Deny' && allowsWebIdentity(s));
  const grants: Grant[] = [];
  const problems: TrustProblem[] = [];

  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow' || !allowsWebIdentity(statement)) continue;
    for (const target of grantTargets(statement, registered)) {
      const narrowing = denyNarrowing(denies, target.issuer);
      const grant = evaluateGrant(statement, target, narrowing);
      grants.push(grant);
      if (grant.ineffective !== undefined) continue;
      problems.push(...grantProblems(statement, target, grant, narrowing));
    }
  }

  const unjudged = policy.malformed
    .filter((m) => /oidc\.eks\.|assumerolewithwebidentity/i.test(m.source))
    .map((m) => `statement ${m.index} cannot be judged: ${m.reason}`);
  return { applies: grants.length > 0 || unjudged.length > 0, grants, problems, unjudged };
}

interface GrantTarget {
  readonly issuer: string;
  readonly provider?: EksProvider;
  /** Set when the statement's principal is a wildcard rather than the provider. */
  readonly wildcard?: string;
}

/** The EKS issuers an Allow statement lets in. */
function grantTargets(statement: Statement, registered: readonly EksProvider[]): GrantTarget[] {
  const wildcard = wildcardPrincipal(statement.principal);
  if (wildcard === undefined) {
    if (statement.principal.kind !== 'listed') return [];
    return statement.principal.federated
      .map(parseEksProviderArn)
      .filter((p): p is EksProvider => !!p)
      .map((provider) => ({ issuer: provider.issuer, provider }));
  }
  // A wildcard principal lets in every provider of the account, and any the conditions name; each
  // is then judged by what the conditions make of its tokens (absent keys included).
  const named = statement.conditions
    .map((c) => parseEksConditionKey(c.key)?.issuer)
    .filter((i): i is string => !!i);
  return [...new Set([...registered.map((p) => p.issuer), ...named])].sort().map((issuer) => {
    const provider = registered.find((p) => p.issuer === issuer);
    return { issuer, wildcard, ...(provider === undefined ? {} : { provider }) };
  });
}

/** How a principal admits everyone, if it does. */
function wildcardPrincipal(principal: PrincipalSpec): string | undefined {
  if (principal.kind === 'any') return 'Principal "*"';
  if (principal.federated.includes('*')) return 'Principal {"Federated": "*"}';
  // {"AWS": "*"} is the same as "*": every principal, federated ones included.
  if (principal.aws.includes('*')) return 'Principal {"AWS": "*"}';
  return undefined;
}

function allowsWebIdentity(statement: Statement): boolean {
  return coversAction(statement, WEB_IDENTITY_ACTION);
}

function principalCovers(spec: PrincipalSpec, issuer: string): boolean {
  return (
    wildcardPrincipal(spec) !== undefined ||
    (spec.kind === 'listed' && spec.federated.some((arn) => parseEksProviderArn(arn)?.issuer === issuer))
  );
}

/**
 * What a condition clause is for the tokens of one issuer: true for all of them, false for all,
 * or dependent on the token's values. Another issuer's claims are absent from these tokens; this
 * issuer's `sub` and `aud` are always present.
 */
type Truth = 'always' | 'never' | 'depends';

function clauseTruth(clause: ConditionClause, issuer: string): Truth {
  const key = parseEksConditionKey(clause.key);
  if (key === undefined) return 'depends'; // other keys: their presence is unknown here
  if (key.issuer !== issuer) return holdsOnAbsentKey(clause) ? 'always' : 'never';
  if (key.claim !== 'sub' && key.claim !== 'aud') return 'depends';
  if (clause.base === 'Null')
    return clause.values.some((v) => v.toLowerCase() === 'false') ? 'always' : 'never';
  return 'depends';
}

/**
 * On an absent key: Null "true" holds; IfExists holds; ForAllValues holds (there is no value to
 * fail); ForAnyValue fails (there is no value to match), even with a negated operator; a plain
 * negated operator holds; every other operator fails.
 */
function holdsOnAbsentKey(clause: ConditionClause): boolean {
  if (clause.base === 'Null') return clause.values.some((v) => v.toLowerCase() === 'true');
  if (clause.ifExists || clause.qualifier === 'ForAllValues') return true;
  if (clause.qualifier === 'ForAnyValue') return false;
  return isNegated(clause.base);
}

interface Narrowing {
  /** Set when a Deny that always applies shuts the issuer out entirely. */
  readonly blockedBy?: number;
  /** Positive clauses equivalent to the Denies' negated ones. */
  readonly clauses: readonly ConditionClause[];
}

const NEGATED_STRING: Readonly<Record<string, ConditionClause['base']>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
};

/**
 * What the Deny statements do to one issuer's tokens. A Deny whose conditions all hold for every
 * token shuts the issuer out; one that holds for none does nothing; one whose only open condition
 * is a negated operator on `:sub` or `:aud` denies everything outside its list, which narrows the
 * grant like the positive operator. Any other Deny is left out: it can only narrow further.
 */
function denyNarrowing(denies: readonly Statement[], issuer: string): Narrowing {
  const clauses: ConditionClause[] = [];
  for (const deny of denies) {
    if (!principalCovers(deny.principal, issuer)) continue;
    const truths = deny.conditions.map((clause) => clauseTruth(clause, issuer));
    if (truths.includes('never')) continue;
    const open = deny.conditions.filter((_, i) => truths[i] === 'depends');
    if (open.length === 0) return { blockedBy: deny.index, clauses };
    const [only] = open;
    const positive = only && open.length === 1 ? NEGATED_STRING[only.base] : undefined;
    if (!only || !positive) continue;
    clauses.push({ ...only, base: positive, operator: `${only.operator} (Deny statement ${deny.index})` });
  }
  return { clauses };
}

function evaluateGrant(statement: Statement, target: GrantTarget, narrowing: Narrowing): Grant {
  const base = {
    statement: statement.index,
    issuer: target.issuer,
    ...(target.provider && !target.wildcard ? { providerArn: target.provider.arn } : {}),
  };
  if (narrowing.blockedBy !== undefined) {
    return {
      ...base,
      exposure: 'exact',
      subjects: [],
      ineffective: `Deny statement ${narrowing.blockedBy} refuses it`,
    };
  }
  const never = statement.conditions.find((clause) => clauseTruth(clause, target.issuer) === 'never');
  if (never !== undefined) {
    return {
      ...base,
      exposure: 'exact',
      subjects: [],
      ineffective: `its ${never.operator} condition on ${never.key} can never hold for tokens of this issuer`,
    };
  }
  return { ...base, ...subRestriction([...statement.conditions, ...narrowing.clauses], target.issuer) };
}

function isNegated(base: ConditionClause['base']): boolean {
  return /Not/.test(base);
}

interface SubRestriction {
  readonly exposure: Exposure;
  readonly subjects: readonly string[];
  readonly reason?: string;
}

function subRestriction(clauses: readonly ConditionClause[], issuer: string): SubRestriction {
  const onSub = clauses.filter((c) => isClaim(c, issuer, 'sub'));
  const positive = onSub.filter((c) => isPositiveString(c.base));
  if (positive.length === 0) {
    const negated = onSub.filter((c) => isNegated(c.base)).map((c) => c.operator);
    const reason =
      negated.length > 0
        ? `only negated conditions on ${issuer}:sub (${[...new Set(negated)].join(', ')}), which admit every service account they do not name`
        : `no condition restricts ${issuer}:sub`;
    return { exposure: 'any', subjects: [], reason };
  }
  // ANDed clauses: the grant is no wider than its narrowest clause; ORed values: a clause is as wide as its widest value.
  return positive
    .map((clause) => ({
      exposure: widest(clause.values.map((value) => classifySubject(clause.base, value))),
      subjects: clause.values,
    }))
    .reduce((narrowest, next) => (rank(next.exposure) < rank(narrowest.exposure) ? next : narrowest));
}

function isClaim(clause: ConditionClause, issuer: string, claim: string): boolean {
  const key = parseEksConditionKey(clause.key);
  return key?.issuer === issuer && key.claim === claim;
}

function isPositiveString(base: ConditionClause['base']): boolean {
  return base === 'StringEquals' || base === 'StringEqualsIgnoreCase' || base === 'StringLike';
}

const rank = (exposure: Exposure) => EXPOSURE_ORDER.indexOf(exposure);
const widest = (list: readonly Exposure[]): Exposure =>
  list.reduce<Exposure>((a, b) => (rank(b) > rank(a) ? b : a), 'exact');

/** How many service accounts one `:sub` value admits. */
export function classifySubject(base: ConditionClause['base'], value: string): Exposure {
  if (base !== 'StringLike' || !/[*?]/.test(value)) return 'exact';
  const literalPrefix = value.slice(0, value.search(/[*?]/));
  const pattern = globToRegExp(value, false);
  // A pattern whose fixed start departs from `system:serviceaccount:` admits no service account.
  if (
    !SERVICE_ACCOUNT_PREFIX.startsWith(literalPrefix) &&
    !literalPrefix.startsWith(SERVICE_ACCOUNT_PREFIX)
  ) {
    return 'exact';
  }
  if (matchesEveryServiceAccount(value, pattern)) return 'any';
  if (value.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const rest = value.slice(SERVICE_ACCOUNT_PREFIX.length);
    const colon = rest.indexOf(':');
    // Kubernetes names hold no ':', so a literal namespace followed by ':' pins the namespace.
    if (colon > 0 && !/[*?]/.test(rest.slice(0, colon))) return 'namespace';
  }
  return 'cross-namespace';
}

/**
 * A glob that matches `system:serviceaccount:<ns>:<name>` for namespaces and names made of a
 * character it does not contain, at the shortest and longest lengths Kubernetes allows, can only do
 * so through its wildcards, and so matches every service account.
 */
function matchesEveryServiceAccount(value: string, pattern: RegExp): boolean {
  const fresh = [...'abcdefghijklmnopqrstuvwxyz0123456789'].find((c) => !value.includes(c));
  if (fresh === undefined) return true; // cannot prove otherwise: fail closed
  const lengths = [1, 2, 63];
  return lengths.every((ns) =>
    [1, 2, 253].every((name) =>
      pattern.test(`${SERVICE_ACCOUNT_PREFIX}${fresh.repeat(ns)}:${fresh.repeat(name)}`),
    ),
  );
}

function grantProblems(
  statement: Statement,
  target: GrantTarget,
  grant: Grant,
  narrowing: Narrowing,
): TrustProblem[] {
  const at = { statement: statement.index, issuer: target.issuer };
  const where = `statement ${statement.index} (${target.issuer})`;
  const problems: TrustProblem[] = [];
  if (target.wildcard !== undefined) {
    problems.push({
      ...at,
      severity: 'CRITICAL',
      message: `${where}: ${target.wildcard} trusts every identity provider in the account instead of naming this one`,
    });
  }
  const clauses = [...statement.conditions, ...narrowing.clauses];
  const subjects = grant.subjects.map((s) => `'${s}'`).join(', ');
  switch (grant.exposure) {
    case 'any':
      problems.push({
        ...at,
        severity: 'CRITICAL',
        message: `${where}: any service account of the cluster can assume the role: ${
          grant.reason ?? `${subjects} matches every service account`
        }`,
      });
      break;
    case 'cross-namespace':
      problems.push({
        ...at,
        severity: 'HIGH',
        message: `${where}: ${subjects} admits service accounts across namespaces`,
      });
      break;
    case 'namespace':
      problems.push({
        ...at,
        severity: 'MEDIUM',
        message: `${where}: ${subjects} admits every matching service account in a namespace, not named ones`,
      });
      break;
    case 'exact':
      break;
  }
  const audience = clauses.filter((c) => isClaim(c, target.issuer, 'aud') && isPositiveString(c.base));
  const pinned = audience.some((c) =>
    c.values.every(
      (v) => v === STS_AUDIENCE || (c.base === 'StringEqualsIgnoreCase' && v.toLowerCase() === STS_AUDIENCE),
    ),
  );
  if (!pinned) {
    problems.push({
      ...at,
      severity: 'LOW',
      message:
        audience.length === 0
          ? `${where}: no condition pins ${target.issuer}:aud to ${STS_AUDIENCE}`
          : `${where}: ${target.issuer}:aud admits ${audience
              .flatMap((c) => c.values)
              .map((v) => `'${v}'`)
              .join(', ')}, not only ${STS_AUDIENCE}`,
    });
  }
  return problems;
}
