/**
 * Parses an IAM role trust policy into statements with normalised principals, actions and
 * condition clauses. It judges nothing: it only says what the document contains, and which
 * statements IAM itself would have refused to store (so that no verdict rests on them).
 *
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

import type { Readout } from '../model/readout';
import { globToRegExp } from './glob';

export class PolicyParseError extends Error {
  override readonly name = 'PolicyParseError';
}

export type PrincipalSpec =
  | { readonly kind: 'any' }
  | {
      readonly kind: 'listed';
      readonly aws: readonly string[];
      readonly federated: readonly string[];
      readonly service: readonly string[];
      readonly canonicalUser: readonly string[];
    };

export type Qualifier = 'ForAllValues' | 'ForAnyValue';

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The canonical base operator, e.g. `StringLike`. */
  readonly base: BaseOperator;
  readonly qualifier?: Qualifier;
  readonly ifExists: boolean;
  /** The condition key as written; IAM compares keys case-insensitively. */
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** 1-based position in the document, for messages. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: PrincipalSpec;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly conditions: readonly ConditionClause[];
}

export interface MalformedStatement {
  readonly index: number;
  readonly reason: string;
  /** The statement as JSON, so callers can tell what it was about. */
  readonly source: string;
}

export interface ParsedTrustPolicy {
  readonly statements: readonly Statement[];
  readonly malformed: readonly MalformedStatement[];
}

export const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;
export type BaseOperator = (typeof BASE_OPERATORS)[number];

const BASE_BY_LOWER = new Map<string, BaseOperator>(BASE_OPERATORS.map((op) => [op.toLowerCase(), op]));

/**
 * AWS returns trust documents URL-encoded (RFC 3986); some emulators return them raw. A raw JSON
 * document starts with `{` (JSON allows leading whitespace), an encoded one never does.
 */
export function decodePolicyDocument(document: string, kind = 'trust policy'): string {
  if (document.trimStart().startsWith('{')) return document;
  try {
    return decodeURIComponent(document);
  } catch {
    throw new PolicyParseError(`${kind} is neither JSON nor URL-encoded JSON`);
  }
}

export function parseTrustPolicy(text: string): ParsedTrustPolicy {
  return parseStatements(text, 'trust policy', parseStatement);
}

/**
 * The statements of a policy document, each parsed by `parse` or kept as malformed with the reason;
 * a document that is not a JSON object with a Statement throws.
 */
