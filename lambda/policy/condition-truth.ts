/**
 * What one condition clause is worth for a set of requests: true for all of them, false for all,
 * or dependent on their values. Both trust analyses (IRSA and Pod Identity) judge their
 * statements with it, so that one operator table decides both.
 *
 * The rules, each from the IAM documentation:
 * - On a key that is present and single-valued, `ForAllValues:`, `ForAnyValue:` and `...IfExists`
 *   all reduce to the base operator: with one request value, "every value" and "any value" both
 *   mean that value. [sets]
 * - On an absent key: `Null` "true" holds; `ForAnyValue:` fails whatever the operator, `IfExists`
 *   included (there is no value to match); `...IfExists` and `ForAllValues:` hold; a plain negated
 *   operator holds; every other operator fails. [operators] [sets]
 * - `ArnEquals` and `ArnLike` are the same operator (so are `ArnNotEquals` and `ArnNotLike`): each
 *   of the six colon-separated parts of the ARN is matched on its own, `*` and `?` as wildcards. [operators]
 * - `StringLike` treats `*` and `?` as wildcards; the `...IgnoreCase` operators compare without case. [operators]
 *
 * [operators] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * [sets]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { globIncludes, globsIntersect, globToRegExp } from './glob';
import {
  globMatchesEveryServiceAccount,
  globMatchesNoServiceAccount,
  isServiceAccountSubject,
} from './service-account';
import type { BaseOperator, ConditionClause, Statement } from './trust-document';

export type Truth = 'always' | 'never' | 'depends';

/**
 * What is known of one single-valued key in every request considered: whether it is there, and,
 * when a positive condition bounds it, the values it can take.
 */
export interface KeyKnowledge {
  readonly presence: 'present' | 'absent' | 'unknown';
  /** The only values the key can have when present; absent when any value is possible. */
  readonly values?: readonly string[];
  /** Whether `values` stand for every spelling of them in any case (from an `...IgnoreCase` bound). */
  readonly ignoreCase?: boolean;
  /** Whether every value is a Kubernetes service-account subject (`<issuer>:sub` of an EKS token). */
  readonly serviceAccount?: boolean;
  /** `StringLike` bounds, ANDed: a present value matches some pattern of each. */
  readonly patterns?: readonly (readonly string[])[];
}

export const UNKNOWN_KEY: KeyKnowledge = { presence: 'unknown' };

const NEGATED_TO_POSITIVE: Readonly<Partial<Record<BaseOperator, BaseOperator>>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  // ArnNotEquals is ArnNotLike, and both are the negation of ArnLike [operators].
  ArnNotEquals: 'ArnLike',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
};

/** Operators that match every value they do not list, and an absent key. */
export function isNegated(base: BaseOperator): boolean {
  return NEGATED_TO_POSITIVE[base] !== undefined;
}

/** The positive operator a negated one denies, e.g. `ArnNotEquals` → `ArnLike`. */
export function positiveOf(base: BaseOperator): BaseOperator | undefined {
  return NEGATED_TO_POSITIVE[base];
}

/** Whether a clause holds when its key is not in the request. */
export function holdsOnAbsentKey(clause: ConditionClause): boolean {
  if (clause.base === 'Null') return clause.values.some((v) => v.toLowerCase() === 'true');
  // "If the key in the request is missing or resolves to an empty data set, the condition returns
  // false" [sets]: no IfExists exception is documented, and IAM answers false with one.
  if (clause.qualifier === 'ForAnyValue') return false;
  if (clause.ifExists || clause.qualifier === 'ForAllValues') return true;
  return isNegated(clause.base);
}

/**
 * Whether the clause's base operator holds for one value of a present single-valued key;
 * `undefined` where this module does not model the operator (numbers, dates, addresses, binary,
 * Bool) or a value IAM would first substitute (a policy variable).
 */
