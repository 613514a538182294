/**
 * The severity table of EKS-trusted roles, row by row, through the checks that apply it: each role
 * gets a trust policy of one grade and permissions of one tier, and the result must carry both
 * fields and the severity the README's table gives.
 */
import { describe, expect, it } from 'vitest';
import { irsaTrustPolicy } from '../../../lambda/checks/irsa-trust-policy';
import { podIdentityTrustPolicy } from '../../../lambda/checks/pod-identity-trust-policy';
import { type Outcome, outcomesOf, type PermissionTier } from '../../../lambda/model/result';
import type { RoleSnapshot } from '../../../lambda/model/snapshot';
import { roleSeverityTable } from '../../../lambda/policy/role-severity';
import {
  ACCOUNT,
  allowing,
  aRole,
  aScan,
  contextOf,
  irsaTrustFor,
  REGION,
  withPermissions,
} from '../../support/factories';

/** Policies that put a role in each tier (the tier tests prove why). */
const POLICIES: Record<Exclude<PermissionTier, 'unknown'>, unknown> = {
  administrator: allowing('*'),
  'privilege-escalation': allowing('iam:PassRole', 'ec2:RunInstances'),
  'sensitive-data': allowing('secretsmanager:GetSecretValue'),
  limited: allowing('ec2:DescribeInstances'),
};
const TIERS: PermissionTier[] = [
  'administrator',
  'privilege-escalation',
  'sensitive-data',
  'limited',
  'unknown',
];

function podIdentityTrust(limited: boolean): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        ...(limited
          ? {
              Condition: {
                StringEquals: {
                  'aws:SourceAccount': ACCOUNT,
                  'aws:SourceArn': `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
                },
              },
            }
          : {}),
      },
    ],
  };
}

function judged(trust: unknown, tier: PermissionTier, check: 'irsa' | 'pod'): Outcome {
  const base = aRole(trust, 'workload');
  const role: RoleSnapshot = tier === 'unknown' ? base : withPermissions(base, { app: POLICIES[tier] });
  const context = contextOf(aScan({ roles: [role] }));
  const evaluated =
    check === 'irsa'
      ? irsaTrustPolicy.evaluate(role, context)
      : podIdentityTrustPolicy.evaluate(role, context);
  const [outcome] = outcomesOf(evaluated);
  if (!outcome) throw new Error('the check gave no result');
  return outcome;
}

const label = (o: Outcome) => (o.status === 'PASSED' ? 'PASSED' : `${o.status} ${o.severity}`);

describe('Severity of EKS-trusted roles: trust grade × permission tier', () => {
  it.each([
    [
      'any-service-account',
      irsaTrustFor('system:serviceaccount:*', 'StringLike'),
      ['FAILED CRITICAL', 'FAILED CRITICAL', 'FAILED HIGH', 'FAILED MEDIUM', 'FAILED CRITICAL'],
    ],
    [
      'cross-namespace',
      irsaTrustFor('system:serviceaccount:*:app', 'StringLike'),
      ['FAILED CRITICAL', 'FAILED CRITICAL', 'FAILED HIGH', 'FAILED MEDIUM', 'FAILED HIGH'],
    ],
    [
      'namespace',
      irsaTrustFor('system:serviceaccount:ci:*', 'StringLike'),
      ['FAILED CRITICAL', 'FAILED HIGH', 'FAILED HIGH', 'FAILED LOW', 'FAILED MEDIUM'],
    ],
    [
      'limited',
      irsaTrustFor('system:serviceaccount:ci:deployer', 'StringEquals'),
      ['FAILED LOW', 'FAILED LOW', 'PASSED', 'PASSED', 'PASSED'],
    ],
  ] as const)('IRSA, trust grade %s', (grade, trust, expected) => {
    const outcomes = TIERS.map((tier) => judged(trust, tier, 'irsa'));

    expect(outcomes.map(label)).toEqual(expected);
    expect(outcomes.map((o) => [o.trustGrade, o.permissionTier])).toEqual(TIERS.map((tier) => [grade, tier]));
  });

  it.each([
    [
      'any-association',
      podIdentityTrust(false),
      ['FAILED CRITICAL', 'FAILED CRITICAL', 'FAILED HIGH', 'FAILED LOW', 'FAILED MEDIUM'],
    ],
    ['limited', podIdentityTrust(true), ['FAILED LOW', 'FAILED LOW', 'PASSED', 'PASSED', 'PASSED']],
  ] as const)('Pod Identity, trust grade %s', (grade, trust, expected) => {
    const outcomes = TIERS.map((tier) => judged(trust, tier, 'pod'));

    expect(outcomes.map(label)).toEqual(expected);
    expect(outcomes.map((o) => [o.trustGrade, o.permissionTier])).toEqual(TIERS.map((tier) => [grade, tier]));
  });

  it('names the tier and the actions behind it in the detail', () => {
    const outcome = judged(
      irsaTrustFor('system:serviceaccount:*', 'StringLike'),
      'privilege-escalation',
      'irsa',
    );

    expect(outcome.detail).toContain('Permissions: privilege escalation (iam:PassRole with ec2:RunInstances');
    expect(outcome.detail).toContain(
      'any service account can assume a role whose permissions are privilege escalation',
    );
  });

  it('says an over-privileged workload role is a least-privilege problem, not a trust failure', () => {
    const outcome = judged(
      irsaTrustFor('system:serviceaccount:ci:deployer', 'StringEquals'),
      'administrator',
      'irsa',
    );

    expect(outcome.detail).toContain('over-privileged workload role');
    expect(outcome.trustGrade).toBe('limited');
  });

  it('never grades a role below its trust alone when a statement that may allow more could not be read', () => {
    // Secrets on every resource, and a statement with an unknown condition operator that may allow iam:*.
    const partly = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
        { Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { NoSuchOperator: { 'aws:x': 'y' } } },
      ],
    };
    const verdict = (trust: unknown) => {
      const role = withPermissions(aRole(trust, 'workload'), { app: partly });
      const [outcome] = outcomesOf(irsaTrustPolicy.evaluate(role, contextOf(aScan({ roles: [role] }))));
      if (!outcome) throw new Error('the check gave no result');
      return outcome;
    };

    // Any service account: sensitive data alone is HIGH, the unknown tier CRITICAL; the worse one holds.
    const wide = verdict(irsaTrustFor('system:serviceaccount:*', 'StringLike'));
    expect(label(wide)).toBe('FAILED CRITICAL');
    expect(wide.permissionTier).toBe('sensitive-data');
    expect(wide.detail).toContain('statement 2 of inline policy app could not be read and may grant more');
    // A namespace wildcard: sensitive data (HIGH) is already worse than unknown (MEDIUM).
    expect(label(verdict(irsaTrustFor('system:serviceaccount:ci:*', 'StringLike')))).toBe('FAILED HIGH');
  });

  it('says why the permissions are unknown and that the trust alone sets the severity', () => {
    const outcome = judged(irsaTrustFor('system:serviceaccount:*', 'StringLike'), 'unknown', 'irsa');

    expect(outcome.detail).toContain(
      "unknown (the role's permissions were not read), so the trust alone sets the severity",
    );
  });

  it('prints the table for the README with one row per trust grade', () => {
    const table = roleSeverityTable().split('\n');

    expect(table).toHaveLength(2 + 5);
    expect(table[2]).toBe('| `any-service-account` | CRITICAL | CRITICAL | HIGH | MEDIUM | CRITICAL |');
  });
});