export function parseStatements<T>(
  text: string,
  kind: string,
  parse: (entry: unknown, index: number) => T,
): { readonly statements: readonly T[]; readonly malformed: readonly MalformedStatement[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyParseError(`${kind} is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(document)) throw new PolicyParseError(`${kind} is not a JSON object`);
  const raw = document.Statement;
  if (raw === undefined) throw new PolicyParseError(`${kind} has no Statement`);
  // "Statement" may be one object or an array of them.
  const list = Array.isArray(raw) ? raw : [raw];
  const statements: T[] = [];
  const malformed: MalformedStatement[] = [];
  list.forEach((entry: unknown, position) => {
    const index = position + 1;
    try {
      statements.push(parse(entry, index));
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      malformed.push({ index, reason: error.message, source: JSON.stringify(entry) ?? String(entry) });
    }
  });
  return { statements, malformed };
}

function parseStatement(entry: unknown, index: number): Statement {
  if (!isObject(entry)) throw new PolicyParseError('statement is not an object');
  const effect = entry.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyParseError(`Effect is ${JSON.stringify(effect) ?? 'missing'}, not "Allow" or "Deny"`);
  }
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
  if (entry.NotPrincipal !== undefined)
    throw new PolicyParseError('NotPrincipal cannot be used in a role trust policy');
  if (entry.Principal === undefined) throw new PolicyParseError('a trust policy statement needs a Principal');
  if ((entry.Action === undefined) === (entry.NotAction === undefined)) {
    throw new PolicyParseError('a statement needs exactly one of Action and NotAction');
  }
  const sid = typeof entry.Sid === 'string' ? entry.Sid : undefined;
  return {
    index,
    ...(sid === undefined ? {} : { sid }),
    effect,
    principal: parsePrincipal(entry.Principal, 'Principal'),
    ...(entry.Action === undefined ? {} : { actions: stringList(entry.Action, 'Action') }),
    ...(entry.NotAction === undefined ? {} : { notActions: stringList(entry.NotAction, 'NotAction') }),
    conditions: entry.Condition === undefined ? [] : parseConditions(entry.Condition),
  };
}

function parsePrincipal(value: unknown, element: string): PrincipalSpec {
  if (value === '*') return { kind: 'any' };
  if (!isObject(value)) throw new PolicyParseError(`${element} must be "*" or an object`);
  const known = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser']);
  for (const name of Object.keys(value)) {
    if (!known.has(name)) throw new PolicyParseError(`${element} has an unknown principal type "${name}"`);
  }
  const list = (name: string) =>
    value[name] === undefined ? [] : stringList(value[name], `${element}.${name}`);
  return {
    kind: 'listed',
    aws: list('AWS'),
    federated: list('Federated'),
    service: list('Service'),
    canonicalUser: list('CanonicalUser'),
  };
}

export function parseConditions(value: unknown): ConditionClause[] {
  if (!isObject(value)) throw new PolicyParseError('Condition is not an object');
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const parsed = parseOperator(operator);
    if (!isObject(block))
      throw new PolicyParseError(`Condition operator ${operator} does not hold an object`);
    for (const [key, raw] of Object.entries(block)) {
      clauses.push({ operator, ...parsed, key, values: conditionValues(raw, `${operator}.${key}`) });
    }
  }
  return clauses;
}

/** `[ForAllValues:|ForAnyValue:]<Base>[IfExists]`; IAM refuses any other operator. */
export function parseOperator(operator: string): {
  base: BaseOperator;
  ifExists: boolean;
  qualifier?: Qualifier;
} {
  let rest = operator;
  let qualifier: Qualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'forallvalues') qualifier = 'ForAllValues';
    else if (prefix === 'foranyvalue') qualifier = 'ForAnyValue';
    else throw new PolicyParseError(`unknown condition operator "${operator}"`);
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BASE_BY_LOWER.get(rest.toLowerCase());
  if (base === undefined || (base === 'Null' && (ifExists || qualifier !== undefined))) {
    throw new PolicyParseError(`unknown condition operator "${operator}"`);
  }
  return { base, ifExists, ...(qualifier === undefined ? {} : { qualifier }) };
}

export function stringList(value: unknown, element: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string')) {
    throw new PolicyParseError(`${element} must be a string or a non-empty list of strings`);
  }
  return list as string[];
}

/** Condition values may be strings, numbers or booleans, alone or in a list; IAM compares them as strings. */
function conditionValues(value: unknown, element: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new PolicyParseError(`Condition ${element} holds a value that is not a string, number or boolean`);
  });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a statement's Action (or NotAction) covers an action, with IAM's case-insensitive wildcards. */
export function coversAction(statement: Pick<Statement, 'actions' | 'notActions'>, action: string): boolean {
  const matches = (patterns: readonly string[]) => patterns.some((p) => globToRegExp(p, true).test(action));
  if (statement.actions !== undefined) return matches(statement.actions);
  return statement.notActions !== undefined && !matches(statement.notActions);
}

/**
 * A role's trust policy decoded and parsed once, for every check and the publisher to share: the
 * decoded text (or why it cannot be decoded) and the parsed statements (or why they cannot be read).
 */
export function readTrustPolicy(document: string): {
  readonly text: Readout<string>;
  readonly policy: Readout<ParsedTrustPolicy>;
} {
  let text: string;
  try {
    text = decodePolicyDocument(document);
  } catch (error) {
    const reason = (error as Error).message;
    return { text: { known: false, reason }, policy: { known: false, reason } };
  }
  try {
    return { text: { known: true, value: text }, policy: { known: true, value: parseTrustPolicy(text) } };
  } catch (error) {
    return { text: { known: true, value: text }, policy: { known: false, reason: (error as Error).message } };
  }
}
