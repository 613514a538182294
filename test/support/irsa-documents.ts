/** IRSA trust documents and contexts for the trust analysis and the check: compliant unless told otherwise. */
import { irsaTrustPolicy } from '../../lambda/checks/irsa-trust-policy';
import type { CheckContext } from '../../lambda/checks/types';
import { type Outcome, outcomesOf } from '../../lambda/model/result';
import type { RoleSnapshot } from '../../lambda/model/snapshot';
import { analyseIrsaTrust, type IrsaTrustAnalysis } from '../../lambda/policy/irsa-trust';
import { decodePolicyDocument, parseTrustPolicy } from '../../lambda/policy/trust-document';
import { aRole as aRoleSnapshot, aContext as aScanContext } from './factories';

export type Json = Record<string, unknown>;

export const ACCOUNT = '111122223333';
export const HOME_REGION = 'us-east-1';
export const ISSUER_A = 'oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90';
export const ISSUER_B = 'oidc.eks.us-west-2.amazonaws.com/id/0F1E2D3C4B5A69788796A5B4C3D2E1F0';
export const PROVIDER_A = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_A}`;
export const PROVIDER_B = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_B}`;
export const CLUSTER_A = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/payments`;
export const CLUSTER_B = `arn:aws:eks:us-west-2:${ACCOUNT}:cluster/batch`;
export const STS = 'sts.amazonaws.com';
export const SERVICE_ACCOUNT = 'system:serviceaccount:payments:api';
export const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/** Issuers appear in results as IAM compares them: in lower case. */
export const named = (issuer: string) => issuer.toLowerCase();
export const sub = (issuer = ISSUER_A) => `${issuer}:sub`;
export const aud = (issuer = ISSUER_A) => `${issuer}:aud`;

/** An IRSA statement that pins `:sub` and `:aud` of issuer A: compliant unless told otherwise. */
export function irsaStatement(overrides: Json = {}): Json {
  return {
    Effect: 'Allow',
    Principal: { Federated: PROVIDER_A },
    Action: WEB_IDENTITY,
    Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
    ...overrides,
  };
}

/** `operator` on `:sub`, with `:aud` pinned to sts.amazonaws.com by StringEquals. */
export function subCondition(operator: string, values: string | readonly string[], issuer = ISSUER_A): Json {
  const audience = { [aud(issuer)]: STS };
  return operator === 'StringEquals'
    ? { StringEquals: { [sub(issuer)]: values, ...audience } }
    : { [operator]: { [sub(issuer)]: values }, StringEquals: audience };
}

export function trustDocument(...statements: readonly Json[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const aRole = (trustPolicy: string): RoleSnapshot =>
  aRoleSnapshot(trustPolicy, 'payments-api', ACCOUNT);

export interface ContextOptions {
  /** OIDC providers registered in the role's account. */
  readonly accountProviders?: readonly string[];
  /** OIDC providers registered in any scanned account; a subset of the account's here. */
  readonly registered?: readonly string[];
  /** Cluster ARNs by lower-case issuer. */
  readonly clusters?: Readonly<Record<string, readonly string[]>>;
}

/** A context built from snapshots: the role's account registers its providers, and scanned clusters issue tokens. */
export function aContext(options: ContextOptions = {}): CheckContext {
  const accountProviders = options.accountProviders ?? [PROVIDER_A, PROVIDER_B];
  const registered = options.registered ?? accountProviders;
  return aScanContext({
    providers: accountProviders.filter((p) => registered.includes(p)),
    clusterIssuers: options.clusters ?? { [named(ISSUER_A)]: [CLUSTER_A], [named(ISSUER_B)]: [CLUSTER_B] },
    versions: undefined,
    keys: {},
    network: undefined,
    homeRegion: HOME_REGION,
  });
}

/** Every result of the check on a document: one per OIDC issuer the role trusts, sorted by issuer. */
export function evaluateAll(document: string, context: CheckContext = aContext()): readonly Outcome[] {
  return outcomesOf(irsaTrustPolicy.evaluate(aRole(document), context));
}

/** The check's one result on a document that trusts one issuer (none when the rule does not apply). */
export function evaluate(document: string, context: CheckContext = aContext()): Outcome | undefined {
  const outcomes = evaluateAll(document, context);
  if (outcomes.length > 1)
    throw new Error(`the role trusts ${outcomes.length} issuers: use evaluateAll or outcomeFor`);
  return outcomes[0];
}

/** The check's result for one issuer of the role. */
export function outcomeFor(
  document: string,
  issuer: string,
  context: CheckContext = aContext(),
): Outcome | undefined {
  return evaluateAll(document, context).find((o) => o.oidcIssuer === issuer.toLowerCase());
}

export const analyse = (
  document: string,
  accountProviders: readonly string[] = [PROVIDER_A, PROVIDER_B],
): IrsaTrustAnalysis => analyseIrsaTrust(parseTrustPolicy(decodePolicyDocument(document)), accountProviders);

export const problemsFor = (analysis: IrsaTrustAnalysis, issuer: string) =>
  analysis.problems.filter((p) => p.issuer === named(issuer));

export const grantFor = (analysis: IrsaTrustAnalysis, issuer: string) =>
  analysis.grants.find((g) => g.issuer === named(issuer));
