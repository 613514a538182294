/**
 * Specification of the irsa-trust-policy check: which roles it judges, how, and where its results go, each case justified by an IAM evaluation rule.
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
import { outcomesOf } from '../../../lambda/model/result';
import {
  aContext as aFactoryContext,
  aRole as aFactoryRole,
  ACCOUNT as FACTORY_ACCOUNT,
} from '../../support/factories';
import {
  ACCOUNT,
  aContext,
  aud,
  CLUSTER_A,
  evaluate,
  HOME_REGION,
  ISSUER_A,
  irsaStatement,
  named,
  PROVIDER_A,
  SERVICE_ACCOUNT,
  STS,
  sub,
  subCondition,
  trustDocument,
  WEB_IDENTITY,
} from '../../support/irsa-documents';

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

const issuer = (region: string) => `oidc.eks.${region}.amazonaws.com/id/A1B2C3D4E5F60718293A4B5C6D7E8F90`;
const provider = (region: string) => `arn:aws:iam::${FACTORY_ACCOUNT}:oidc-provider/${issuer(region)}`;
const statement = (region: string, restricted: boolean) => ({
  Effect: 'Allow',
  Principal: { Federated: provider(region) },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: {
      [`${issuer(region)}:aud`]: 'sts.amazonaws.com',
      ...(restricted ? { [`${issuer(region)}:sub`]: 'system:serviceaccount:a:b' } : {}),
    },
  },
});

describe('Check: irsa-trust-policy, one result per issuer', () => {
  const twoIssuers = (usRestricted: boolean, euRestricted: boolean) =>
    aFactoryRole({
      Version: '2012-10-17',
      Statement: [statement('us-east-1', usRestricted), statement('eu-west-1', euRestricted)],
    });
  const context = aFactoryContext({ providers: [provider('us-east-1'), provider('eu-west-1')] });
  const outcomes = outcomesOf;

  it("judges each issuer on its own grants, in that issuer's region, naming the issuer", () => {
    const results = outcomes(irsaTrustPolicy.evaluate(twoIssuers(true, false), context));

    expect(results.map((o) => [o.oidcIssuer, o.region, o.status, o.severity])).toEqual([
      [issuer('eu-west-1').toLowerCase(), 'eu-west-1', 'FAILED', 'CRITICAL'],
      [issuer('us-east-1').toLowerCase(), 'us-east-1', 'PASSED', 'INFORMATIONAL'],
    ]);
    // The restricted issuer's detail says nothing of the other one's problem.
    expect(results[1]?.detail).not.toContain('eu-west-1');
  });

  it('lets a statement that cannot be judged weigh only on the issuer it names', () => {
    // IAM refuses NotPrincipal in a role trust policy; this one names only the eu-west-1 provider.
    const refused = {
      Effect: 'Allow',
      NotPrincipal: { Federated: provider('eu-west-1') },
      Action: 'sts:AssumeRoleWithWebIdentity',
    };
    const role = aFactoryRole({
      Version: '2012-10-17',
      Statement: [statement('us-east-1', true), statement('eu-west-1', true), refused],
    });

    expect(outcomes(irsaTrustPolicy.evaluate(role, context)).map((o) => [o.region, o.status])).toEqual([
      ['eu-west-1', 'NOT_AVAILABLE'],
      ['us-east-1', 'PASSED'],
    ]);
  });

  it('keeps each result in its place when a statement is fixed, so no finding moves', () => {
    const before = outcomes(irsaTrustPolicy.evaluate(twoIssuers(true, false), context));
    const fixed = outcomes(irsaTrustPolicy.evaluate(twoIssuers(true, true), context));

    expect(fixed.map((o) => [o.oidcIssuer, o.region, o.status])).toEqual([
      [issuer('eu-west-1').toLowerCase(), 'eu-west-1', 'PASSED'],
      [issuer('us-east-1').toLowerCase(), 'us-east-1', 'PASSED'],
    ]);
    expect(before.map((o) => [o.oidcIssuer, o.region])).toEqual(fixed.map((o) => [o.oidcIssuer, o.region]));
  });
});
