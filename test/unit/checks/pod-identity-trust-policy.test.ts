import { describe, expect, it } from 'vitest';
import { podIdentityTrustPolicy } from '../../../lambda/checks/pod-identity-trust-policy';
import type { PodIdentityUse } from '../../../lambda/checks/types';
import { analysePodIdentityTrust } from '../../../lambda/policy/pod-identity-trust';
import { parseTrustPolicy } from '../../../lambda/policy/trust-document';
import { ACCOUNT, aContext, aRole, REGION } from '../../support/factories';

type Json = Record<string, unknown>;

const SERVICE = 'pods.eks.amazonaws.com';
const CLUSTER_ARN = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`;
const TAGS = {
  'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
  'aws:RequestTag/kubernetes-namespace': 'payments',
  'aws:RequestTag/kubernetes-service-account': 'api',
};

const allow = (condition?: Json, principal: Json = { Service: SERVICE }): Json => ({
  Effect: 'Allow',
  Principal: principal,
  Action: ['sts:AssumeRole', 'sts:TagSession'],
  ...(condition === undefined ? {} : { Condition: condition }),
});

const document = (...statements: Json[]) => ({ Version: '2012-10-17', Statement: statements });

const evaluate = (trustPolicy: unknown, podIdentity?: PodIdentityUse) =>
  podIdentityTrustPolicy.evaluate(aRole(trustPolicy), aContext(podIdentity ? { podIdentity } : {}));

const analyse = (trustPolicy: Json) => analysePodIdentityTrust(parseTrustPolicy(JSON.stringify(trustPolicy)));

describe('Check: pod-identity-trust-policy', () => {
  describe('which roles it applies to', () => {
    it.each<[string, Json]>([
      ['a role trusting another service', document(allow(undefined, { Service: 'ec2.amazonaws.com' }))],
      ['a role trusting an AWS account', document(allow(undefined, { AWS: `arn:aws:iam::${ACCOUNT}:root` }))],
      [
        'Pod Identity allowed only sts:TagSession',
        document({ Effect: 'Allow', Principal: { Service: SERVICE }, Action: 'sts:TagSession' }),
      ],
      [
        'Pod Identity named only in a Deny',
        document(allow(undefined, { Service: 'ec2.amazonaws.com' }), { ...allow(), Effect: 'Deny' }),
      ],
    ])('does not apply to %s', (_, policy) => {
      expect(evaluate(policy)).toBeUndefined();
      expect(analyse(policy).applies).toBe(false);
    });

    it('applies to a statement granting sts:* or a NotAction that leaves sts:AssumeRole', () => {
      expect(evaluate(document({ ...allow(), Action: 'sts:*' }))).toMatchObject({ status: 'FAILED' });
      const { Action: _, ...withoutAction } = allow();
      expect(evaluate(document({ ...withoutAction, NotAction: 'iam:*' }))).toMatchObject({
        status: 'FAILED',
      });
    });

    it('matches the service principal in any case, among other principals', () => {
      const policy = document(allow(undefined, { Service: ['ec2.amazonaws.com', 'PODS.EKS.AMAZONAWS.COM'] }));
      expect(evaluate(policy)).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });
  });

  it('fails MEDIUM when the Pod Identity statement has no condition, saying what is not limited', () => {
    const outcome = evaluate(document(allow()));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome?.detail).toContain('Any Pod Identity association in the account can use this role');
    expect(outcome?.detail).toContain(
      `statement 1 trusts ${SERVICE} without limiting aws:SourceAccount and aws:SourceArn`,
    );
    expect(outcome?.detail).toContain(
      'nor the request tags eks-cluster-arn or eks-cluster-name, kubernetes-namespace, kubernetes-service-account',
    );
  });

  describe('limits that pass', () => {
    it.each<[string, Json, string]>([
      [
        'the cluster ARN, namespace and service account request tags',
        { StringEquals: TAGS },
        'the eks-cluster, kubernetes-namespace and kubernetes-service-account request tags',
      ],
      [
        'the cluster name tag instead of the cluster ARN',
        {
          StringEquals: {
            'aws:RequestTag/eks-cluster-name': 'prod',
            'aws:RequestTag/kubernetes-namespace': 'payments',
            'aws:RequestTag/kubernetes-service-account': 'api',
          },
        },
        'request tags',
      ],
      [
        'aws:SourceAccount and aws:SourceArn',
        { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnEquals: { 'aws:SourceArn': CLUSTER_ARN } },
        'aws:SourceAccount and aws:SourceArn',
      ],
      [
        'a StringLike cluster ARN that names clusters',
        {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          StringLike: { 'aws:SourceArn': `arn:aws:eks:*:${ACCOUNT}:cluster/prod-*` },
        },
        'aws:SourceAccount and aws:SourceArn',
      ],
      [
        'condition keys written in another case',
        {
          StringEquals: {
            'AWS:RequestTag/EKS-Cluster-Arn': CLUSTER_ARN,
            'AWS:RequestTag/Kubernetes-Namespace': 'payments',
            'aws:requesttag/kubernetes-service-account': 'api',
          },
        },
        'request tags',
      ],
      [
        'StringEqualsIgnoreCase and a ForAnyValue qualifier',
        {
          StringEqualsIgnoreCase: { 'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN },
          'ForAnyValue:StringEquals': {
            'aws:RequestTag/kubernetes-namespace': 'payments',
            'aws:RequestTag/kubernetes-service-account': 'api',
          },
        },
        'request tags',
      ],
    ])('passes a statement limited by %s', (_, condition, limitedBy) => {
      const outcome = evaluate(document(allow(condition)));
      expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
      expect(outcome?.detail).toContain('Statement 1 is limited by');
      expect(outcome?.detail).toContain(limitedBy);
    });
  });

  describe('limits that do not hold', () => {
    it.each<[string, Json]>([
      [
        'only the namespace and service account tags',
        {
          StringEquals: {
            'aws:RequestTag/kubernetes-namespace': 'payments',
            'aws:RequestTag/kubernetes-service-account': 'api',
          },
        },
      ],
      ['only aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }],
      ['only aws:SourceArn', { ArnEquals: { 'aws:SourceArn': CLUSTER_ARN } }],
      [
        'a StringLike SourceArn that matches every cluster of the account',
        {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          StringLike: { 'aws:SourceArn': `arn:aws:eks:*:${ACCOUNT}:cluster/*` },
        },
      ],
      [
        'an ArnLike SourceArn that names no cluster',
        {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:eks:*:${ACCOUNT}:*` },
        },
      ],
      [
        'a StringLike tag value of *',
        {
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
            'aws:RequestTag/kubernetes-namespace': 'payments',
          },
          StringLike: { 'aws:RequestTag/kubernetes-service-account': '*' },
        },
      ],
      [
        'a StringLike cluster ARN tag matching every cluster',
        {
          StringLike: { 'aws:RequestTag/eks-cluster-arn': `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/*` },
          StringEquals: {
            'aws:RequestTag/kubernetes-namespace': 'payments',
            'aws:RequestTag/kubernetes-service-account': 'api',
          },
        },
      ],
      [
        'an ...IfExists operator, which passes when the key is absent',
        {
          StringEqualsIfExists: TAGS,
        },
      ],
      [
        'a ForAllValues qualifier, which passes when the key is absent',
        { 'ForAllValues:StringEquals': TAGS },
      ],
      ['a negated operator in the Allow', { StringNotEquals: TAGS }],
      ['a condition on an unrelated key', { StringEquals: { 'aws:PrincipalTag/team': 'payments' } }],
    ])('fails MEDIUM on %s', (_, condition) => {
      const outcome = evaluate(document(allow(condition)));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome?.detail).toContain('statement 1 trusts');
    });

    it('names only the keys that are not limited', () => {
      const outcome = evaluate(
        document(
          allow({
            StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:RequestTag/kubernetes-namespace': 'payments' },
          }),
        ),
      );
      expect(outcome?.detail).toContain(
        'without limiting aws:SourceArn, nor the request tags eks-cluster-arn or eks-cluster-name, kubernetes-service-account',
      );
    });

    it('fails when one of two Allow statements is limited and the other is not, naming the open one', () => {
      const outcome = evaluate(document(allow({ StringEquals: TAGS }), allow()));
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome?.detail).toContain('statement 2 trusts');
      expect(outcome?.detail).not.toContain('statement 1 trusts');
    });
  });

  describe('Deny statements', () => {
    const denyUnless = (operator: string, key: string, value: string): Json => ({
      Effect: 'Deny',
      Principal: { Service: SERVICE },
      Action: 'sts:AssumeRole',
      Condition: { [operator]: { [key]: value } },
    });
    const withoutServiceAccount = allow({
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
        'aws:RequestTag/kubernetes-namespace': 'payments',
      },
    });

    it.each(['StringNotEquals', 'StringNotLike', 'StringNotEqualsIgnoreCase'])(
      'count a Deny with a single %s on a tag as limiting that tag',
      (operator) => {
        const outcome = evaluate(
          document(
            withoutServiceAccount,
            denyUnless(operator, 'aws:RequestTag/kubernetes-service-account', 'api'),
          ),
        );
        expect(outcome).toMatchObject({ status: 'PASSED' });
      },
    );

    it('count a Deny with ArnNotEquals on aws:SourceArn as limiting the cluster', () => {
      const outcome = evaluate(
        document(
          allow({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
          denyUnless('ArnNotEquals', 'aws:SourceArn', CLUSTER_ARN),
        ),
      );
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome?.detail).toContain('aws:SourceAccount and aws:SourceArn');
    });

    it.each<[string, Json]>([
      [
        'a positive operator',
        denyUnless('StringEquals', 'aws:RequestTag/kubernetes-service-account', 'admin'),
      ],
      [
        'a negation whose value matches everything',
        denyUnless('StringNotLike', 'aws:RequestTag/kubernetes-service-account', '*'),
      ],
      [
        'two conditions, which deny only when both hold',
        {
          ...denyUnless('StringNotEquals', 'aws:RequestTag/kubernetes-service-account', 'api'),
          Condition: {
            StringNotEquals: {
              'aws:RequestTag/kubernetes-service-account': 'api',
              'aws:RequestTag/kubernetes-namespace': 'payments',
            },
          },
        },
      ],
      [
        'a principal other than Pod Identity',
        {
          ...denyUnless('StringNotEquals', 'aws:RequestTag/kubernetes-service-account', 'api'),
          Principal: { Service: 'ec2.amazonaws.com' },
        },
      ],
    ])('do not limit a key with %s', (_, deny) => {
      expect(evaluate(document(withoutServiceAccount, deny))).toMatchObject({
        status: 'FAILED',
        severity: 'MEDIUM',
      });
    });
  });

  describe('the detail', () => {
    const use: PodIdentityUse = {
      associations: [
        {
          clusterArn: CLUSTER_ARN,
          namespace: 'payments',
          serviceAccount: 'api',
          associationArn: `arn:aws:eks:${REGION}:${ACCOUNT}:podidentityassociation/prod/a-1`,
          roleArn: `arn:aws:iam::${ACCOUNT}:role/app-role`,
        },
        {
          clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/staging`,
          namespace: 'payments',
          serviceAccount: 'worker',
          associationArn: `arn:aws:eks:${REGION}:${ACCOUNT}:podidentityassociation/staging/a-2`,
          roleArn: `arn:aws:iam::${ACCOUNT}:role/app-role`,
        },
      ],
      unknown: [
        { clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/zeta`, reason: 'AccessDeniedException' },
        { clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/alpha`, reason: 'AccessDeniedException' },
      ],
    };

    it('lists the associations that use the role as cluster/namespace/service account', () => {
      const outcome = evaluate(document(allow()), use);
      expect(outcome).toMatchObject({ status: 'FAILED' });
      expect(outcome?.detail).toContain(
        'Used by Pod Identity associations (cluster/namespace/service account): prod/payments/api, staging/payments/worker',
      );
    });

    it('names the clusters whose associations could not be read, sorted, with the reason once', () => {
      const outcome = evaluate(document(allow({ StringEquals: TAGS })), use);
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome?.detail).toContain(
        'the associations of alpha, zeta could not be read (AccessDeniedException)',
      );
      expect(outcome?.detail.split('AccessDeniedException')).toHaveLength(2);
    });

    it('says when no association uses the role', () => {
      expect(evaluate(document(allow()))?.detail).toContain('No Pod Identity association uses the role.');
      const unreadOnly = evaluate(document(allow()), { associations: [], unknown: use.unknown });
      expect(unreadOnly?.detail).toContain('No Pod Identity association that could be read uses the role');
    });
  });

  describe('documents', () => {
    it('reads a URL-encoded trust policy, as IAM returns it', () => {
      const encoded = encodeURIComponent(JSON.stringify(document(allow({ StringEquals: TAGS }))));
      expect(evaluate(encoded)).toMatchObject({ status: 'PASSED' });
      expect(evaluate(encodeURIComponent(JSON.stringify(document(allow()))))).toMatchObject({
        status: 'FAILED',
      });
    });

    it('reads a single Statement object as well as a list', () => {
      expect(evaluate({ Version: '2012-10-17', Statement: allow() })).toMatchObject({ status: 'FAILED' });
    });

    it.each([
      ['not JSON', `{"Statement": [{"Principal": {"Service": "${SERVICE}"}`],
      ['JSON with no Statement', JSON.stringify({ Principal: { Service: SERVICE } })],
      ['JSON that is not an object', JSON.stringify([SERVICE])],
    ])('is not available for a document that is %s but mentions Pod Identity', (_, text) => {
      const outcome = evaluate(text);
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
      expect(outcome?.detail).toContain(`mentions ${SERVICE} but cannot be parsed`);
    });

    it('ignores an unparseable document that does not mention Pod Identity', () => {
      expect(evaluate('{"Statement": [{"Principal": {"Service": "ec2.amazonaws.com"}')).toBeUndefined();
      expect(evaluate('not a policy')).toBeUndefined();
    });

    it.each<[string, Json]>([
      ['NotPrincipal', { Effect: 'Allow', NotPrincipal: { Service: SERVICE }, Action: 'sts:AssumeRole' }],
      ['no Effect', { Principal: { Service: SERVICE }, Action: 'sts:AssumeRole' }],
      ['an unknown condition operator', allow({ StringSortOfEquals: TAGS })],
      ['both Action and NotAction', { ...allow(), NotAction: 'iam:*' }],
    ])('is not available when the only Pod Identity statement has %s, saying why', (_, statement) => {
      const outcome = evaluate(document(statement));
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome?.detail).toContain('statement 1 cannot be judged');
    });

    it('judges the sound statements and reports the malformed one beside them', () => {
      const broken = { Effect: 'Allow', NotPrincipal: { Service: SERVICE }, Action: 'sts:AssumeRole' };
      const passedOutcome = evaluate(document(allow({ StringEquals: TAGS }), broken));
      expect(passedOutcome).toMatchObject({ status: 'PASSED' });
      expect(passedOutcome?.detail).toContain('statement 2 cannot be judged: NotPrincipal');
      const failedOutcome = evaluate(document(allow(), broken));
      expect(failedOutcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(failedOutcome?.detail).toContain('statement 2 cannot be judged');
    });

    it('ignores a malformed statement about another principal', () => {
      const broken = {
        Effect: 'Allow',
        NotPrincipal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      };
      expect(evaluate(document(broken))).toBeUndefined();
      expect(evaluate(document(allow({ StringEquals: TAGS }), broken))).toMatchObject({ status: 'PASSED' });
    });
  });
});

describe('Check: pod-identity-trust-policy, more IAM rules', () => {
  it('counts a Deny for every principal with one negated condition as a limit', () => {
    const outcome = evaluate(
      document(allow({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }), {
        Effect: 'Deny',
        Principal: '*',
        Action: 'sts:AssumeRole',
        Condition: { ArnNotEquals: { 'aws:SourceArn': CLUSTER_ARN } },
      }),
    );
    expect(outcome?.status).toBe('PASSED');
  });

  it('is not available for a document that cannot be decoded but names the service', () => {
    const outcome = evaluate(`%E0%A4%A ${SERVICE}`);
    expect(outcome?.status).toBe('NOT_AVAILABLE');
    expect(outcome?.detail).toContain('cannot be decoded');
  });
});

/**
 * The operator classes of issue 12, as verdicts. IAM documentation:
 * [operators] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * [sets]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * [tags]      https://docs.aws.amazon.com/eks/latest/APIReference/API_PodIdentityAssociation.html (disableSessionTags)
 */
