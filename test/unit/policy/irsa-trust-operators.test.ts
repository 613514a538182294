/**
 * The IRSA analysis against the operator classes of issue 12, at the analysis level: what each
 * grant admits, and the problems found. IAM documentation the comments cite:
 * [operators]  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * [sets]       https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * [evaluation] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { describe, expect, it } from 'vitest';
import { analyseIrsaTrust } from '../../../lambda/policy/irsa-trust';
import { parseTrustPolicy } from '../../../lambda/policy/trust-document';
import {
  analyse,
  aud,
  grantFor,
  ISSUER_A,
  ISSUER_B,
  irsaStatement,
  type Json,
  PROVIDER_A,
  PROVIDER_B,
  problemsFor,
  SERVICE_ACCOUNT,
  STS,
  sub,
  trustDocument,
  WEB_IDENTITY,
} from '../../support/irsa-documents';

const denyA = (condition: Json): Json => ({
  Effect: 'Deny',
  Principal: { Federated: PROVIDER_A },
  Action: WEB_IDENTITY,
  Condition: condition,
});
/** Condition blocks joined operator by operator, so that two blocks may share an operator. */
const joined = (...blocks: readonly Json[]): Json => {
  const out: Record<string, Json> = {};
  for (const block of blocks) {
    for (const [operator, keys] of Object.entries(block))
      out[operator] = { ...out[operator], ...(keys as Json) };
  }
  return out;
};
/** An Allow for issuer A that pins only the audience: every service account, until a Deny narrows it. */
const audienceOnly = irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } });
/** An Allow for issuer A with no condition at all: every token, whatever its audience. */
const unconditioned = irsaStatement({ Condition: undefined });

