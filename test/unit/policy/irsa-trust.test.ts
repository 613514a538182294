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
import {
  analyse,
  aud,
  CLUSTER_A,
  CLUSTER_B,
  evaluate,
  evaluateAll,
  grantFor,
  ISSUER_A,
  ISSUER_B,
  irsaStatement,
  named,
  outcomeFor,
  PROVIDER_A,
  PROVIDER_B,
  problemsFor,
  SERVICE_ACCOUNT,
  STS,
  sub,
  subCondition,
  trustDocument,
  WEB_IDENTITY,
} from '../../support/irsa-documents';

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
      // One result per issuer: both pass, B's saying its statement grants it nothing.
      expect(evaluateAll(document).map((o) => [o.oidcIssuer, o.status])).toEqual([
        [named(ISSUER_A), 'PASSED'],
        [named(ISSUER_B), 'PASSED'],
      ]);
      expect(outcomeFor(document, ISSUER_B)?.detail).toContain('grants');
    });

    it('fails CRITICAL for the second provider when the conditions on the first use IfExists', () => {
      // IAM: ...IfExists is true when the key is absent [operators], so B's tokens pass unrestricted.
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
          Condition: { StringEqualsIfExists: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
        }),
      );

      // One result per issuer, each in its issuer's region: B's is open, A's is not.
      expect(outcomeFor(document, ISSUER_B)).toMatchObject({
        status: 'FAILED',
        severity: 'CRITICAL',
        region: 'us-west-2',
      });
      expect(outcomeFor(document, ISSUER_B)?.detail).toContain(
        `statement 1 (${named(ISSUER_B)}): any service account`,
      );
      expect(outcomeFor(document, ISSUER_A)).toMatchObject({ status: 'PASSED', region: 'eu-west-1' });
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

      // Each issuer's result is judged on its own statements; within one, the worst sets the status and
      // the detail names every problem.
      expect(outcomeFor(document, ISSUER_A)).toMatchObject({
        status: 'PASSED',
        region: 'eu-west-1',
        clusterArn: CLUSTER_A,
      });
      const outcome = outcomeFor(document, ISSUER_B);
      expect(outcome).toMatchObject({
        status: 'FAILED',
        severity: 'HIGH',
        region: 'us-west-2',
        clusterArn: CLUSTER_B,
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

      expect(outcomeFor(document, ISSUER_B)).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcomeFor(document, ISSUER_B)?.detail).not.toContain(`(${named(ISSUER_A)})`);
      expect(outcomeFor(document, ISSUER_A)).toMatchObject({ status: 'PASSED' });
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
      const outcomes = evaluateAll(trustDocument(irsaStatement({ Principal: '*' })));

      // The account's two providers are let in: A through its exact conditions, B through none it carries.
      expect(outcomes.map((o) => [o.oidcIssuer, o.status, o.severity])).toEqual([
        [named(ISSUER_A), 'FAILED', 'CRITICAL'],
        [named(ISSUER_B), 'PASSED', 'INFORMATIONAL'],
      ]);
      expect(outcomes[0]?.detail).toContain('Principal "*" trusts every identity provider');
    });

    it('fails CRITICAL for every provider of the account under {"AWS": "*"} without conditions', () => {
      // IAM: {"AWS": "*"} is equivalent to "*" [principal], and no condition narrows it.
      const outcomes = evaluateAll(
        trustDocument({ Effect: 'Allow', Principal: { AWS: '*' }, Action: WEB_IDENTITY }),
      );

      expect(outcomes.map((o) => [o.oidcIssuer, o.status, o.severity])).toEqual([
        [named(ISSUER_A), 'FAILED', 'CRITICAL'],
        [named(ISSUER_B), 'FAILED', 'CRITICAL'],
      ]);
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
