import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lambda/checks/registry';
import { completedScopes } from '../../../lambda/publish/publish';
import type { ScanReport } from '../../../lambda/scan/scan';
import { ACCOUNT } from '../../support/factories';
import { INVENTORY } from '../../support/results';

const report = (targets: ScanReport['targets']): ScanReport => ({
  schemaVersion: 1,
  scanId: 's',
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:00:00.000Z',
  targets,
  results: [],
  stats: { apiCalls: {}, durationMs: 0 },
});

describe('Function: completedScopes', () => {
  const targets: ScanReport['targets'] = [
    { accountId: ACCOUNT, region: 'eu-west-1', status: 'SCANNED' },
    { accountId: ACCOUNT, region: 'us-east-1', status: 'SCANNED' },
    { accountId: ACCOUNT, region: 'ap-south-1', status: 'FAILED', error: 'denied' },
    { accountId: ACCOUNT, region: 'global', status: 'SCANNED' },
  ];

  it('covers every scanned region, with every check, and never a failed one', () => {
    const scopes = completedScopes(report(targets), CHECKS, INVENTORY);
    expect(scopes.map((s) => [s.region, s.completedChecks.length, s.skippedChecks])).toEqual([
      ['eu-west-1', CHECKS.length, []],
      ['us-east-1', CHECKS.length, []],
    ]);
  });

  it('leaves role findings alone where IAM failed, or where a cluster could not be described', () => {
    const iamFailed = targets.map((t) => (t.region === 'global' ? { ...t, status: 'FAILED' as const } : t));
    expect(
      completedScopes(report(iamFailed), CHECKS, INVENTORY).every((s) =>
        ['irsa-trust-policy', 'pod-identity-trust-policy'].every((id) => s.skippedChecks.includes(id)),
      ),
    ).toBe(true);

    const undescribed = { ...INVENTORY, undescribedScopes: new Set([`${ACCOUNT}/us-east-1`]) };
    const scopes = completedScopes(report(targets), CHECKS, undescribed);
    expect(scopes.find((s) => s.region === 'us-east-1')?.skippedChecks).toEqual([
      'irsa-trust-policy',
      'pod-identity-trust-policy',
    ]);
    expect(scopes.find((s) => s.region === 'eu-west-1')?.skippedChecks).toEqual([]);
  });
});
