import { describe, expect, it } from 'vitest';
import { oidcProviderInUse } from '../../../lambda/checks/oidc-provider-in-use';
import type { OidcProviderSubject } from '../../../lambda/checks/types';
import type { RoleSnapshot, ScanSnapshot } from '../../../lambda/model/snapshot';
import { irsaTrust } from '../../../scripts/emulator/documents';
import {
  ACCOUNT,
  aCluster,
  anUndescribedCluster,
  aRole,
  aScan,
  contextOf,
  ISSUER,
  irsaTrustFor,
  PROVIDER_ARN,
  REGION,
} from '../../support/factories';

const OTHER_ACCOUNT = '444455556666';
const PROD = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`;
const OTHER_ISSUER = `oidc.eks.${REGION}.amazonaws.com/id/FFFFEEEEDDDDCCCCBBBBAAAA99998888`;
const OTHER_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OTHER_ISSUER}`;

/** The factories' provider, as the engine gives it: its issuer in lower case, placed in the issuer's region. */
const PROVIDER: OidcProviderSubject = {
  accountId: ACCOUNT,
  arn: PROVIDER_ARN,
  issuer: ISSUER.toLowerCase(),
  region: REGION,
};

const trusting = (name: string): RoleSnapshot =>
  aRole(irsaTrustFor('system:serviceaccount:app:web', 'StringEquals'), name);

const evaluate = (scan: ScanSnapshot, provider: OidcProviderSubject = PROVIDER) =>
  oidcProviderInUse.evaluate(provider, contextOf(scan));

describe('Check: oidc-provider-in-use', () => {
  it('passes when a scanned cluster has the issuer, naming it, whatever the case of its issuer URL', () => {
    const outcome = evaluate(aScan({ clusters: [aCluster()] }));
    expect(outcome).toMatchObject({ status: 'PASSED', severity: 'INFORMATIONAL', clusterArn: PROD });
    expect(outcome.detail).toContain(PROD);
  });

  it("passes when the issuing cluster is another scanned account's (cross-account IRSA)", () => {
    const shared = `arn:aws:eks:${REGION}:${OTHER_ACCOUNT}:cluster/shared`;
    const outcome = evaluate(
      aScan({ clusters: [aCluster({ accountId: OTHER_ACCOUNT, name: 'shared', arn: shared })] }),
    );
    expect(outcome).toMatchObject({ status: 'PASSED', clusterArn: shared });
    expect(outcome.detail).toContain(shared);
  });

  it('fails LOW when every cluster of the region is known and none has the issuer, saying no role trusts it', () => {
    const outcome = evaluate(aScan({ clusters: [aCluster({ oidcIssuer: `https://${OTHER_ISSUER}` })] }));
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain(`issuer ${ISSUER.toLowerCase()}`);
    expect(outcome.detail).toContain('left behind by a deleted cluster');
    expect(outcome.detail).toContain('No role of the account trusts it.');
    expect(outcome.detail).toContain('cross-account IRSA');
  });

  it('fails LOW in a region with no cluster left, naming the roles that still trust the issuer, sorted', () => {
    const unrelated = aRole(
      irsaTrust(OTHER_PROVIDER, { StringEquals: { [`${OTHER_ISSUER}:sub`]: 'x' } }),
      'other-app',
    );
    const scan = aScan({ roles: [trusting('web-role'), unrelated, trusting('api-role')] });
    const outcome = evaluate(scan);
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('Role(s) that still trust it: api-role, web-role.');
    expect(outcome.detail).not.toContain('other-app');
  });

  it('names at most ten roles and says how many more trust it', () => {
    const roles = Array.from({ length: 12 }, (_, i) => trusting(`role-${String(i).padStart(2, '0')}`));
    const outcome = evaluate(aScan({ roles }));
    expect(outcome.detail).toContain('role-09 and 2 more.');
    expect(outcome.detail).not.toContain('role-10');
  });

  it('says how many roles it could not check because their trust policy could not be parsed', () => {
    const outcome = evaluate(aScan({ roles: [aRole('{ not json', 'broken'), trusting('web-role')] }));
    expect(outcome).toMatchObject({ status: 'FAILED' });
    expect(outcome.detail).toContain('web-role');
    expect(outcome.detail).toContain('1 role(s) whose trust policy could not be parsed were not checked');
  });

  it('says the trusting roles are not known when the IAM data of the account could not be read', () => {
    const context = contextOf(aScan({}));
    const outcome = oidcProviderInUse.evaluate(PROVIDER, {
      ...context,
      identityUnread: () => `the IAM data of account ${ACCOUNT} could not be read`,
    });
    expect(outcome).toMatchObject({ status: 'FAILED', severity: 'LOW' });
    expect(outcome.detail).toContain('The roles that trust it are not known');
  });

  describe('when the clusters of the region are not all known', () => {
    it('is not available when a cluster of the region could not be described', () => {
      const outcome = evaluate(aScan({ clusters: [anUndescribedCluster('old', 'AccessDeniedException')] }));
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('old');
      expect(outcome.detail).toContain('could not be described');
    });

    it("is not available when the issuer's region is not scanned in the provider's account", () => {
      const issuer = 'oidc.eks.ap-southeast-2.amazonaws.com/id/0123456789abcdef0123456789abcdef';
      const outcome = evaluate(aScan({}), {
        ...PROVIDER,
        arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`,
        issuer,
        region: 'ap-southeast-2',
      });
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('ap-southeast-2 is not scanned');
    });

    it("is not available when the region's cluster listing failed", () => {
      const scan = aScan({});
      const failedListing: ScanSnapshot = {
        ...scan,
        accounts: scan.accounts.map((account) => ({ ...account, regions: [] })),
      };
      const outcome = evaluate(failedListing);
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain('were not listed');
    });

    it("is not available when another scanned account's cluster there could not be described, or named no issuer", () => {
      const elsewhere = `arn:aws:eks:${REGION}:${OTHER_ACCOUNT}:cluster/shared`;
      const undescribed = aScan({
        clusters: [
          aCluster({ oidcIssuer: `https://${OTHER_ISSUER}` }),
          { ...anUndescribedCluster('shared', 'AccessDeniedException'), arn: elsewhere },
        ],
      });
      const outcome = evaluate(undescribed);
      expect(outcome).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(outcome.detail).toContain(OTHER_ACCOUNT);
      const { oidcIssuer: _, ...silent } = aCluster({
        accountId: OTHER_ACCOUNT,
        name: 'shared',
        arn: elsewhere,
      });
      const noIssuer = evaluate(
        aScan({ clusters: [aCluster({ oidcIssuer: `https://${OTHER_ISSUER}` }), silent] }),
      );
      expect(noIssuer).toMatchObject({ status: 'NOT_AVAILABLE' });
      expect(noIssuer.detail).toContain('named no OIDC issuer');
    });

    it('still passes when a scanned cluster has the issuer', () => {
      const scan = aScan({ clusters: [aCluster(), anUndescribedCluster('old', 'AccessDeniedException')] });
      expect(evaluate(scan)).toMatchObject({ status: 'PASSED' });
    });
  });

  it('lists the severities its rules name', () => {
    const { severityRules, severities } = oidcProviderInUse.metadata;
    const named = new Set([...severityRules.matchAll(/\b(CRITICAL|HIGH|MEDIUM|LOW)\b/g)].map((m) => m[1]));
    expect(new Set(severities)).toEqual(named);
  });
});