describe('Check: pod-identity-trust-policy, IAM operator classes', () => {
  const deny = (condition: Json, principal: Json | string = { Service: SERVICE }): Json => ({
    Effect: 'Deny',
    Principal: principal,
    Action: 'sts:AssumeRole',
    Condition: condition,
  });
  const SA_TAG = 'aws:RequestTag/kubernetes-service-account';
  const withoutServiceAccount = allow({
    StringEquals: {
      'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
      'aws:RequestTag/kubernetes-namespace': 'payments',
    },
  });
  const accountOnly = allow({ StringEquals: { 'aws:SourceAccount': ACCOUNT } });

  describe('ARN operators: ArnEquals takes wildcards as ArnLike does [operators]', () => {
    it.each(['ArnEquals', 'ArnLike', 'ArnEqualsIfExists'])(
      'fails MEDIUM when %s on aws:SourceArn matches every cluster',
      (operator) => {
        const outcome = evaluate(
          document(
            allow({
              StringEquals: { 'aws:SourceAccount': ACCOUNT },
              [operator]: { 'aws:SourceArn': 'arn:aws:eks:*:*:cluster/*' },
            }),
          ),
        );
        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
        expect(outcome?.detail).toContain('without limiting aws:SourceArn');
      },
    );

    it('passes ArnEquals on aws:SourceArn with a wildcard that still names clusters', () => {
      const outcome = evaluate(
        document(
          allow({
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnEquals: { 'aws:SourceArn': `arn:aws:eks:*:${ACCOUNT}:cluster/prod-*` },
          }),
        ),
      );
      expect(outcome).toMatchObject({ status: 'PASSED' });
    });

    it('fails MEDIUM when ArnEquals on the eks-cluster-arn tag matches every cluster', () => {
      const outcome = evaluate(
        document(
          allow({
            ArnEquals: { 'aws:RequestTag/eks-cluster-arn': `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/*` },
            StringEquals: {
              'aws:RequestTag/kubernetes-namespace': 'payments',
              'aws:RequestTag/kubernetes-service-account': 'api',
            },
          }),
        ),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it.each(['ArnNotEquals', 'ArnNotLike'])(
      'does not limit the cluster with a Deny %s on every cluster',
      (operator) => {
        const outcome = evaluate(
          document(accountOnly, deny({ [operator]: { 'aws:SourceArn': 'arn:aws:eks:*:*:cluster/*' } })),
        );
        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      },
    );

    it.each(['ArnNotEquals', 'ArnNotLike'])(
      'limits the cluster with a Deny %s that names clusters',
      (operator) => {
        const outcome = evaluate(
          document(
            accountOnly,
            deny({ [operator]: { 'aws:SourceArn': `arn:aws:eks:*:${ACCOUNT}:cluster/prod` } }),
          ),
        );
        expect(outcome).toMatchObject({ status: 'PASSED' });
      },
    );
  });

  describe('Deny statements with qualified negated operators [operators] [sets]', () => {
    it.each([
      ['StringNotEqualsIfExists', SA_TAG, 'api'],
      ['StringNotLikeIfExists', SA_TAG, 'api'],
      ['ForAllValues:StringNotEquals', SA_TAG, 'api'],
      ['ForAllValues:StringNotEqualsIfExists', SA_TAG, 'api'],
      ['StringNotEqualsIgnoreCaseIfExists', SA_TAG, 'api'],
    ])(
      'count a Deny with %s on a tag as limiting it, since it holds on an absent key too',
      (operator, key, value) => {
        const outcome = evaluate(document(withoutServiceAccount, deny({ [operator]: { [key]: value } })));
        expect(outcome).toMatchObject({ status: 'PASSED' });
      },
    );

    it.each(['ArnNotEqualsIfExists', 'ForAllValues:ArnNotEquals', 'ForAllValues:ArnNotLike'])(
      'count a Deny with %s on aws:SourceArn as limiting the cluster',
      (operator) => {
        const outcome = evaluate(
          document(accountOnly, deny({ [operator]: { 'aws:SourceArn': CLUSTER_ARN } })),
        );
        expect(outcome).toMatchObject({ status: 'PASSED' });
        expect(outcome?.detail).toContain('aws:SourceAccount and aws:SourceArn');
      },
    );

    it.each(['ForAnyValue:StringNotEquals', 'ForAnyValue:StringNotEqualsIfExists'])(
      'count a Deny with %s on a tag when the Allow requires session tags, which come all six or none [tags]',
      (operator) => {
        const outcome = evaluate(document(withoutServiceAccount, deny({ [operator]: { [SA_TAG]: 'api' } })));
        expect(outcome).toMatchObject({ status: 'PASSED' });
      },
    );

    it.each(['ForAnyValue:ArnNotEquals', 'ForAnyValue:ArnNotLikeIfExists'])(
      'do not count a Deny with %s, which fails when the key is absent [sets]',
      (operator) => {
        const outcome = evaluate(
          document(accountOnly, deny({ [operator]: { 'aws:SourceArn': CLUSTER_ARN } })),
        );
        expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      },
    );

    it('is not available for the Deny, and fails the open Allow, when the qualifier is unknown to IAM', () => {
      const outcome = evaluate(
        document(withoutServiceAccount, deny({ 'ForSomeValues:StringNotEquals': { [SA_TAG]: 'api' } })),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
      expect(outcome?.detail).toContain('statement 2 cannot be judged');
    });
  });

  describe('Deny clauses whose other conditions always hold', () => {
    it.each<[string, Json]>([
      [
        'the cluster ARN tag the Allow pins',
        { StringEquals: { 'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN } },
      ],
      [
        'Null false on the namespace tag the Allow requires',
        { Null: { 'aws:RequestTag/kubernetes-namespace': 'false' } },
      ],
      [
        'StringLike "*" on the namespace tag the Allow requires',
        { StringLike: { 'aws:RequestTag/kubernetes-namespace': '*' } },
      ],
    ])('limit the key of the negated condition when ANDed with %s', (_, always) => {
      const outcome = evaluate(
        document(withoutServiceAccount, deny({ StringNotEquals: { [SA_TAG]: 'api' }, ...always })),
      );
      expect(outcome).toMatchObject({ status: 'PASSED' });
    });

    it('does not limit when the other condition is on a key the request may lack', () => {
      const outcome = evaluate(
        document(
          withoutServiceAccount,
          deny({
            StringNotEquals: { [SA_TAG]: 'api' },
            StringLike: { 'aws:PrincipalTag/team': '*' },
          }),
        ),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it('does not limit when the other condition never holds for what the Allow admits', () => {
      const outcome = evaluate(
        document(
          withoutServiceAccount,
          deny({
            StringNotEquals: { [SA_TAG]: 'api' },
            StringEqualsIgnoreCase: { 'aws:RequestTag/kubernetes-namespace': 'billing' },
          }),
        ),
      );
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    });

    it('passes a statement that a Deny without conditions refuses, naming the Deny', () => {
      const outcome = evaluate(document(allow(), { ...allow(), Effect: 'Deny', Action: 'sts:AssumeRole' }));
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome?.detail).toContain('Deny statement 2');
    });
  });
});

describe('Check: pod-identity-trust-policy, session tags and policy variables', () => {
  const assumeOnly = (condition?: Json): Json => ({ ...allow(condition), Action: 'sts:AssumeRole' });
  const tagOnly = (principal: Json = { Service: SERVICE }): Json => ({
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:TagSession',
  });
  const denyOtherNamespaces: Json = {
    Effect: 'Deny',
    Principal: { Service: SERVICE },
    Action: 'sts:AssumeRole',
    Condition: { StringNotEquals: { 'aws:RequestTag/kubernetes-namespace': 'payments' } },
  };

  it.each([
    ['in a statement of its own', tagOnly()],
    ['under a wildcard principal', tagOnly({ AWS: '*' })],
  ])(
    'counts sts:TagSession allowed %s: the tags are there, and a Deny on one of them narrows, not blocks',
    (_, tags) => {
      // Allowed by any statement, TagSession lets the service attach its session tags (pod-id-abac.html);
      // the Deny then limits only the namespace, so any cluster of the account still gets in.
      expect(evaluate(document(assumeOnly(), tags, denyOtherNamespaces))).toMatchObject({
        status: 'FAILED',
        severity: 'MEDIUM',
      });
    },
  );

  it('does not count a pin whose value is a policy variable', () => {
    // IAM replaces `${aws:RequestTag/...}` by the request's own value, so it names nothing in advance.
    const variables = {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': `\${aws:RequestTag/eks-cluster-arn}`,
        'aws:RequestTag/kubernetes-namespace': `\${aws:RequestTag/kubernetes-namespace}`,
        'aws:RequestTag/kubernetes-service-account': `\${aws:RequestTag/kubernetes-service-account}`,
      },
    };
    expect(evaluate(document(allow(variables)))).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
  });
});
