import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../lambda/checks/registry';
import type { RunReport } from '../../../lambda/model/report';
import { renderCheckListJson, renderCheckListTable } from '../../../lambda/report/check-list';
import { filterReport } from '../../../lambda/report/filter';
import { aClusterResult, aRoleResult } from '../../support/results';

const results = [
  aClusterResult({ status: 'FAILED', severity: 'HIGH' }),
  aClusterResult({ checkId: 'supported-version', status: 'WARNING', severity: 'LOW' }),
  aClusterResult({ checkId: 'deletion-protection', status: 'PASSED', severity: 'INFORMATIONAL' }),
  aRoleResult({ status: 'FAILED', severity: 'CRITICAL', muted: { reason: 'accepted', entry: 1 } }),
];
const report: RunReport = {
  schemaVersion: 1,
  scanId: 'scan',
  startedAt: '2026-12-02T10:00:00.000Z',
  finishedAt: '2026-12-02T10:00:01.000Z',
  targets: [],
  results,
  stats: { apiCalls: {}, durationMs: 1000 },
};
const checksOf = (r: RunReport) => r.results.map((x) => `${x.checkId}:${x.status}`);

describe('Function: filterReport', () => {
  it('keeps results at or above a severity, with the statuses asked for, muted ones unless hidden', () => {
    expect(checksOf(filterReport(report, { minSeverity: 'HIGH' }))).toEqual([
      'endpoint-public-access:FAILED',
      'irsa-trust-policy:FAILED',
    ]);
    expect(checksOf(filterReport(report, { statuses: ['WARNING', 'PASSED'] }))).toEqual([
      'supported-version:WARNING',
      'deletion-protection:PASSED',
    ]);
    expect(checksOf(filterReport(report, { statuses: ['FAILED'], hideMuted: true }))).toEqual([
      'endpoint-public-access:FAILED',
    ]);
  });

  it('leaves the report as it is without a filter', () => {
    expect(filterReport(report, {})).toBe(report);
  });
});

describe('Function: renderCheckList', () => {
  const listed = CHECKS.map((c) => c.metadata);

  it('lists every check with its resource, severities and title, within the width, ids whole', () => {
    for (const width of [60, 80, 160]) {
      const lines = renderCheckListTable(listed, width).trimEnd().split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      for (const check of listed) expect(lines.some((l) => l.split(' ')[0] === check.id)).toBe(true);
    }
  });

  it('gives JSON with the same checks', () => {
    const json = JSON.parse(renderCheckListJson(listed)) as { id: string; severities: string[] }[];
    expect(json.map((c) => c.id)).toEqual(listed.map((c) => c.id));
    expect(json.find((c) => c.id === 'irsa-trust-policy')?.severities).toEqual([
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
    ]);
  });
});
