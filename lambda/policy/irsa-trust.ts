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
 *   (OpenID Connect Core 1.0 §2 makes both required; STS checks `aud` against the provider's client
 *   IDs), so `IfExists`, `ForAllValues:` and `ForAnyValue:` reduce to the base operator for them.
 *   Another issuer's claims are absent from these tokens. `condition-truth.ts` holds the operator table.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * - `StringLike` treats `*` and `?` as wildcards; without them it is an exact match.
 * - An explicit Deny wins: a Deny whose conditions all hold for the tokens an Allow admits, but for
 *   one negated operator on `:sub` (or `:aud`), denies everything outside that operator's list, so
 *   it narrows the grant exactly as the positive operator would. "Always holds" is decided from what
 *   the Allow admits (its own conditions, and the claims every token carries), not from spellings.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

import {
  clauseTruth,
  type DenyNarrowing,
  hasPolicyVariable,
  isNegated,
  type KeyKnowledge,
  knowledgeFrom,
  narrowByDenies,
} from './condition-truth';
import { type EksProvider, parseEksConditionKey, parseEksProviderArn } from './eks-oidc';
import {
  globMatchesEveryServiceAccount,
  globMatchesNoServiceAccount,
  SERVICE_ACCOUNT_PREFIX,
} from './service-account';
import {
  type ConditionClause,
  coversAction,
  type ParsedTrustPolicy,
  type PrincipalSpec,
  type Statement,
} from './trust-document';

const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';
export const STS_AUDIENCE = 'sts.amazonaws.com';
/**
 * The claims every token of an EKS issuer carries, as IAM sees them (`<issuer>:sub`, `<issuer>:aud`).
 * Tests pass fewer to judge tokens that lack one.
 */
export const EKS_TOKEN_CLAIMS: readonly string[] = ['sub', 'aud'];

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
  /** The statements of `unjudged` that may concern one issuer's tokens. */
  unjudgedFor(issuer: string): readonly string[];
}

/**
 * @param accountProviders EKS OIDC provider ARNs registered in the role's account: a wildcard
 *   principal lets each of them in.
 * @param tokenClaims the claims every token of an issuer carries.
 * @default tokenClaims EKS_TOKEN_CLAIMS
 */
export function analyseIrsaTrust(
  policy: ParsedTrustPolicy,
  accountProviders: readonly string[],
  tokenClaims: readonly string[] = EKS_TOKEN_CLAIMS,
): IrsaTrustAnalysis {
  const registered = accountProviders.map(parseEksProviderArn).filter((p): p is EksProvider => !!p);
  const denies = policy.statements.filter((s) => s.effect === 'Deny' && allowsWebIdentity(s));
  const grants: Grant[] = [];
  const problems: TrustProblem[] = [];

  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow' || !allowsWebIdentity(statement)) continue;
    for (const target of grantTargets(statement, registered)) {
      const tokens = { issuer: target.issuer, claims: tokenClaims };
      const narrowing = denyNarrowing(denies, statement, tokens);
      const grant = evaluateGrant(statement, target, narrowing, tokens);
      grants.push(grant);
      if (grant.ineffective !== undefined) continue;
      problems.push(...grantProblems(statement, target, grant, narrowing));
    }
  }

  const malformed = policy.malformed.filter((m) => /oidc\.eks\.|assumerolewithwebidentity/i.test(m.source));
  const note = (m: (typeof malformed)[number]) => `statement ${m.index} cannot be judged: ${m.reason}`;
  const unjudged = malformed.map(note);
  return {
    applies: grants.length > 0 || unjudged.length > 0,
    grants,
    problems,
    unjudged,
    // A statement that names an EKS issuer concerns that issuer only; one that names none may concern any.
    unjudgedFor: (issuer) =>
      malformed
        .filter((m) => {
          const source = m.source.toLowerCase();
          return !/oidc\.eks\./.test(source) || source.includes(issuer.toLowerCase());
        })
        .map(note),
  };
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

/** The tokens a grant is judged for: one issuer's, carrying `claims`. */
interface Tokens {
  readonly issuer: string;
  readonly claims: readonly string[];
}

/**
 * What the tokens that pass `clauses` can carry under `key`: another issuer's claims are absent,
 * this issuer's `claims` present, anything else may or may not be there; the clauses bound the values.
 */
function knowledgeOf(key: string, clauses: readonly ConditionClause[], tokens: Tokens): KeyKnowledge {
  const parsed = parseEksConditionKey(key);
  if (parsed !== undefined && parsed.issuer !== tokens.issuer) return { presence: 'absent' };
  const present = parsed !== undefined && tokens.claims.includes(parsed.claim);
  return knowledgeFrom(key, clauses, present ? 'present' : 'unknown', parsed?.claim === 'sub');
}

type Narrowing = DenyNarrowing;

/**
 * What the Deny statements that cover the issuer do to the tokens one Allow admits for it (see
 * `narrowByDenies`).
 */
function denyNarrowing(denies: readonly Statement[], allow: Statement, tokens: Tokens): Narrowing {
  return narrowByDenies(
    denies.filter((deny) => principalCovers(deny.principal, tokens.issuer)),
    allow.conditions,
    (key, clauses) => knowledgeOf(key, clauses, tokens),
  );
}

function evaluateGrant(
  statement: Statement,
  target: GrantTarget,
  narrowing: Narrowing,
  tokens: Tokens,
): Grant {
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
  // The Denies' narrowing counts too: an Allow and a Deny can leave no token between them.
  const clauses = [...statement.conditions, ...narrowing.clauses];
  const never = clauses.find(
    (clause) => clauseTruth(clause, knowledgeOf(clause.key, clauses, tokens)) === 'never',
  );
  if (never !== undefined) {
    return {
      ...base,
      exposure: 'exact',
      subjects: [],
      ineffective: `its ${never.operator} condition on ${never.key} can never hold for tokens of this issuer`,
    };
  }
  return { ...base, ...subRestriction(clauses, tokens) };
}

interface SubRestriction {
  readonly exposure: Exposure;
  readonly subjects: readonly string[];
  readonly reason?: string;
}

function subRestriction(clauses: readonly ConditionClause[], tokens: Tokens): SubRestriction {
  const issuer = tokens.issuer;
  // Literal values that survive every condition on :sub are exactly the accounts let in.
  const known = knowledgeOf(`${issuer}:sub`, clauses, tokens).values;
  if (known !== undefined && known.length > 0) return { exposure: 'exact', subjects: known };
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
  // A policy variable becomes a request value (`${<issuer>:sub}` is the token's own subject): it may
  // admit any service account, so it is judged as admitting all of them.
  if (hasPolicyVariable(value)) return 'any';
  if (base !== 'StringLike' || !/[*?]/.test(value)) return 'exact';
  // A pattern that matches no service account admits none of them.
  if (globMatchesNoServiceAccount(value)) return 'exact';
  if (globMatchesEveryServiceAccount(value)) return 'any';
  if (value.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const rest = value.slice(SERVICE_ACCOUNT_PREFIX.length);
    const colon = rest.indexOf(':');
    // Kubernetes names hold no ':', so a literal namespace followed by ':' pins the namespace.
    if (colon > 0 && !/[*?]/.test(rest.slice(0, colon))) return 'namespace';
  }
  return 'cross-namespace';
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