export function holdsForValue(clause: ConditionClause, value: string): boolean | undefined {
  if (clause.values.some((v) => v.includes('${'))) return undefined;
  const any = (test: (policyValue: string) => boolean | undefined): boolean | undefined => {
    const results = clause.values.map(test);
    if (results.includes(true)) return true;
    return results.includes(undefined) ? undefined : false;
  };
  const not = (result: boolean | undefined) => (result === undefined ? undefined : !result);
  switch (clause.base) {
    case 'StringEquals':
      return any((v) => v === value);
    case 'StringNotEquals':
      return not(any((v) => v === value));
    case 'StringEqualsIgnoreCase':
      return any((v) => v.toLowerCase() === value.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return not(any((v) => v.toLowerCase() === value.toLowerCase()));
    case 'StringLike':
      return any((v) => globToRegExp(v, false).test(value));
    case 'StringNotLike':
      return not(any((v) => globToRegExp(v, false).test(value)));
    case 'ArnEquals':
    case 'ArnLike':
      return any((v) => arnMatches(v, value));
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return not(any((v) => arnMatches(v, value)));
    default:
      return undefined;
  }
}

/**
 * IAM's ARN match: the six colon-separated parts compared one by one, each with `*` and `?`;
 * `undefined` when the request value is not an ARN, which the documentation does not cover.
 */
export function arnMatches(pattern: string, value: string): boolean | undefined {
  const valueParts = arnParts(value);
  if (valueParts === undefined) return undefined;
  const patternParts = arnParts(pattern);
  if (patternParts === undefined) return false;
  return patternParts.every((part, i) => globToRegExp(part, false).test(valueParts[i] ?? ''));
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** A `StringLike` value of `*` alone (or several) matches every value. */
function matchesEverything(clause: ConditionClause): boolean {
  return clause.base === 'StringLike' && clause.values.some((v) => /^\*+$/.test(v));
}

/** What the clause is for requests where its key is present, given what is known of its values. */
function truthWhenPresent(clause: ConditionClause, knowledge: KeyKnowledge): Truth {
  if (clause.base === 'Null')
    return clause.values.some((v) => v.toLowerCase() === 'false') ? 'always' : 'never';
  if (matchesEverything(clause)) return 'always';
  if (clause.base === 'StringNotLike' && clause.values.some((v) => /^\*+$/.test(v))) return 'never';
  // Each bound decides alone: the finite values, the patterns, what subjects look like.
  const byValues = valuesTruth(clause, knowledge);
  if (byValues !== 'depends') return byValues;
  const byPattern = patternTruth(clause, knowledge.patterns ?? []);
  if (byPattern !== 'depends') return byPattern;
  return knowledge.serviceAccount && knowledge.values === undefined ? serviceAccountTruth(clause) : 'depends';
}

function valuesTruth(clause: ConditionClause, knowledge: KeyKnowledge): Truth {
  const values = knowledge.values;
  if (values === undefined) return 'depends';
  // Values known only up to case decide only a clause that ignores case too.
  if (knowledge.ignoreCase && !clause.base.includes('IgnoreCase')) return 'depends';
  const results = values.map((v) => holdsForValue(clause, v));
  if (results.includes(undefined)) return 'depends';
  if (results.every((r) => r === true)) return 'always';
  if (results.every((r) => r === false)) return 'never';
  return 'depends';
}

/**
 * What a string clause is for values that match the given `StringLike` bounds: it always holds when
 * one bound's patterns all lie inside the clause's, never when none of them meets any of the
 * clause's (decided on the globs' automata, so exactly).
 */
function patternTruth(clause: ConditionClause, bounds: readonly (readonly string[])[]): Truth {
  if (bounds.length === 0 || clause.values.some((v) => v.includes('${'))) return 'depends';
  let positive: Truth = 'depends';
  switch (clause.base) {
    case 'StringLike':
    case 'StringNotLike': {
      const inside = bounds.some((b) => b.every((p) => clause.values.some((q) => globIncludes(q, p))));
      const apart = bounds.some((b) => b.every((p) => clause.values.every((q) => !globsIntersect(p, q))));
      positive = inside ? 'always' : apart ? 'never' : 'depends';
      break;
    }
    case 'StringEquals':
    case 'StringNotEquals': {
      const matches = (v: string) => bounds.every((b) => b.some((p) => globToRegExp(p, false).test(v)));
      positive = clause.values.some(matches) ? 'depends' : 'never';
      break;
    }
    default:
      return 'depends';
  }
  if (!isNegated(clause.base)) return positive;
  return positive === 'always' ? 'never' : positive === 'never' ? 'always' : 'depends';
}

/**
 * What a string clause is for every service-account subject: a pattern that matches them all, or
 * none of them (upper case, another prefix), or literal values none of which is a subject, decide it.
 */
function serviceAccountTruth(clause: ConditionClause): Truth {
  const lower = clause.base.includes('IgnoreCase');
  const values = lower ? clause.values.map((v) => v.toLowerCase()) : clause.values;
  let positive: Truth;
  switch (clause.base) {
    case 'StringLike':
    case 'StringNotLike':
      positive = values.some(globMatchesEveryServiceAccount)
        ? 'always'
        : values.every(globMatchesNoServiceAccount)
          ? 'never'
          : 'depends';
      break;
    case 'StringEquals':
    case 'StringNotEquals':
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      positive = values.some(isServiceAccountSubject) ? 'depends' : 'never';
      break;
    default:
      return 'depends';
  }
  if (!isNegated(clause.base)) return positive;
  return positive === 'always' ? 'never' : positive === 'never' ? 'always' : 'depends';
}

/** Whether a condition value holds a policy variable, which IAM replaces by a request value. */
export function hasPolicyVariable(value: string): boolean {
  return value.includes('${');
}

/** What a clause is for every request of which `knowledge` holds. */
export function clauseTruth(clause: ConditionClause, knowledge: KeyKnowledge): Truth {
  const absent: Truth = holdsOnAbsentKey(clause) ? 'always' : 'never';
  if (knowledge.presence === 'absent') return absent;
  if (knowledge.values?.length === 0) {
    // No value satisfies the bounds: a key that must be there makes the requests impossible; one
    // that may be missing is missing.
    return knowledge.presence === 'present' ? 'never' : absent;
  }
  // A policy variable (`${aws:...}`, `${<issuer>:sub}`) is replaced by a request value before the
  // comparison, so its outcome depends on the request: never decided here, never a pin.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  const present = clause.values.some(hasPolicyVariable) ? 'depends' : truthWhenPresent(clause, knowledge);
  if (knowledge.presence === 'present') return present;
  return present === absent ? present : 'depends';
}

/**
 * What the conditions of one statement say of a key: present when a clause fails without it (or
 * `presence` says so), and the values allowed when a clause bounds them to a list. Every clause on
 * the key filters the list, so contradictory conditions leave it empty.
 */
export function knowledgeFrom(
  key: string,
  clauses: readonly ConditionClause[],
  presence: KeyKnowledge['presence'],
  serviceAccount = false,
): KeyKnowledge {
  if (presence === 'absent') return { presence };
  const onKey = clauses.filter((c) => c.key.toLowerCase() === key.toLowerCase());
  const required = presence === 'present' || onKey.some((c) => !holdsOnAbsentKey(c));
  const known: KeyKnowledge['presence'] = required ? 'present' : 'unknown';
  const patterns = onKey
    .filter((c) => c.base === 'StringLike' && c.values.some((v) => /[*?]/.test(v)))
    .map((c) => c.values);
  const domain = {
    ...(serviceAccount ? { serviceAccount } : {}),
    ...(patterns.length > 0 ? { patterns } : {}),
  };
  // A subject is no ARN, so only string operators bound it.
  const bounds = onKey.filter((c) => isFiniteBound(c) && !(serviceAccount && c.base.startsWith('Arn')));
  const source = bounds.find((c) => !c.base.includes('IgnoreCase')) ?? bounds[0];
  if (source === undefined) return { presence: known, ...domain };
  // Subjects are lower case, so an IgnoreCase bound names exactly the lower-case spelling of its values.
  const ignoreCase = source.base.includes('IgnoreCase') && !serviceAccount;
  const candidates = serviceAccount
    ? source.values
        .map((v) => (source.base.includes('IgnoreCase') ? v.toLowerCase() : v))
        .filter(isServiceAccountSubject)
    : source.values;
  const values = ignoreCase
    ? candidates
    : candidates.filter((v) => onKey.every((c) => c.base === 'Null' || holdsForValue(c, v) !== false));
  return { presence: known, values: [...new Set(values)], ...(ignoreCase ? { ignoreCase } : {}), ...domain };
}

/** A positive clause that names literal values, so the key can have no other value when present. */
function isFiniteBound(clause: ConditionClause): boolean {
  if (clause.values.some((v) => v.includes('${'))) return false;
  switch (clause.base) {
    case 'StringEquals':
    case 'StringEqualsIgnoreCase':
      return true;
    case 'StringLike':
      return clause.values.every((v) => !/[*?]/.test(v));
    case 'ArnEquals':
    case 'ArnLike':
      return clause.values.every((v) => !/[*?]/.test(v) && arnParts(v) !== undefined);
    default:
      return false;
  }
}

/** What a Deny statement does to the requests an Allow admits. */
export type DenyEffect =
  /** Some condition never holds for them: the Deny does not apply. */
  | { readonly kind: 'none' }
  /** Every condition holds for them: the Deny refuses all of them. */
  | { readonly kind: 'blocks' }
  /** One negated condition is open: the Deny refuses all but what its positive form admits. */
  | { readonly kind: 'narrows'; readonly clause: ConditionClause }
  /** Open conditions that no one positive form replaces: the Deny can only narrow further, and is left out. */
  | { readonly kind: 'unknown' };

/**
 * A Deny refuses a request when all its conditions hold. With every condition but one always
 * true, a negated one refuses every request its positive form does not admit: the Allow is then
 * narrowed by that positive form (several negated ones on one key: by the union of theirs). On an absent key the negated form holds (so the request is
 * refused) unless it is `ForAnyValue:`; then the positive form becomes `...IfExists`, which also
 * lets an absent key through. [operators] [sets]
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export function denyEffect(
  conditions: readonly ConditionClause[],
  know: (key: string) => KeyKnowledge,
): DenyEffect {
  const truths = conditions.map((clause) => clauseTruth(clause, know(clause.key)));
  if (truths.includes('never')) return { kind: 'none' };
  const open = conditions.filter((_, i) => truths[i] === 'depends');
  if (open.length === 0) return { kind: 'blocks' };
  const [only] = open;
  if (only === undefined) return { kind: 'unknown' };
  const mayBeAbsent = know(only.key).presence !== 'present';
  // On an absent key the Deny refuses the request only if every open condition holds there.
  const ifExists = mayBeAbsent && !open.every(holdsOnAbsentKey);
  const positive = open.length === 1 ? positiveOf(only.base) : undefined;
  if (positive !== undefined) {
    const { qualifier: _, ...rest } = only;
    return { kind: 'narrows', clause: { ...rest, base: positive, ifExists } };
  }
  const union = unionOfNegations(open, know(only.key));
  return union === undefined ? { kind: 'unknown' } : { kind: 'narrows', clause: { ...union, ifExists } };
}

/**
 * Several negated string conditions on one key, ANDed in a Deny, refuse every value outside all of
 * their lists: what is left is the union of their positive forms, one `StringLike` when each can be
 * written as one (an exact value holds no wildcard; an IgnoreCase one needs lower-case subjects).
 */
function unionOfNegations(
  open: readonly ConditionClause[],
  knowledge: KeyKnowledge,
): ConditionClause | undefined {
  const [first] = open;
  if (first === undefined || open.some((c) => c.key.toLowerCase() !== first.key.toLowerCase()))
    return undefined;
  const values: string[] = [];
  for (const clause of open) {
    switch (clause.base) {
      case 'StringNotLike':
        values.push(...clause.values);
        break;
      case 'StringNotEquals':
      case 'StringNotEqualsIgnoreCase': {
        // A value no subject can equal adds nothing to the union; the rest are lower-case subjects.
        const exact = knowledge.serviceAccount
          ? clause.values
              .map((v) => (clause.base === 'StringNotEquals' ? v : v.toLowerCase()))
              .filter(isServiceAccountSubject)
          : clause.base === 'StringNotEquals'
            ? clause.values
            : undefined;
        if (exact === undefined || exact.some((v) => /[*?]/.test(v))) return undefined;
        values.push(...exact);
        break;
      }
      default:
        return undefined;
    }
  }
  return {
    operator: open.map((c) => c.operator).join(' + '),
    base: 'StringLike',
    ifExists: false,
    key: first.key,
    values: [...new Set(values)],
  };
}

/** What the Deny statements do to the requests one Allow admits. */
export interface DenyNarrowing {
  /** Set when a Deny refuses every request the Allow admits. */
  readonly blockedBy?: number;
  /** Positive clauses equivalent to the Denies' negated ones. */
  readonly clauses: readonly ConditionClause[];
}

/**
 * Applies the Deny statements to the requests one Allow admits: a Deny whose conditions all hold
 * for them refuses the statement outright; one with a condition that holds for none does nothing;
 * one whose only open condition is a negated operator (with any qualifier that holds on an absent
 * key as the plain form does) denies everything outside its list, so it limits the grant like the
 * positive operator. Any other Deny is left out: it can only narrow further. A narrowing can settle
 * another Deny's conditions, so this runs until nothing changes.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * @param knowledge what the requests that pass these clauses carry under a key
 */
export function narrowByDenies(
  denies: readonly Statement[],
  allowConditions: readonly ConditionClause[],
  knowledge: (key: string, clauses: readonly ConditionClause[]) => KeyKnowledge,
): DenyNarrowing {
  const clauses: ConditionClause[] = [];
  const settled = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const deny of denies) {
      if (settled.has(deny.index)) continue;
      const known = [...allowConditions, ...clauses];
      const effect = denyEffect(deny.conditions, (key) => knowledge(key, known));
      if (effect.kind === 'blocks') return { blockedBy: deny.index, clauses };
      if (effect.kind === 'unknown') continue;
      settled.add(deny.index);
      if (effect.kind === 'narrows') {
        clauses.push({
          ...effect.clause,
          operator: `${effect.clause.operator} (Deny statement ${deny.index})`,
        });
        changed = true;
      }
    }
  }
  return { clauses };
}
