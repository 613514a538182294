/**
 * Parses an identity or permissions-boundary policy into statements with their actions, resources
 * and condition clauses. Like the trust parser it judges nothing, and keeps apart the statements
 * IAM itself would have refused to store.
 *
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

import type { Readout } from '../model/readout';
import {
  type ConditionClause,
  decodePolicyDocument,
  isObject,
  type MalformedStatement,
  PolicyParseError,
  parseConditions,
  parseStatements,
  stringList,
} from './trust-document';

export interface PermissionStatement {
  /** 1-based position in the document, for messages. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly conditions: readonly ConditionClause[];
}

export interface PermissionPolicy {
  readonly statements: readonly PermissionStatement[];
  readonly malformed: readonly MalformedStatement[];
}

const KIND = 'permission policy';

export function parsePermissionPolicy(text: string): PermissionPolicy {
  return parseStatements(text, KIND, parseStatement);
}

function parseStatement(entry: unknown, index: number): PermissionStatement {
  if (!isObject(entry)) throw new PolicyParseError('statement is not an object');
  const effect = entry.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyParseError(`Effect is ${JSON.stringify(effect) ?? 'missing'}, not "Allow" or "Deny"`);
  }
  // Identity policies name no principal: the principal is the identity they are attached to.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
  if (entry.Principal !== undefined || entry.NotPrincipal !== undefined) {
    throw new PolicyParseError('an identity policy statement cannot have a Principal or NotPrincipal');
  }
  if ((entry.Action === undefined) === (entry.NotAction === undefined)) {
    throw new PolicyParseError('a statement needs exactly one of Action and NotAction');
  }
  if ((entry.Resource === undefined) === (entry.NotResource === undefined)) {
    throw new PolicyParseError('a statement needs exactly one of Resource and NotResource');
  }
  const sid = typeof entry.Sid === 'string' ? entry.Sid : undefined;
  const list = (name: string) => (entry[name] === undefined ? undefined : stringList(entry[name], name));
  const actions = list('Action');
  const notActions = list('NotAction');
  const resources = list('Resource');
  const notResources = list('NotResource');
  return {
    index,
    ...(sid === undefined ? {} : { sid }),
    effect,
    ...(actions === undefined ? {} : { actions }),
    ...(notActions === undefined ? {} : { notActions }),
    ...(resources === undefined ? {} : { resources }),
    ...(notResources === undefined ? {} : { notResources }),
    conditions: entry.Condition === undefined ? [] : parseConditions(entry.Condition),
  };
}

/** A policy document as IAM returns it (URL-encoded) or as emulators do (raw JSON), parsed; never throws. */
export function readPermissionPolicy(document: string): Readout<PermissionPolicy> {
  try {
    return { known: true, value: parsePermissionPolicy(decodePolicyDocument(document, KIND)) };
  } catch (error) {
    return { known: false, reason: (error as Error).message };
  }
}