describe('Function: analyseIrsaTrust, operator classes', () => {
  describe('Deny statements with qualified negated operators [operators] [sets]', () => {
    it.each([
      'StringNotEqualsIfExists',
      'ForAllValues:StringNotEquals',
      'ForAllValues:StringNotEqualsIfExists',
      'ForAnyValue:StringNotEquals',
      'StringNotEqualsIgnoreCaseIfExists',
    ])(
      'narrows the grant to the named account with a Deny %s on :sub, as the plain form does',
      (operator) => {
        // IAM: on a present single-valued key each qualified form is the base operator [sets]; EKS tokens carry sub.
        const analysis = analyse(
          trustDocument(audienceOnly, denyA({ [operator]: { [sub()]: SERVICE_ACCOUNT } })),
        );

        expect(grantFor(analysis, ISSUER_A)).toMatchObject({
          exposure: 'exact',
          subjects: [SERVICE_ACCOUNT],
        });
        expect(analysis.problems).toEqual([]);
      },
    );

    it('narrows to one namespace with a Deny ForAllValues:StringNotLike on :sub', () => {
      const analysis = analyse(
        trustDocument(
          audienceOnly,
          denyA({ 'ForAllValues:StringNotLike': { [sub()]: 'system:serviceaccount:payments:*' } }),
        ),
      );

      expect(grantFor(analysis, ISSUER_A)?.exposure).toBe('namespace');
    });

    it('pins the audience with a Deny StringNotEqualsIfExists on :aud', () => {
      const document = trustDocument(
        irsaStatement({ Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT } } }),
        denyA({ StringNotEqualsIfExists: { [aud()]: STS } }),
      );

      expect(analyse(document).problems).toEqual([]);
    });

    it('shuts out the other issuer with a Deny ForAllValues:StringNotEquals on A’s claim, which holds when absent', () => {
      // IAM: ForAllValues is true when the key is absent [sets]; B's tokens carry no A:sub.
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: PROVIDER_B },
          Condition: { StringEquals: { [aud(ISSUER_B)]: STS } },
        }),
        {
          ...denyA({ 'ForAllValues:StringNotEquals': { [sub()]: SERVICE_ACCOUNT } }),
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
        },
      );

      expect(grantFor(analyse(document), ISSUER_B)?.ineffective).toContain('Deny statement 2');
    });

    it('does not shut out the other issuer with a Deny ForAnyValue:StringNotEquals on A’s claim, which fails when absent', () => {
      // IAM: ForAnyValue is false when the key is absent [sets], so the Deny never applies to B's tokens.
      const document = trustDocument(
        irsaStatement({
          Principal: { Federated: PROVIDER_B },
          Condition: { StringEquals: { [aud(ISSUER_B)]: STS } },
        }),
        {
          ...denyA({ 'ForAnyValue:StringNotEquals': { [sub()]: SERVICE_ACCOUNT } }),
          Principal: { Federated: [PROVIDER_A, PROVIDER_B] },
        },
      );

      const analysis = analyse(document);

      expect(grantFor(analysis, ISSUER_B)).toMatchObject({ exposure: 'any' });
      expect(problemsFor(analysis, ISSUER_B)).toContainEqual(
        expect.objectContaining({ severity: 'CRITICAL' }),
      );
    });

    it('leaves a Deny with an operator IAM does not know unjudged and the grant open', () => {
      const analysis = analyse(
        trustDocument(audienceOnly, denyA({ 'ForSomeValues:StringNotEquals': { [sub()]: SERVICE_ACCOUNT } })),
      );

      expect(grantFor(analysis, ISSUER_A)?.exposure).toBe('any');
      expect(analysis.unjudged).toEqual([expect.stringContaining('statement 2 cannot be judged')]);
    });
  });

  describe('Deny clauses whose other conditions always hold', () => {
    it.each<[string, Json, Json]>([
      ['StringLike :aud "*", which every token passes', audienceOnly, { StringLike: { [aud()]: '*' } }],
      ['Null :aud false, as every token carries aud', audienceOnly, { Null: { [aud()]: 'false' } }],
      ['Null :sub false, as every token carries sub', unconditioned, { Null: { [sub()]: 'false' } }],
      [
        'StringEquals :aud sts.amazonaws.com, the only audience the Allow admits',
        audienceOnly,
        { StringEquals: { [aud()]: STS } },
      ],
      [
        'StringEqualsIgnoreCase :aud in another case than the Allow pins',
        audienceOnly,
        { StringEqualsIgnoreCase: { [aud()]: STS.toUpperCase() } },
      ],
      [
        'StringLike :aud "sts.*", which the admitted audience matches',
        audienceOnly,
        { StringLike: { [aud()]: 'sts.*' } },
      ],
      [
        'a negated operator on another issuer’s claim, which holds on its absence',
        unconditioned,
        { StringNotEquals: { [sub(ISSUER_B)]: 'x' } },
      ],
      [
        'DateNotEquals on another issuer’s claim',
        unconditioned,
        { DateNotEquals: { [sub(ISSUER_B)]: '2020-01-01' } },
      ],
      [
        'NumericNotEqualsIfExists on another issuer’s claim',
        unconditioned,
        { NumericNotEqualsIfExists: { [aud(ISSUER_B)]: '1' } },
      ],
    ])('narrow the grant by StringNotEquals :sub ANDed with %s', (_, allow, always) => {
      // IAM: a Deny applies when all its conditions hold [evaluation]; with the other one always true,
      // it refuses every sub outside the list.
      const document = trustDocument(
        allow,
        denyA(joined({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT } }, always)),
      );

      expect(grantFor(analyse(document), ISSUER_A)).toMatchObject({
        exposure: 'exact',
        subjects: [SERVICE_ACCOUNT],
      });
    });

    it.each<[string, Json, Json]>([
      [
        'StringEquals :aud sts.amazonaws.com when the Allow admits any audience',
        unconditioned,
        { StringEquals: { [aud()]: STS } },
      ],
      [
        'StringLike :aud "sts.*" when the Allow admits any audience',
        unconditioned,
        { StringLike: { [aud()]: 'sts.*' } },
      ],
      ['a condition on a key the tokens may lack', audienceOnly, { Bool: { 'aws:SecureTransport': 'true' } }],
      [
        'a negated condition on :aud when the Allow admits any audience',
        unconditioned,
        { StringNotEquals: { [aud()]: 'other' } },
      ],
      [
        'a negated condition on :aud that the admitted audience fails',
        audienceOnly,
        { StringNotEquals: { [aud()]: STS } },
      ],
      [
        'StringEquals :aud in another case than the Allow pins, which is case-sensitive',
        audienceOnly,
        { StringEquals: { [aud()]: STS.toUpperCase() } },
      ],
    ])('do not narrow by StringNotEquals :sub ANDed with %s', (_, allow, other) => {
      // IAM: tokens for which the other condition fails escape the Deny whatever their sub [logic].
      const document = trustDocument(
        allow,
        denyA(joined({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT } }, other)),
      );

      expect(grantFor(analyse(document), ISSUER_A)?.exposure).toBe('any');
    });

    it('shuts the issuer out with a Deny whose every condition always holds for what the Allow admits', () => {
      const analysis = analyse(
        trustDocument(audienceOnly, denyA({ StringLike: { [aud()]: '*', [sub()]: '*' } })),
      );

      expect(grantFor(analysis, ISSUER_A)?.ineffective).toContain('Deny statement 2');
      expect(analysis.problems).toEqual([]);
    });

    it('uses one Deny’s narrowing to settle another’s condition', () => {
      // Statement 2 pins aud (as a narrowing); then statement 3's StringEquals on aud always holds.
      const document = trustDocument(
        unconditioned,
        denyA({ StringNotEquals: { [aud()]: STS } }),
        denyA({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT }, StringEquals: { [aud()]: STS } }),
      );

      const analysis = analyse(document);

      expect(grantFor(analysis, ISSUER_A)).toMatchObject({ exposure: 'exact' });
      expect(analysis.problems).toEqual([]);
    });
  });

  describe('the rest of the operator table', () => {
    it.each<[string, Json]>([
      ['Bool on another issuer’s claim', { Bool: { [sub(ISSUER_B)]: 'true' } }],
      ['NumericLessThan on another issuer’s claim', { NumericLessThan: { [aud(ISSUER_B)]: '5' } }],
      [
        'DateGreaterThan on another issuer’s claim',
        { DateGreaterThan: { [sub(ISSUER_B)]: '2020-01-01T00:00:00Z' } },
      ],
      ['BinaryEquals on another issuer’s claim', { BinaryEquals: { [sub(ISSUER_B)]: 'QQ==' } }],
      [
        'ForAnyValue:StringEqualsIfExists on another issuer’s claim',
        { 'ForAnyValue:StringEqualsIfExists': { [sub(ISSUER_B)]: '*' } },
      ],
      ['Null false on another issuer’s claim', { Null: { [sub(ISSUER_B)]: 'false' } }],
      [
        'two audiences that cannot both be the token’s',
        { StringEquals: { [aud()]: STS }, StringEqualsIgnoreCase: { [aud()]: 'other' } },
      ],
    ])('grants nothing when the Allow requires %s', (_, condition) => {
      // IAM: a positive operator (ForAnyValue too) fails on an absent key [operators] [sets]; a
      // single-valued key cannot equal two different values.
      const analysis = analyse(trustDocument(irsaStatement({ Condition: condition })));

      expect(grantFor(analysis, ISSUER_A)?.ineffective).toContain('can never hold');
      expect(analysis.problems).toEqual([]);
    });

    it.each<[string, Json]>([
      ['NumericNotEquals on another issuer’s claim', { NumericNotEquals: { [sub(ISSUER_B)]: '5' } }],
      ['BoolIfExists on another issuer’s claim', { BoolIfExists: { [sub(ISSUER_B)]: 'true' } }],
      [
        'ForAllValues:DateEquals on another issuer’s claim',
        { 'ForAllValues:DateEquals': { [sub(ISSUER_B)]: '2020-01-01' } },
      ],
      ['Null true on another issuer’s claim', { Null: { [sub(ISSUER_B)]: 'true' } }],
      ['Bool on a key the token may carry', { Bool: { 'aws:SecureTransport': 'true' } }],
    ])('keeps the grant open when the Allow requires only %s, which holds or may hold', (_, condition) => {
      const analysis = analyse(trustDocument(irsaStatement({ Condition: condition })));

      expect(grantFor(analysis, ISSUER_A)).toMatchObject({ exposure: 'any' });
      expect(grantFor(analysis, ISSUER_A)?.ineffective).toBeUndefined();
    });

    it('passes StringEqualsIgnoreCase on :sub and :aud as exact pins, Kubernetes names being lower case', () => {
      const analysis = analyse(
        trustDocument(
          irsaStatement({
            Condition: {
              StringEqualsIgnoreCase: {
                [sub()]: SERVICE_ACCOUNT.toUpperCase(),
                [aud()]: 'STS.amazonaws.com',
              },
            },
          }),
        ),
      );

      expect(grantFor(analysis, ISSUER_A)?.exposure).toBe('exact');
      expect(analysis.problems).toEqual([]);
    });

    it('narrows with a Deny StringNotEqualsIgnoreCase on :sub', () => {
      const analysis = analyse(
        trustDocument(audienceOnly, denyA({ StringNotEqualsIgnoreCase: { [sub()]: SERVICE_ACCOUNT } })),
      );

      expect(grantFor(analysis, ISSUER_A)?.exposure).toBe('exact');
    });

    it('does not narrow with a Deny ArnNotEquals on :sub, whose value is not an ARN', () => {
      // IAM documents ARN operators for ARN values only [operators]: no limit is assumed.
      const analysis = analyse(
        trustDocument(audienceOnly, denyA({ ArnNotEquals: { [sub()]: SERVICE_ACCOUNT } })),
      );

      expect(grantFor(analysis, ISSUER_A)?.exposure).toBe('any');
    });
  });

  describe('tokens that lack a claim', () => {
    it('judges a token that may lack aud when told the claims it carries', () => {
      // Prepare: without aud among the claims every token carries, Null :aud false no longer always holds.
      const document = trustDocument(
        unconditioned,
        denyA({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT }, Null: { [aud()]: 'false' } }),
      );
      const policy = parseTrustPolicy(document);

      // Act
      const withAud = analyseIrsaTrust(policy, [PROVIDER_A]);
      const mayLackAud = analyseIrsaTrust(policy, [PROVIDER_A], ['sub']);

      // Assess
      expect(grantFor(withAud, ISSUER_A)?.exposure).toBe('exact');
      expect(grantFor(mayLackAud, ISSUER_A)?.exposure).toBe('any');
    });
  });
});

describe('Function: analyseIrsaTrust, policy variables', () => {
  // IAM replaces a policy variable by a request value before comparing; `${<issuer>:sub}` is the
  // token's own subject, so the condition holds for every token.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  it.each(['StringLike', 'StringEquals'])(
    'fails CRITICAL when %s compares :sub with a policy variable',
    (operator) => {
      const document = trustDocument(
        irsaStatement({
          Condition: { [operator]: { [sub()]: `\${${sub()}}` }, StringEquals: { [aud()]: STS } },
        }),
      );

      expect(problemsFor(analyse(document), ISSUER_A)).toContainEqual(
        expect.objectContaining({ severity: 'CRITICAL' }),
      );
    },
  );

  it('does not narrow with a Deny whose negated :sub value is a policy variable', () => {
    const document = trustDocument(audienceOnly, denyA({ StringNotEquals: { [sub()]: `\${${sub()}}` } }));

    expect(problemsFor(analyse(document), ISSUER_A)).toContainEqual(
      expect.objectContaining({ severity: 'CRITICAL' }),
    );
  });
});
