import { describe, expect, it } from 'vitest';
import { clusterAdminAccess } from '../../../lambda/checks/cluster-admin-access';
import type { AccessEntrySnapshot, ClusterSnapshot } from '../../../lambda/model/snapshot';
import { ACCOUNT, aCluster, aContext } from '../../support/factories';

const ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
const VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/ops-admin`;
const PLATFORM_ROLE = `arn:aws:iam::${ACCOUNT}:role/platform-admins`;
const ADMIN_USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

const entry = (principalArn: string, policyArn = ADMIN_POLICY, scope = 'cluster'): AccessEntrySnapshot => ({
  principalArn,
  policies: [{ policyArn, scope, namespaces: scope === 'namespace' ? ['team-a'] : [] }],
});

const evaluate = (
  items: AccessEntrySnapshot[],
  allowedAdminPrincipals: string[] = [],
  cluster: Partial<ClusterSnapshot> = {},
) =>
  clusterAdminAccess.evaluate(
    aCluster({ accessEntries: { known: true, value: items }, ...cluster }),
    aContext({ config: { allowedAdminPrincipals } }),
  );

describe('Check: cluster-admin-access', () => {
  it('passes a cluster with no access entries', () => {
    const outcome = evaluate([]);
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('0 access entries');
  });

  it('fails MEDIUM when a role holds AmazonEKSClusterAdminPolicy at cluster scope, listing it', () => {
    const outcome = evaluate([entry(ADMIN_ROLE), entry(`arn:aws:iam::${ACCOUNT}:role/viewer`, VIEW_POLICY)]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
    expect(outcome.detail).toContain(
      `1 principal(s) hold AmazonEKSClusterAdminPolicy at cluster scope: ${ADMIN_ROLE}`,
    );
    expect(outcome.detail).not.toContain('viewer');
    expect(outcome.detail).not.toContain('IAM users');
  });

  it('fails HIGH when an IAM user is among the administrators, naming the users', () => {
    const outcome = evaluate([entry(ADMIN_ROLE), entry(ADMIN_USER)]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain(`${ADMIN_ROLE}, ${ADMIN_USER}`);
    expect(outcome.detail).toContain(`IAM users among them: ${ADMIN_USER}`);
  });

  it('finds the admin policy among the other policies of an entry', () => {
    const outcome = evaluate([
      {
        principalArn: ADMIN_ROLE,
        policies: [
          { policyArn: VIEW_POLICY, scope: 'cluster', namespaces: [] },
          { policyArn: ADMIN_POLICY, scope: 'cluster', namespaces: [] },
        ],
      },
    ]);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'MEDIUM' });
  });

  it.each([
    ['AmazonEKSClusterAdminPolicy at namespace scope', entry(ADMIN_ROLE, ADMIN_POLICY, 'namespace')],
    ['AmazonEKSViewPolicy at cluster scope', entry(ADMIN_ROLE, VIEW_POLICY)],
    [
      'AmazonEKSAdminPolicy at cluster scope',
      entry(ADMIN_ROLE, 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy'),
    ],
    ['an access entry with no policy', { principalArn: ADMIN_USER, policies: [] }],
  ])('passes %s', (_, accessEntry) => {
    expect(evaluate([accessEntry])).toMatchObject({ status: 'PASSED' });
  });

  it('passes administrators matching an allowed pattern with *, and names them as allowed', () => {
    const outcome = evaluate([entry(PLATFORM_ROLE)], ['arn:aws:iam::*:role/platform-*']);
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain(`Allowed administrators: ${PLATFORM_ROLE}`);
  });

  it('matches ? as one character', () => {
    const outcome = evaluate(
      [entry(`arn:aws:iam::${ACCOUNT}:role/admin-1`)],
      [`arn:aws:iam::${ACCOUNT}:role/admin-?`],
    );
    expect(outcome).toMatchObject({ status: 'PASSED' });
  });

  it('still fails the administrators no pattern allows, and names the allowed ones apart', () => {
    const outcome = evaluate([entry(PLATFORM_ROLE), entry(ADMIN_USER)], ['arn:aws:iam::*:role/platform-*']);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(outcome.detail).toContain(
      `1 principal(s) hold AmazonEKSClusterAdminPolicy at cluster scope: ${ADMIN_USER}.`,
    );
    expect(outcome.detail).toContain(`Allowed administrators: ${PLATFORM_ROLE}`);
  });

  it.each([
    ['differs in case', 'arn:aws:iam::*:role/Platform-*'],
    ['names only part of the ARN', 'role/platform-*'],
    ['names a prefix of the ARN', `arn:aws:iam::${ACCOUNT}:role/platform`],
    ['treats . as a literal dot', `arn:aws:iam::${ACCOUNT}:role.platform-admins`],
  ])('does not allow an administrator by a pattern that %s', (_, pattern) => {
    expect(evaluate([entry(PLATFORM_ROLE)], [pattern])).toMatchObject({
      status: 'FAILED',
      severity: 'MEDIUM',
    });
  });

  it('is not available, with the reason, when the access entries could not be read', () => {
    const outcome = clusterAdminAccess.evaluate(
      aCluster({ accessEntries: { known: false, reason: 'the cluster is in CONFIG_MAP mode' } }),
      aContext(),
    );
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('the cluster is in CONFIG_MAP mode');
  });
});
