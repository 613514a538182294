import { describe, expect, it } from 'vitest';
import { accessEntryPrincipalExists } from '../../../lambda/checks/access-entry-principal-exists';
import type { AccountSnapshot, ClusterSnapshot, Readout, ScanSnapshot } from '../../../lambda/model/snapshot';
import { ACCOUNT, aCluster, aRole, aScan, contextOf } from '../../support/factories';

const OTHER_ACCOUNT = '444455556666';
const UNSCANNED_ACCOUNT = '777788889999';
const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const user = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:user/${name}`;

interface Identities {
  /** Role names of the cluster's account. */
  readonly roles?: readonly string[];
  /** User ARNs of the cluster's account, or why they were not listed. */
  readonly users?: Readout<readonly string[]>;
  /** Another scanned account: its role names, or `undefined` when its IAM data could not be read. */
  readonly other?: readonly string[] | undefined;
}

/** A scan of the cluster's account with these roles and users, and optionally of a second account. */
function scanOf(identities: Identities): ScanSnapshot {
  const scan = aScan({ roles: (identities.roles ?? []).map((name) => aRole(EC2_TRUST, name)) });
  const accounts = scan.accounts.map(
    (account): AccountSnapshot =>
      account.identity === undefined
        ? account
        : {
            ...account,
            identity: { ...account.identity, users: identities.users ?? { known: true, value: [] } },
          },
  );
  if (!('other' in identities)) return { ...scan, accounts };
  const [home] = accounts;
  if (home === undefined) throw new Error('aScan gave no account');
  const other: AccountSnapshot = {
    accountId: OTHER_ACCOUNT,
    partition: 'aws',
    homeRegion: 'us-east-1',
    regionNames: [],
    regions: [],
    ...(identities.other === undefined
      ? {}
      : {
          identity: {
            accountId: OTHER_ACCOUNT,
            roles: identities.other.map((name) => aRole(EC2_TRUST, name, OTHER_ACCOUNT)),
            oidcProviderArns: [],
            users: { known: true, value: [] },
          },
        }),
  };
  return { ...scan, accounts: [...accounts, other] };
}

const withEntries = (...arns: string[]): ClusterSnapshot =>
  aCluster({
    accessEntries: { known: true, value: arns.map((principalArn) => ({ principalArn, policies: [] })) },
  });

const evaluate = (cluster: ClusterSnapshot, identities: Identities) =>
  accessEntryPrincipalExists.evaluate(cluster, contextOf(scanOf(identities)));

describe('Check: access-entry-principal-exists', () => {
  it('passes when every principal exists, saying how many entries were judged', () => {
    const outcome = evaluate(withEntries(role('admin'), role('nodes'), user('alice')), {
      roles: ['admin', 'nodes'],
      users: { known: true, value: [user('alice')] },
    });
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL' });
    expect(outcome.detail).toContain('All 3 access entries');
  });

  it('passes a cluster with no access entries', () => {
    const outcome = evaluate(withEntries(), {});
    expect(outcome).toMatchObject({ status: 'PASSED' });
    expect(outcome.detail).toContain('no access entries');
  });

  it('matches a role by name whatever the path the entry names, as IAM does', () => {
    expect(evaluate(withEntries(role('teams/platform/admin')), { roles: ['admin'] })).toMatchObject({
      status: 'PASSED',
    });
  });

  it('fails LOW listing the principals that no longer exist, sorted', () => {
    const outcome = evaluate(withEntries(role('admin'), user('zed'), role('gone')), {
      roles: ['admin'],
      users: { known: true, value: [] },
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain(
      `2 access entries name principals that no longer exist: ${role('gone')}, ${user('zed')}.`,
    );
    expect(outcome.detail).not.toContain(role('admin'));
    expect(outcome.detail).toContain('does not regain access');
  });

  it('names at most ten missing principals and says how many more there are', () => {
    const names = Array.from({ length: 13 }, (_, i) => `gone-${String(i).padStart(2, '0')}`);
    const outcome = evaluate(withEntries(...names.map((n) => role(n))), {});
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('13 access entries');
    expect(outcome.detail).toContain(`${role('gone-09')} and 3 more`);
    expect(outcome.detail).not.toContain(role('gone-10'));
  });

  describe('principals of other accounts', () => {
    it('judges a principal of another account that is scanned and whose IAM data was read', () => {
      expect(evaluate(withEntries(role('deployer', OTHER_ACCOUNT)), { other: ['deployer'] })).toMatchObject({
        status: 'PASSED',
      });
      const outcome = evaluate(withEntries(role('deployer', OTHER_ACCOUNT)), { other: [] });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome.detail).toContain(role('deployer', OTHER_ACCOUNT));
    });

    it('does not judge a principal of an account outside the scan, and says so', () => {
      const outcome = evaluate(withEntries(role('admin'), role('auditor', UNSCANNED_ACCOUNT)), {
        roles: ['admin'],
      });
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome.detail).toContain('The 1 access entry judged');
      expect(outcome.detail).toContain('1 principal(s) in other accounts not judged');
    });

    it('does not judge a principal of a scanned account whose IAM data could not be read', () => {
      const outcome = evaluate(withEntries(role('admin'), role('deployer', OTHER_ACCOUNT)), {
        roles: ['admin'],
        other: undefined,
      });
      expect(outcome).toMatchObject({ status: 'PASSED' });
      expect(outcome.detail).toContain('1 principal(s) in other accounts not judged');
    });

    it('is not available when no entry could be judged at all', () => {
      const outcome = evaluate(withEntries(role('auditor', UNSCANNED_ACCOUNT)), {});
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('No access entry could be judged');
    });

    it('still fails for a missing principal, noting those not judged', () => {
      const outcome = evaluate(withEntries(role('gone'), role('auditor', UNSCANNED_ACCOUNT)), {});
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome.detail).toContain('1 access entry names a principal that no longer exists');
      expect(outcome.detail).toContain('1 principal(s) in other accounts not judged');
    });
  });

  describe("principals of the cluster's account that cannot be judged", () => {
    const unlisted: Readout<readonly string[]> = {
      known: false,
      reason: 'AccessDenied: iam:ListUsers',
    };

    it('is not available when a user cannot be looked up because the users were not listed', () => {
      const outcome = evaluate(withEntries(role('admin'), user('alice')), {
        roles: ['admin'],
        users: unlisted,
      });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain(user('alice'));
      expect(outcome.detail).toContain('AccessDenied: iam:ListUsers');
    });

    it('fails for a missing role even when a user could not be judged, naming what was not judged', () => {
      const outcome = evaluate(withEntries(role('gone'), user('alice')), { users: unlisted });
      expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
      expect(outcome.detail).toContain(role('gone'));
      expect(outcome.detail).toContain(`Could not be judged: ${user('alice')} (AccessDenied: iam:ListUsers)`);
    });

    it('is not available for an entry whose principal is not a role or user ARN', () => {
      const outcome = evaluate(withEntries(role('admin'), 'not-an-arn'), { roles: ['admin'] });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('not-an-arn');
      expect(outcome.detail).toContain('not an IAM role or user ARN');
    });
  });

  it('is not available with the reason when the access entries could not be read', () => {
    const cluster = aCluster({
      accessEntries: {
        known: false,
        reason: 'the cluster authenticates with the aws-auth ConfigMap only (CONFIG_MAP)',
      },
    });
    const outcome = evaluate(cluster, {});
    expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
    expect(outcome.detail).toContain('CONFIG_MAP');
  });

  it('lists the severities its rules name', () => {
    const { severityRules, severities } = accessEntryPrincipalExists.metadata;
    const named = new Set([...severityRules.matchAll(/\b(CRITICAL|HIGH|MEDIUM|LOW)\b/g)].map((m) => m[1]));
    expect(new Set(severities)).toEqual(named);
  });
});
