/**
 * The Pod Identity analysis against the operator classes of issue 12, at the analysis level.
 * [operators] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * [sets]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * [tags]      https://docs.aws.amazon.com/eks/latest/APIReference/API_PodIdentityAssociation.html (disableSessionTags)
 */
import { describe, expect, it } from 'vitest';
import { analysePodIdentityTrust } from '../../../lambda/policy/pod-identity-trust';
import { parseTrustPolicy } from '../../../lambda/policy/trust-document';

type Json = Record<string, unknown>;

const ACCOUNT = '111122223333';
const CLUSTER = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`;
const SERVICE = 'pods.eks.amazonaws.com';
const NS = 'aws:RequestTag/kubernetes-namespace';
const SA = 'aws:RequestTag/kubernetes-service-account';

const statement = (effect: 'Allow' | 'Deny', condition?: Json): Json => ({
  Effect: effect,
  Principal: { Service: SERVICE },
  Action: effect === 'Allow' ? ['sts:AssumeRole', 'sts:TagSession'] : 'sts:AssumeRole',
  ...(condition === undefined ? {} : { Condition: condition }),
});
const analyse = (...statements: Json[]) =>
  analysePodIdentityTrust(parseTrustPolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements })));
const byAccount = statement('Allow', { StringEquals: { 'aws:SourceAccount': ACCOUNT } });
const byClusterAndNamespace = statement('Allow', {
  StringEquals: { 'aws:RequestTag/eks-cluster-arn': CLUSTER, [NS]: 'payments' },
});

describe('Function: analysePodIdentityTrust, operator classes', () => {
  describe('ARN operators [operators]', () => {
    it.each(['ArnEquals', 'ArnLike'])(
      'finds %s arn:aws:eks:*:*:cluster/* no limit on the cluster',
      (operator) => {
        const analysis = analyse(
          statement('Allow', {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            [operator]: { 'aws:SourceArn': 'arn:aws:eks:*:*:cluster/*' },
          }),
        );

        expect(analysis.grants).toEqual([
          expect.objectContaining({ gap: expect.stringContaining('aws:SourceArn') }),
        ]);
      },
    );

    it.each(['ArnEquals', 'ArnLike'])('finds %s on one cluster a limit', (operator) => {
      const analysis = analyse(
        statement('Allow', {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          [operator]: { 'aws:SourceArn': CLUSTER },
        }),
      );

      expect(analysis.grants[0]?.limitedBy).toBe('aws:SourceAccount and aws:SourceArn');
    });

    it('finds no limit in a Deny ArnNotEquals on every cluster, and one in a Deny on one cluster', () => {
      const everyCluster = analyse(
        byAccount,
        statement('Deny', { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:eks:*:*:cluster/*' } }),
      );
      const oneCluster = analyse(
        byAccount,
        statement('Deny', { ArnNotEquals: { 'aws:SourceArn': CLUSTER } }),
      );

      expect(everyCluster.grants[0]?.gap).toBeDefined();
      expect(oneCluster.grants[0]?.limitedBy).toBe('aws:SourceAccount and aws:SourceArn');
    });
  });

  describe('Deny statements with qualified negated operators [sets]', () => {
    it.each([
      'StringNotEquals',
      'StringNotEqualsIfExists',
      'ForAllValues:StringNotEquals',
      'ForAllValues:StringNotLikeIfExists',
    ])('finds a limit on the service account in a Deny %s', (operator) => {
      const analysis = analyse(byClusterAndNamespace, statement('Deny', { [operator]: { [SA]: 'api' } }));

      expect(analysis.grants[0]?.limitedBy).toContain('request tags');
    });

    it('finds a limit in a Deny ForAnyValue:StringNotEquals on a tag when the Allow requires session tags [tags]', () => {
      // EKS attaches its six session tags together or not at all, so the Allow's tags bring this one.
      const analysis = analyse(
        byClusterAndNamespace,
        statement('Deny', { 'ForAnyValue:StringNotEquals': { [SA]: 'api' } }),
      );

      expect(analysis.grants[0]?.limitedBy).toContain('request tags');
    });

    it('finds no limit in a Deny ForAnyValue:ArnNotEquals on aws:SourceArn, which may be absent [sets]', () => {
      // ForAnyValue fails on an absent key, so a request without aws:SourceArn escapes the Deny.
      const anyValue = analyse(
        byAccount,
        statement('Deny', { 'ForAnyValue:ArnNotEquals': { 'aws:SourceArn': CLUSTER } }),
      );
      const plain = analyse(byAccount, statement('Deny', { ArnNotEquals: { 'aws:SourceArn': CLUSTER } }));

      expect(anyValue.grants[0]?.gap).toContain('aws:SourceArn');
      expect(plain.grants[0]?.limitedBy).toBe('aws:SourceAccount and aws:SourceArn');
    });

    it('judges the sound statements when a Deny has an operator IAM does not know', () => {
      const analysis = analyse(
        byClusterAndNamespace,
        statement('Deny', { StringNotEqualsIfMissing: { [SA]: 'api' } }),
      );

      expect(analysis.grants[0]?.gap).toBeDefined();
      expect(analysis.unjudged).toEqual([expect.stringContaining('statement 2 cannot be judged')]);
    });
  });

  describe('Deny clauses whose other conditions always hold', () => {
    it('finds a limit when the other condition is on a tag the Allow pins to the value it tests', () => {
      const analysis = analyse(
        byClusterAndNamespace,
        statement('Deny', { StringNotEquals: { [SA]: 'api' }, StringEquals: { [NS]: 'payments' } }),
      );

      expect(analysis.grants[0]?.limitedBy).toContain('request tags');
    });

    it('finds no limit when the other condition is on a key the request may lack', () => {
      const analysis = analyse(
        byClusterAndNamespace,
        statement('Deny', {
          StringNotEquals: { [SA]: 'api' },
          Null: { 'aws:PrincipalTag/team': 'false' },
        }),
      );

      expect(analysis.grants[0]?.gap).toBeDefined();
    });

    it('finds the statement refused when a Deny always applies to it', () => {
      const analysis = analyse(
        byAccount,
        statement('Deny', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
      );

      expect(analysis.grants[0]).toEqual({ statement: 1, limitedBy: 'Deny statement 2, which refuses it' });
    });
  });
});
