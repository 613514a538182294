/**
 * Specification of the IRSA trust-policy analysis, each case justified by an IAM evaluation rule.
 *
 * IAM documentation the comments cite:
 * [operators]    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * [logic]        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 * [sets]         https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * [condition]    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
 * [principal]    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * [notprincipal] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 * [action]       https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * [notaction]    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 * [evaluation]   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * [grammar]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 * [role]         https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html (document URL-encoded, RFC 3986)
 * [irsa]         https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
import { describe, expect, it } from 'vitest';
import { irsaTrustPolicy } from '../../../lambda/checks/irsa-trust-policy';
import type { CheckContext } from '../../../lambda/checks/types';
import type { Outcome } from '../../../lambda/model/result';
import type { RoleSnapshot } from '../../../lambda/model/snapshot';
import { analyseIrsaTrust, type IrsaTrustAnalysis } from '../../../lambda/policy/irsa-trust';
import { decodePolicyDocument, parseTrustPolicy } from '../../../lambda/policy/trust-document';

type Json = Record<string, unknown>;

const ACCOUNT = '111122223333';
const HOME_REGION = 'us-east-1';
const ISSUER_A = 'oidc.eks.eu-west-1.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90';
const ISSUER_B = 'oidc.eks.us-west-2.amazonaws.com/id/0F1E2D3C4B5A69788796A5B4C3D2E1F0';
const PROVIDER_A = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_A}`;
const PROVIDER_B = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_B}`;
const CLUSTER_A = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/payments`;
const CLUSTER_B = `arn:aws:eks:us-west-2:${ACCOUNT}:cluster/batch`;
const STS = 'sts.amazonaws.com';
const SERVICE_ACCOUNT = 'system:serviceaccount:payments:api';
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/** Issuers appear in results as IAM compares them: in lower case. */
const named = (issuer: string) => issuer.toLowerCase();
const sub = (issuer = ISSUER_A) => `${issuer}:sub`;
const aud = (issuer = ISSUER_A) => `${issuer}:aud`;

/** An IRSA statement that pins `:sub` and `:aud` of issuer A: compliant unless told otherwise. */
function irsaStatement(overrides: Json = {}): Json {
  return {
    Effect: 'Allow',
    Principal: { Federated: PROVIDER_A },
    Action: WEB_IDENTITY,
    Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
    ...overrides,
  };
}

/** `operator` on `:sub`, with `:aud` pinned to sts.amazonaws.com by StringEquals. */
function subCondition(operator: string, values: string | readonly string[], issuer = ISSUER_A): Json {
  const audience = { [aud(issuer)]: STS };
  return operator === 'StringEquals'
    ? { StringEquals: { [sub(issuer)]: values, ...audience } }
    : { [operator]: { [sub(issuer)]: values }, StringEquals: audience };
}

