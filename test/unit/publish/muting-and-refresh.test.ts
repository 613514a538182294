/**
 * Muted findings and the refresh interval in the lifecycle plan: an accepted risk is imported and
 * kept fresh but never news, Workflow is never sent, and an unchanged
 * finding is sent again only when its refresh is due, while every change goes at once.
 */
import { describe, expect, it } from 'vitest';
import { findingId } from '../../../lambda/model/finding-id';
import type { CheckResult, Mute } from '../../../lambda/model/result';
import {
  ACCEPTED_RISK_TYPE_PREFIX,
  acceptedRiskType,
  CONTENT_DIGEST_FIELD,
  FINDING_TYPES,
  MUTED_BY_FIELD,
  MUTED_FIELD,
  MUTED_UNTIL_FIELD,
  NEW_OR_WORSE_FIELD,
} from '../../../lambda/publish/asff-mapper';
import type { AsffFinding } from '../../../lambda/publish/asff-schema';
import { findingProblems } from '../../../lambda/publish/asff-schema';
import { type ExistingFinding, planScope } from '../../../lambda/publish/lifecycle';
import { seededRandom } from '../../support/prng';
import { aClusterResult, aRoleResult, aScope, DESCRIPTIONS, mapFinding } from '../../support/results';

const NOW = new Date('2026-12-02T12:00:00.000Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const MUTE: Mute = { reason: 'Sandbox (SEC-1042)', owner: 'data-science', expires: '2027-03-01', entry: 1 };

/** Our finding as Security Hub holds it after an import at `at`, with what Security Hub adds. */
function storedAt(result: CheckResult, at: Date, workflow = 'NEW'): ExistingFinding {
  const finding = mapFinding(result, at);
  return {
    ...finding,
    ProductFields: { ...finding.ProductFields, 'aws/securityhub/ProductName': 'Default' },
    Workflow: { Status: workflow },
  };
}

function plan(results: CheckResult[], existing: ExistingFinding[], days?: number) {
  return planScope(
    results,
    aScope(),
    existing,
    DESCRIPTIONS,
    NOW,
    days === undefined ? {} : { refreshUnchangedDays: days },
  );
}

describe('Muted findings', () => {
  it('marks a new muted finding by the provider fields alone, never as news, and sets no Workflow', () => {
    const [finding] = plan([aClusterResult({ muted: MUTE })], []).imports;

    // A workflow set at creation would be the customer's from then on, and outlive the acceptance.
    expect(finding).not.toHaveProperty('Workflow');
    expect(finding?.ProductFields).toMatchObject({
      [MUTED_FIELD]: MUTE.reason,
      [MUTED_BY_FIELD]: MUTE.owner,
      [MUTED_UNTIL_FIELD]: MUTE.expires,
      [NEW_OR_WORSE_FIELD]: 'false',
    });
    // Classified as an accepted risk naming the reason, where insights can group and automation rules match.
    const accepted = `${ACCEPTED_RISK_TYPE_PREFIX}${MUTE.reason}`;
    expect(finding?.FindingProviderFields?.Types).toEqual([accepted]);
    expect(finding?.Types).toEqual([accepted]);
    expect(findingProblems(finding)).toEqual([]);
  });

  it('keeps an accepted-risk type to three levels and a bounded length, whatever the reason says', () => {
    const reason = `  Vendor/partner\n access   ${'x'.repeat(400)}`;
    const [finding] = plan([aRoleResult({ muted: { ...MUTE, reason } })], []).imports;

    const [type] = finding?.FindingProviderFields?.Types ?? [];
    expect(type).toBe(acceptedRiskType(reason));
    expect(type?.split('/')).toHaveLength(3);
    expect(type).toMatch(
      /^Software and Configuration Checks\/AWS Security Best Practices\/Accepted risk: Vendor-partner access x+…$/,
    );
    expect(type).toHaveLength(256);
    expect(findingProblems(finding)).toEqual([]);
  });

  it('marks an existing finding muted by its product fields only: Workflow stays the customer’s', () => {
    const existing = storedAt(aClusterResult(), daysAgo(1), 'NOTIFIED');

    const [finding] = plan([aClusterResult({ muted: MUTE })], [existing]).imports;

    expect(finding).not.toHaveProperty('Workflow');
    expect(finding?.ProductFields?.[MUTED_FIELD]).toBe(MUTE.reason);
    expect(finding?.ProductFields?.[NEW_OR_WORSE_FIELD]).toBe('false');
  });

  it('makes a FAILED finding news again when its acceptance ends, and drops the mute fields', () => {
    const wasMuted = storedAt(aClusterResult({ muted: MUTE }), daysAgo(1));
    const wasNot = storedAt(aClusterResult(), daysAgo(1));

    const [unmuted] = plan([aClusterResult()], [wasMuted]).imports;
    const unchanged = plan([aClusterResult()], [wasNot]);

    expect(unmuted?.ProductFields?.[NEW_OR_WORSE_FIELD]).toBe('true');
    expect(unmuted?.ProductFields).not.toHaveProperty(MUTED_FIELD);
    // The provider's view of its type returns; Security Hub follows it unless the customer changed Types.
    expect(unmuted?.FindingProviderFields?.Types).toEqual(FINDING_TYPES);
    expect(unmuted).not.toHaveProperty('Workflow');
    // The same FAILED verdict as yesterday, unmuted both times: not news, and not sent before its refresh.
    expect(unchanged.imports).toEqual([]);
    expect(unchanged.unchanged).toEqual([findingId(aClusterResult())]);
  });

  it('turns a muted finding PASSED when the problem is fixed', () => {
    const existing = storedAt(aClusterResult({ muted: MUTE }), daysAgo(1));

    const [finding] = plan(
      [aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL', muted: MUTE })],
      [existing],
    ).imports;

    expect(finding?.Compliance).toEqual({ Status: 'PASSED' });
  });
});

describe('Refresh interval', () => {
  const result = aClusterResult();
  const id = findingId(result);

  it.each([
    [1, 7, 'unchanged'],
    [6.9, 7, 'unchanged'],
    [7, 7, 'imported'],
    [20, 7, 'imported'],
    [1, 1, 'imported'],
    [59, 60, 'unchanged'],
  ])('a finding imported %s days ago with nothing changed, interval %s days: %s', (age, days, expected) => {
    const p = plan([result], [storedAt(result, daysAgo(age))], days);
    expect(p.imports.length > 0 ? 'imported' : 'unchanged').toBe(expected);
    if (expected === 'unchanged') expect(p.unchanged).toEqual([id]);
  });

  it.each([
    ['a new detail', aClusterResult({ detail: 'The public endpoint admits 0.0.0.0/1 and 128.0.0.0/1.' })],
    ['a new severity', aClusterResult({ severity: 'MEDIUM' })],
    ['a new status', aClusterResult({ status: 'PASSED', severity: 'INFORMATIONAL' })],
    ['a mute', aClusterResult({ muted: MUTE })],
    ['a new mute reason', aClusterResult({ muted: { ...MUTE, reason: 'renewed' } })],
  ])('sends %s at once, whatever the interval', (_, changed) => {
    const p = plan([changed], [storedAt(result, daysAgo(0.01))], 60);
    expect(p.imports.map((f) => f.Id)).toEqual([id]);
    expect(p.unchanged).toEqual([]);
  });

  it('sends a finding stored by a scanner without the digest, and an archived one coming back', () => {
    const { [CONTENT_DIGEST_FIELD]: _, ...older } = mapFinding(result, daysAgo(1)).ProductFields ?? {};
    const withoutDigest = { ...storedAt(result, daysAgo(1)), ProductFields: older };
    const archived = { ...storedAt(result, daysAgo(1)), RecordState: 'ARCHIVED' };

    expect(plan([result], [withoutDigest]).imports).toHaveLength(1);
    expect(plan([result], [archived]).imports[0]?.RecordState).toBe('ACTIVE');
  });

  it('archives at once, and refreshes a kept NOT_AVAILABLE verdict only when due', () => {
    const gone = storedAt(aRoleResult(), daysAgo(1));
    const unjudged = aClusterResult({ status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' });

    expect(plan([], [gone]).archives).toHaveLength(1);
    const fresh = plan([unjudged], [storedAt(result, daysAgo(2))]);
    expect(fresh.kept).toEqual([id]);
    expect(fresh.imports).toEqual([]);
    const due = plan([unjudged], [storedAt(result, daysAgo(7))]);
    expect(due.kept).toEqual([id]);
    expect(due.imports.map((f) => [f.Id, f.Compliance?.Status])).toEqual([[id, 'FAILED']]);
  });

  it('over 90 daily runs, keeps every finding younger than the interval and every change the day it happens', () => {
    const random = seededRandom(20261202);
    const days = 7;
    const resources = Array.from({ length: 12 }, (_, i) =>
      aClusterResult({
        resource: {
          type: 'AwsEksCluster',
          id: `arn:aws:eks:eu-west-1:111122223333:cluster/c${i}`,
          name: `c${i}`,
        },
      }),
    );
    let current = resources.map((r) => ({ ...r }));
    const store = new Map<string, ExistingFinding>();
    let imports = 0;
    for (let day = 0; day < 90; day++) {
      const now = new Date(NOW.getTime() + day * DAY);
      // Some results change: a new detail, a status, a mute set or lifted.
      current = current.map((r) => {
        const draw = random();
        if (draw < 0.05) return { ...r, detail: `${r.detail.split(' #')[0]} #${day}` };
        if (draw < 0.08)
          return r.status === 'FAILED'
            ? { ...r, status: 'PASSED', severity: 'INFORMATIONAL' }
            : aClusterResult({ resource: r.resource });
        if (draw < 0.1) {
          if (r.muted) {
            const { muted: _, ...unmuted } = r;
            return unmuted;
          }
          return { ...r, muted: MUTE };
        }
        return r;
      });
      const p = planScope(current, aScope(), [...store.values()], DESCRIPTIONS, now, {
        refreshUnchangedDays: days,
      });
      imports += p.imports.length;
      for (const finding of p.imports) store.set(finding.Id, finding as AsffFinding & ExistingFinding);
      for (const result of current) {
        const held = store.get(findingId(result));
        const expected = mapFinding(result, now).ProductFields?.[CONTENT_DIGEST_FIELD];
        // What Security Hub holds says what this day's scan found...
        expect(
          held?.ProductFields && (held.ProductFields as Record<string, string>)[CONTENT_DIGEST_FIELD],
        ).toBe(expected);
        // ...and was imported less than the interval ago.
        expect(now.getTime() - Date.parse(held?.UpdatedAt ?? '')).toBeLessThan(days * DAY);
      }
    }
    // Far fewer imports than one per finding and day (12 × 90 = 1,080).
    expect(imports).toBeLessThan(400);
  });
});
