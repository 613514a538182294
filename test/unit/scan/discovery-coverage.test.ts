import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lambda/checks/registry';
import type { AccountSnapshot } from '../../../lambda/model/snapshot';
import { coverageOf } from '../../../lambda/scan/coverage';
import { ACCOUNT, aCluster, aScan } from '../../support/factories';

/** The checks that judge an account's IAM data, roles and OIDC providers, in registry order. */
const ROLE_CHECKS = CHECKS.filter(
  (c) => c.metadata.resourceType === 'AwsIamRole' || c.metadata.resourceType === 'AwsIamOidcProvider',
).map((c) => c.metadata.id);

function anAccount(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  const [account] = aScan({ clusters: [aCluster()] }).accounts;
  if (!account) throw new Error('no account');
  return { ...account, ...overrides };
}

describe('Function: coverageOf, with regions discovery proved empty', () => {
  it('completes the role checks of a proven-empty region but not its cluster checks, and marks it', () => {
    expect(ROLE_CHECKS).toContain('oidc-provider-in-use');
    const { scopes } = coverageOf([anAccount()], CHECKS, [{ accountId: ACCOUNT, region: 'ap-south-1' }]);

    const empty = scopes.find((s) => s.region === 'ap-south-1');
    const clusterChecks = CHECKS.map((c) => c.metadata.id).filter((id) => !ROLE_CHECKS.includes(id));
    expect(empty).toEqual({
      accountId: ACCOUNT,
      region: 'ap-south-1',
      partition: 'aws',
      completedChecks: ROLE_CHECKS,
      skippedChecks: clusterChecks.map((checkId) => ({
        checkId,
        reason: 'not listed: discovery found no cluster here, so the findings of clusters here are kept',
      })),
      unsettled: [],
      provenEmpty: true,
    });
    // Listed regions are not marked; scopes stay sorted by account and region.
    expect(scopes.map((s) => [s.region, s.provenEmpty ?? false])).toEqual([
      ['ap-south-1', true],
      ['eu-west-1', false],
    ]);
  });

  it("leaves the role checks of a proven-empty region alone when the account's IAM data failed", () => {
    const { identity: _, ...iamFailed } = anAccount();

    const { scopes } = coverageOf([iamFailed], CHECKS, [{ accountId: ACCOUNT, region: 'ap-south-1' }]);

    const empty = scopes.find((s) => s.region === 'ap-south-1');
    expect(empty?.skippedChecks.filter((s) => ROLE_CHECKS.includes(s.checkId)).map((s) => s.checkId)).toEqual(
      ROLE_CHECKS,
    );
    expect(empty?.completedChecks).toEqual([]);
  });

  it('gives no scope to a proven-empty region of an account that was not scanned', () => {
    const { scopes } = coverageOf([anAccount()], CHECKS, [
      { accountId: '999999999999', region: 'eu-west-1' },
    ]);

    expect(scopes.every((s) => s.accountId === ACCOUNT)).toBe(true);
  });
});