function trustDocument(...statements: readonly Json[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function aRole(trustPolicy: string): RoleSnapshot {
  return {
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:role/payments-api`,
    name: 'payments-api',
    trustPolicy,
  };
}

interface ContextOptions {
  /** OIDC providers registered in the role's account. */
  readonly accountProviders?: readonly string[];
  /** OIDC providers registered in any scanned account. */
  readonly registered?: readonly string[];
  /** Cluster ARNs by lower-case issuer. */
  readonly clusters?: Readonly<Record<string, readonly string[]>>;
}

function aContext(options: ContextOptions = {}): CheckContext {
  const accountProviders = options.accountProviders ?? [PROVIDER_A, PROVIDER_B];
  const registered = options.registered ?? accountProviders;
  const clusters = options.clusters ?? { [named(ISSUER_A)]: [CLUSTER_A], [named(ISSUER_B)]: [CLUSTER_B] };
  return {
    now: new Date('2026-11-23T12:00:00Z'),
    config: {
      requiredLogTypes: ['api', 'audit', 'authenticator'],
      versionWarningDays: 90,
      allowedAdminPrincipals: [],
    },
    versions: () => undefined,
    keyState: () => undefined,
    homeRegion: () => HOME_REGION,
    isRegisteredProvider: (arn) => registered.some((p) => p.toLowerCase() === arn.toLowerCase()),
    clustersWithIssuer: (issuer) => clusters[issuer.toLowerCase()] ?? [],
    providersOf: () => accountProviders,
    network: () => undefined,
    podIdentityUse: () => ({ associations: [], unread: [] }),
  };
}

const evaluate = (document: string, context: CheckContext = aContext()): Outcome | undefined =>
  irsaTrustPolicy.evaluate(aRole(document), context);

const analyse = (
  document: string,
  accountProviders: readonly string[] = [PROVIDER_A, PROVIDER_B],
): IrsaTrustAnalysis => analyseIrsaTrust(parseTrustPolicy(decodePolicyDocument(document)), accountProviders);

const problemsFor = (analysis: IrsaTrustAnalysis, issuer: string) =>
  analysis.problems.filter((p) => p.issuer === named(issuer));

const grantFor = (analysis: IrsaTrustAnalysis, issuer: string) =>
  analysis.grants.find((g) => g.issuer === named(issuer));

describe('Function: analyseIrsaTrust', () => {
  describe(':sub restriction', () => {
    it('fails CRITICAL when no condition restricts :sub', () => {
      // IAM: without a condition on the key, the statement matches every token of the issuer [condition].
      const outcome = evaluate(
        trustDocument(irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } })),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
      expect(outcome?.detail).toContain(`no condition restricts ${named(ISSUER_A)}:sub`);
    });

    it.each([['*'], ['system:serviceaccount:*'], ['system:serviceaccount:*:*'], ['system:*']])(
      'fails CRITICAL when StringLike %s matches every service account',
      (pattern) => {
        // IAM: in StringLike `*` matches any run of characters, so the pattern admits every subject [operators].
        const outcome = evaluate(
          trustDocument(irsaStatement({ Condition: subCondition('StringLike', pattern) })),
        );

        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
        expect(outcome?.detail).toContain('any service account');
      },
    );

    it.each([['system:serviceaccount:*:api'], ['system:serviceaccount:team-*:api']])(
      'fails HIGH when StringLike %s spans namespaces',
      (pattern) => {
        // IAM: a wildcard in the namespace segment matches the name in every matching namespace [operators].
        const outcome = evaluate(
          trustDocument(irsaStatement({ Condition: subCondition('StringLike', pattern) })),
        );

        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
        expect(outcome?.detail).toContain(`'${pattern}' admits service accounts across namespaces`);
      },
    );

    it('fails MEDIUM when StringLike admits every service account of one namespace', () => {
      // IAM: a wildcard after a literal namespace and `:` matches any name in that namespace [operators].
      const pattern = 'system:serviceaccount:payments:*';
      const outcome = evaluate(
        trustDocument(irsaStatement({ Condition: subCondition('StringLike', pattern) })),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome?.detail).toContain(`'${pattern}'`);
    });

    it.each([['StringNotEquals'], ['StringNotLike'], ['ForAllValues:StringNotEquals']])(
      'fails CRITICAL when %s is the only :sub condition',
      (operator) => {
        // IAM: a negated operator matches every value it does not list, so it never pins named accounts [operators].
        const outcome = evaluate(
          trustDocument(
            irsaStatement({ Condition: subCondition(operator, 'system:serviceaccount:kube-system:*') }),
          ),
        );

        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
        expect(outcome?.detail).toContain('only negated conditions');
      },
    );

    it('judges a key by its widest value, as values of one key are ORed', () => {
      // IAM: values of one key are ORed, so one wildcard value opens the whole clause [logic].
      const values = [SERVICE_ACCOUNT, 'system:serviceaccount:*'];
      const outcome = evaluate(
        trustDocument(irsaStatement({ Condition: subCondition('StringLike', values) })),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
    });

    it('judges a statement by its narrowest :sub clause, as operators are ANDed', () => {
      // IAM: separate condition operators are ANDed, so the exact clause bounds the wildcard one [logic].
      const document = trustDocument(
        irsaStatement({
          Condition: {
            StringLike: { [sub()]: 'system:serviceaccount:*' },
            StringEquals: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS },
          },
        }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('keeps the positive clause as the bound when a negated clause on :sub sits beside it', () => {
      // IAM: operators are ANDed; StringNotEquals only removes accounts from the positive set [logic].
      const document = trustDocument(
        irsaStatement({
          Condition: {
            StringLike: { [sub()]: 'system:serviceaccount:payments:*' },
            StringNotEquals: { [sub()]: 'system:serviceaccount:payments:admin' },
            StringEquals: { [aud()]: STS },
          },
        }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it('fails CRITICAL when the only :sub condition is Null false, which checks presence only', () => {
      // IAM: Null "false" is true whenever the key is present, whatever its value [operators].
      const document = trustDocument(
        irsaStatement({ Condition: { Null: { [sub()]: 'false' }, StringEquals: { [aud()]: STS } } }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
    });
  });

  describe('condition keys and operator modifiers', () => {
    it('matches condition keys regardless of case', () => {
      // IAM: condition key names are not case-sensitive [condition].
      const document = trustDocument(
        irsaStatement({
          Condition: {
            StringLike: { [`${ISSUER_A.toLowerCase()}:SUB`]: 'system:serviceaccount:*' },
            StringEquals: { [`${ISSUER_A.toUpperCase()}:Aud`]: STS },
          },
        }),
      );

      const outcome = evaluate(document);

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
      expect(outcome?.detail).not.toContain(':aud');
    });

    it('passes a narrow condition whose key spells the issuer in another case than the principal', () => {
      // IAM: condition key names are not case-sensitive, so the key still names this issuer [condition].
      const lower = ISSUER_A.toLowerCase();
      const document = trustDocument(
        irsaStatement({
          Condition: { StringEquals: { [`${lower}:sub`]: SERVICE_ACCOUNT, [`${lower}:aud`]: STS } },
        }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('treats StringEqualsIfExists on :sub as StringEquals, since EKS tokens always carry sub', () => {
      // IAM: ...IfExists applies the base operator when the key is present [operators]; OIDC requires `sub`.
      const document = trustDocument(
        irsaStatement({ Condition: { StringEqualsIfExists: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } } }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('treats ForAnyValue:StringEquals on single-valued :sub and :aud as StringEquals', () => {
      // IAM: with one request value, ForAnyValue is true exactly when that value matches [sets].
      const document = trustDocument(
        irsaStatement({
          Condition: { 'ForAnyValue:StringEquals': { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
        }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('treats ForAllValues:StringLike on a present :sub as StringLike, not as vacuously true', () => {
      // IAM: ForAllValues is vacuous only when the key is absent; with one value it is the base operator [sets].
      const document = trustDocument(
        irsaStatement({
          Condition: subCondition('ForAllValues:StringLike', 'system:serviceaccount:payments:*'),
        }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it('grants nothing when Null true demands that :sub be absent', () => {
      // IAM: Null "true" holds only when the key is absent [operators]; every EKS token carries `sub`.
      const document = trustDocument(
        irsaStatement({ Condition: { Null: { [sub()]: 'true' }, StringEquals: { [aud()]: STS } } }),
      );

      const analysis = analyse(document);

      expect(analysis.problems).toEqual([]);
      expect(grantFor(analysis, ISSUER_A)?.ineffective).toContain('Null');
    });
  });

  describe('several providers and statements', () => {
    it('grants nothing to a second provider of the statement when positive conditions name only the first', () => {
      // IAM: a positive operator on a key absent from the request is false [operators]; B's tokens lack A's claims.
      const document = trustDocument(irsaStatement({ Principal: { Federated: [PROVIDER_A, PROVIDER_B] } }));

      const analysis = analyse(document);

      expect(analysis.problems).toEqual([]);
      expect(grantFor(analysis, ISSUER_B)?.ineffective).toBeDefined();
      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('fails CRITICAL for the second provider when the conditions on the first use IfExists', () => {
      // IAM: ...IfExists is true when the key is absent [operators], so B's tokens pass unrestricted.
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
          Condition: { StringEqualsIfExists: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
        }),
      );

      const outcome = evaluate(document);

      // The result stays in the first granted issuer's region (sorted), whichever grant is the worst.
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL', region: 'eu-west-1' });
      expect(outcome?.detail).toContain(`statement 1 (${named(ISSUER_B)}): any service account`);
      expect(outcome?.detail).not.toContain(`statement 1 (${named(ISSUER_A)}): any service account`);
    });

    it('fails CRITICAL for the second provider when the conditions on the first use ForAllValues', () => {
      // IAM: ForAllValues returns true when the key is not in the request [sets].
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
          Condition: { 'ForAllValues:StringEquals': { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
        }),
      );

      const analysis = analyse(document);

      expect(problemsFor(analysis, ISSUER_B)).toContainEqual(
        expect.objectContaining({ severity: 'CRITICAL' }),
      );
      expect(problemsFor(analysis, ISSUER_A)).toEqual([]);
    });

    it('grants nothing to either provider when one statement pins both providers’ claims', () => {
      // IAM: keys are ANDed [logic] and each token lacks the other issuer's keys, so no token satisfies all [operators].
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
          Condition: {
            StringEquals: {
              [sub()]: SERVICE_ACCOUNT,
              [aud()]: STS,
              [sub(ISSUER_B)]: '*',
              [aud(ISSUER_B)]: STS,
            },
          },
        }),
      );

      const analysis = analyse(document);

      expect(analysis.problems).toEqual([]);
      expect(analysis.grants).toHaveLength(2);
      expect(analysis.grants.every((g) => g.ineffective !== undefined)).toBe(true);
    });

    it('reports the worst statement and names every problem', () => {
      // IAM: a request is allowed when any Allow statement matches [evaluation], so the widest grant counts.
      const document = trustDocument(
        irsaStatement(),
        irsaStatement({
          Principal: { Federated: PROVIDER_B },
          Condition: { StringLike: { [sub(ISSUER_B)]: 'system:serviceaccount:*:batch' } },
        }),
      );

      const outcome = evaluate(document);

      // The worst statement sets status and severity; the place stays the first granted issuer's.
      expect(outcome).toMatchObject({
        status: 'FAILED',
        severity: 'HIGH',
        region: 'eu-west-1',
        clusterArn: CLUSTER_A,
      });
      expect(outcome?.detail).toContain('[HIGH] statement 2');
      expect(outcome?.detail).toContain(`[LOW] statement 2 (${named(ISSUER_B)}): no condition pins`);
    });

    it('judges providers in separate statements separately', () => {
      // IAM: each statement is evaluated on its own; any matching Allow allows [evaluation].
      const document = trustDocument(
        irsaStatement(),
        irsaStatement({
          Principal: { Federated: PROVIDER_B },
          Condition: subCondition('StringLike', 'system:serviceaccount:batch:*', ISSUER_B),
        }),
      );

      const outcome = evaluate(document);

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome?.detail).toContain(named(ISSUER_B));
      expect(outcome?.detail).not.toContain(`(${named(ISSUER_A)})`);
    });

    it('grants nothing to a provider whose tokens fail ForAnyValue on another issuer’s absent claim', () => {
      // IAM: ForAnyValue returns false when the key is absent or empty, even with a negated operator [sets];
      // B's tokens carry no A:sub, so this statement can never match them.
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: PROVIDER_B },
          Condition: {
            'ForAnyValue:StringNotEquals': { [sub(ISSUER_A)]: 'system:serviceaccount:kube-system:admin' },
          },
        }),
      );

      const analysis = analyse(document);

      expect(analysis.problems).toEqual([]);
      expect(grantFor(analysis, ISSUER_B)?.ineffective).toBeDefined();
    });
  });

  describe('wildcard principals', () => {
    it('fails CRITICAL for Principal "*" even with exact conditions', () => {
      // IAM: "*" in Principal means every principal, federated ones included [principal].
      const outcome = evaluate(trustDocument(irsaStatement({ Principal: '*' })));

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
      expect(outcome?.detail).toContain('Principal "*" trusts every identity provider');
    });

    it('fails CRITICAL for every provider of the account under {"AWS": "*"} without conditions', () => {
      // IAM: {"AWS": "*"} is equivalent to "*" [principal], and no condition narrows it.
      const outcome = evaluate(
        trustDocument({ Effect: 'Allow', Principal: { AWS: '*' }, Action: WEB_IDENTITY }),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
      expect(outcome?.detail).toContain(named(ISSUER_A));
      expect(outcome?.detail).toContain(named(ISSUER_B));
    });

    it('lets in every provider of the account whose tokens pass IfExists conditions on another issuer', () => {
      // Prepare: Principal "*" with IfExists clauses on A only; the account registers A and B.
      const document = trustDocument(
        irsaStatement({
          Principal: '*',
          Condition: { StringEqualsIfExists: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
        }),
      );

      // Act
      const analysis = analyse(document, [PROVIDER_A, PROVIDER_B]);

      // Assess: IAM: ...IfExists is true when the key is absent [operators], so B's tokens match unrestricted.
      expect(problemsFor(analysis, ISSUER_B)).toContainEqual(
        expect.objectContaining({
          severity: 'CRITICAL',
          message: expect.stringContaining('any service account'),
        }),
      );
    });
  });

  describe('Deny statements', () => {
    it('lets a Deny without condition shut the provider out', () => {
      // IAM: an explicit Deny overrides any Allow [evaluation].
      const document = trustDocument(irsaStatement({ Condition: undefined }), {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER_A },
        Action: WEB_IDENTITY,
      });

      const analysis = analyse(document);

      expect(analysis.problems).toEqual([]);
      expect(grantFor(analysis, ISSUER_A)?.ineffective).toContain('Deny statement 2');
    });

    it('keeps judging a provider that a Deny without condition does not name', () => {
      // IAM: a Deny applies only to the principals its Principal element matches [principal].
      const document = trustDocument(
        irsaStatement({ Condition: subCondition('StringLike', 'system:serviceaccount:payments:*') }),
        { Effect: 'Deny', Principal: { Federated: PROVIDER_B }, Action: WEB_IDENTITY },
      );

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it('narrows an unrestricted Allow with a Deny on StringNotEquals :sub', () => {
      // IAM: an explicit Deny wins [evaluation]; denying sub ∉ {x} leaves only x allowed [operators].
      const document = trustDocument(irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } }), {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER_A },
        Action: WEB_IDENTITY,
        Condition: { StringNotEquals: { [sub()]: SERVICE_ACCOUNT } },
      });

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('narrows an unrestricted Allow to one namespace with a Deny on StringNotLike :sub', () => {
      // IAM: an explicit Deny wins [evaluation]; StringNotLike denies every subject outside the pattern [operators].
      const document = trustDocument(irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } }), {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER_A },
        Action: WEB_IDENTITY,
        Condition: { StringNotLike: { [sub()]: 'system:serviceaccount:payments:*' } },
      });

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it('counts a Deny on StringNotEquals :aud as pinning the audience', () => {
      // IAM: an explicit Deny wins [evaluation]; tokens for any other audience are refused.
      const document = trustDocument(
        irsaStatement({ Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT } } }),
        {
          Effect: 'Deny',
          Principal: '*',
          Action: WEB_IDENTITY,
          Condition: { StringNotEquals: { [aud()]: STS } },
        },
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('does not narrow with a Deny that covers only sts:AssumeRole', () => {
      // IAM: a Deny applies only to the actions its Action element matches [action].
      const document = trustDocument(irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } }), {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER_A },
        Action: 'sts:AssumeRole',
        Condition: { StringNotEquals: { [sub()]: SERVICE_ACCOUNT } },
      });

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
    });

    it('does not narrow with a Deny whose negated :sub clause is ANDed with another clause', () => {
      // IAM: keys are ANDed [logic]; tokens with the listed aud escape this Deny whatever their sub.
      const document = trustDocument(irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } }), {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER_A },
        Action: WEB_IDENTITY,
        Condition: { StringNotEquals: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
      });

      expect(evaluate(document)).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
    });

    it('shuts a provider out with a Deny whose only condition is negated on another issuer’s claim', () => {
      // IAM: a negated operator is true when the key is absent [operators]; A:sub is absent from B's tokens,
      // so this Deny refuses every token of B, exactly as a Deny without condition would [evaluation].
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: PROVIDER_B },
          Condition: { StringEquals: { [aud(ISSUER_B)]: STS } },
        }),
        {
          Effect: 'Deny',
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
          Action: WEB_IDENTITY,
          Condition: { StringNotEquals: { [sub(ISSUER_A)]: SERVICE_ACCOUNT } },
        },
      );

      const analysis = analyse(document);

      expect(analysis.problems).toEqual([]);
      expect(grantFor(analysis, ISSUER_B)?.ineffective).toContain('Deny statement 2');
    });
  });

  describe('NotPrincipal', () => {
    it('passes no verdict on an Allow with NotPrincipal, which IAM refuses in a role trust policy', () => {
      // IAM: "NotPrincipal must be used with Effect Deny" and cannot be used "in an IAM role trust policy"
      // [notprincipal]: IAM would not store this statement, so no verdict may rest on it.
      const document = trustDocument(
        irsaStatement({ Principal: undefined, NotPrincipal: { Federated: PROVIDER_B } }),
      );

      const outcome = evaluate(document);

      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome?.detail).toContain('NotPrincipal');
    });
  });
});

describe('Check: irsa-trust-policy', () => {
  describe('which roles it applies to', () => {
    it('gives no result for a role only an AWS service may assume', () => {
      // IAM: a Service principal is not a web identity federation principal [principal].
      const document = trustDocument({
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });

      expect(evaluate(document)).toBeUndefined();
    });

    it('gives no result for a role trusted by an OIDC provider that is not an EKS issuer', () => {
      // The spec covers EKS issuers only: oidc.eks.<region>.amazonaws.com/id/<ID> [irsa].
      const github = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
      const document = trustDocument({
        Effect: 'Allow',
        Principal: { Federated: github },
        Action: WEB_IDENTITY,
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/*' } },
      });

      expect(evaluate(document)).toBeUndefined();
    });

    it('gives no result when the EKS provider is named but web identity is not an allowed action', () => {
      // IAM: a statement applies only to the actions its Action element matches [action].
      expect(evaluate(trustDocument(irsaStatement({ Action: 'sts:AssumeRole' })))).toBeUndefined();
    });

    it('gives no result when NotAction excludes web identity', () => {
      // IAM: NotAction matches every action except those listed [notaction].
      const document = trustDocument(irsaStatement({ Action: undefined, NotAction: 'sts:AssumeRoleWith*' }));

      expect(evaluate(document)).toBeUndefined();
    });

    it.each([['sts:*'], ['*'], ['STS:assumerolewithwebidentity']])(
      'applies when Action %s matches web identity',
      (action) => {
        // IAM: action names are case-insensitive and `*` is a wildcard in Action [action].
        expect(evaluate(trustDocument(irsaStatement({ Action: action })))).toMatchObject({
          status: 'PASSED',
        });
      },
    );

    it('applies through a NotAction that leaves web identity allowed', () => {
      // IAM: an Allow with NotAction allows every action it does not list [notaction].
      const document = trustDocument(irsaStatement({ Action: undefined, NotAction: 'sts:AssumeRole' }));

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });
  });

  describe('compliant trust', () => {
    it('passes a statement pinning :sub to one service account and :aud to sts.amazonaws.com', () => {
      // EKS documents this shape as the least-privilege IRSA trust policy [irsa].
      const outcome = evaluate(trustDocument(irsaStatement()));

      expect(outcome).toMatchObject({
        status: 'PASSED',
        severity: 'INFORMATIONAL',
        region: 'eu-west-1',
        clusterArn: CLUSTER_A,
      });
      expect(outcome?.detail).toContain(SERVICE_ACCOUNT);
      expect(outcome?.detail).toContain(named(ISSUER_A));
    });

    it('accepts Statement as one object and Principal and Action as lists', () => {
      // IAM grammar: Statement is one statement or a list; principal and action values a string or a list [grammar].
      const document = JSON.stringify({
        Version: '2012-10-17',
        Statement: irsaStatement({ Principal: { Federated: [PROVIDER_A] }, Action: [WEB_IDENTITY] }),
      });

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('passes several exact service accounts, as values of one key are ORed', () => {
      // IAM: several values for one key are ORed; each is exact [logic].
      const worker = 'system:serviceaccount:payments:worker';
      const outcome = evaluate(
        trustDocument(irsaStatement({ Condition: subCondition('StringEquals', [SERVICE_ACCOUNT, worker]) })),
      );

      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome?.detail).toContain(worker);
    });

    it('treats StringLike without wildcard characters as an exact match', () => {
      // IAM: StringLike wildcards are `*` and `?`; without them the value matches only itself [operators].
      const document = trustDocument(
        irsaStatement({ Condition: subCondition('StringLike', SERVICE_ACCOUNT) }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('treats `*` under StringEquals as a literal, not a wildcard', () => {
      // IAM: StringEquals is an exact, case-sensitive match; only StringLike expands wildcards [operators].
      const document = trustDocument(irsaStatement({ Condition: subCondition('StringEquals', '*') }));

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });

    it('accepts sts.amazonaws.com in another case under StringEqualsIgnoreCase', () => {
      // IAM: StringEqualsIgnoreCase is an exact match ignoring case [operators].
      const document = trustDocument(
        irsaStatement({
          Condition: {
            StringEquals: { [sub()]: SERVICE_ACCOUNT },
            StringEqualsIgnoreCase: { [aud()]: 'STS.amazonaws.com' },
          },
        }),
      );

      expect(evaluate(document)).toMatchObject({ status: 'PASSED' });
    });
  });

  describe(':aud restriction', () => {
    it('fails LOW when :sub is exact but no condition pins :aud', () => {
      // IAM: without a condition on :aud any audience the provider issues is accepted [condition], [irsa].
      const outcome = evaluate(
        trustDocument(irsaStatement({ Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT } } })),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome?.detail).toContain(`no condition pins ${named(ISSUER_A)}:aud to ${STS}`);
    });

    it('fails LOW and names the extra audience when :aud admits another value', () => {
      // IAM: values of one key are ORed, so a second audience is accepted too [logic].
      const outcome = evaluate(
        trustDocument(
          irsaStatement({
            Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT, [aud()]: [STS, 'my-app'] } },
          }),
        ),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome?.detail).toContain("'my-app'");
    });

    it('fails LOW when :aud is only excluded by a negated operator', () => {
      // IAM: StringNotEquals matches every audience it does not list [operators].
      const outcome = evaluate(
        trustDocument(
          irsaStatement({
            Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT }, StringNotEquals: { [aud()]: 'evil' } },
          }),
        ),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    });
  });

  describe('dangling providers', () => {
    it('fails LOW when the provider is registered nowhere and no scanned cluster issues its tokens', () => {
      // Whoever later owns that issuer ID inherits the trust; EKS asks to remove providers of deleted clusters [irsa].
      const outcome = evaluate(trustDocument(irsaStatement()), aContext({ registered: [], clusters: {} }));

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome?.detail).toContain('dangling');
      expect(outcome?.detail).toContain(PROVIDER_A);
    });

    it('does not call a provider dangling when a scanned cluster issues its tokens', () => {
      const outcome = evaluate(trustDocument(irsaStatement()), aContext({ registered: [] }));

      expect(outcome).toMatchObject({ status: 'PASSED' });
    });

    it('does not call a registered provider dangling when no scanned cluster issues its tokens', () => {
      const outcome = evaluate(trustDocument(irsaStatement()), aContext({ clusters: {} }));

      expect(outcome).toMatchObject({ status: 'PASSED', region: 'eu-west-1' });
      expect(outcome?.clusterArn).toBeUndefined();
    });
  });

  describe('partitions', () => {
    it('recognises an aws-cn provider and reports in its region', () => {
      // IRSA works alike in every partition; the China issuer host ends in amazonaws.com.cn [irsa].
      const issuer = 'oidc.eks.cn-north-1.amazonaws.com.cn/id/5C0E1A2B3C4D5E6F708192A3B4C5D6E7';
      const provider = `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/${issuer}`;
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: provider },
          Condition: subCondition('StringEquals', SERVICE_ACCOUNT, issuer),
        }),
      );

      const outcome = evaluate(document, aContext({ accountProviders: [provider], clusters: {} }));

      expect(outcome).toMatchObject({ status: 'PASSED', region: 'cn-north-1' });
    });

    it('recognises an aws-us-gov provider and judges its conditions', () => {
      const issuer = 'oidc.eks.us-gov-west-1.amazonaws.com/id/9D8C7B6A5F4E3D2C1B0A99887766554F';
      const provider = `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/${issuer}`;
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: provider },
          Condition: subCondition('StringLike', 'system:*', issuer),
        }),
      );

      const outcome = evaluate(document, aContext({ accountProviders: [provider], clusters: {} }));

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL', region: 'us-gov-west-1' });
    });
  });

  describe('documents as IAM returns them', () => {
    it('judges a URL-encoded document exactly like the raw one', () => {
      // IAM returns AssumeRolePolicyDocument URL-encoded (RFC 3986) [role]; emulators return it raw.
      const raw = trustDocument(
        irsaStatement({ Condition: subCondition('StringLike', 'system:serviceaccount:*:api') }),
      );

      const encoded = evaluate(encodeURIComponent(raw));

      expect(encoded).toEqual(evaluate(raw));
      expect(encoded).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    });

    it('reports NOT_AVAILABLE in the issuer’s region for a document that is not JSON', () => {
      // A check that cannot read its input never passes (fail closed).
      const outcome = evaluate(`{"Statement": [{"Principal": {"Federated": "${PROVIDER_A}"}`);

      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', region: 'eu-west-1' });
      expect(outcome?.detail).toContain('not valid JSON');
    });

    it('reports NOT_AVAILABLE in the home region for a document without Statement', () => {
      // IAM grammar: Statement is required [grammar].
      const outcome = evaluate(JSON.stringify({ Version: '2012-10-17' }));

      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', region: HOME_REGION });
    });

    it('reports NOT_AVAILABLE for an EKS statement with an operator IAM does not know', () => {
      // IAM refuses unknown condition operators [grammar], so no verdict may rest on the statement.
      const outcome = evaluate(
        trustDocument(irsaStatement({ Condition: subCondition('StringEqualz', SERVICE_ACCOUNT) })),
      );

      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome?.detail).toContain('statement 1 cannot be judged');
    });

    it('still fails on a judged statement and notes the one that cannot be judged', () => {
      // IAM: any matching Allow allows [evaluation]; a judged CRITICAL grant stands whatever the other says.
      const outcome = evaluate(
        trustDocument(
          irsaStatement({ Effect: 'Permit' }),
          irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } }),
        ),
      );

      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'CRITICAL' });
      expect(outcome?.detail).toContain('statement 1 cannot be judged');
    });

    it('ignores a malformed statement that is not about EKS web identity', () => {
      const outcome = evaluate(
        trustDocument({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } }, irsaStatement()),
      );

      expect(outcome).toMatchObject({ status: 'PASSED' });
    });
  });
});
