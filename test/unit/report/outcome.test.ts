import { describe, expect, it } from 'vitest';
import type { PublishSummary, RunReport } from '../../../lambda/model/report';
import { EXIT, runOutcome } from '../../../lambda/report/outcome';
import { ACCOUNT, REGION } from '../../support/factories';
import { aClusterResult } from '../../support/results';

const report = (changes: Partial<RunReport> = {}): RunReport => ({
  schemaVersion: 1,
  scanId: 's',
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:00:01.000Z',
  targets: [{ accountId: ACCOUNT, region: REGION, status: 'SCANNED' }],
  results: [aClusterResult({ severity: 'HIGH' })],
  stats: { apiCalls: {}, durationMs: 1000 },
  ...changes,
});

const published = (changes: Partial<PublishSummary> = {}): PublishSummary => ({
  targets: [
    {
      accountId: ACCOUNT,
      region: REGION,
      imported: 1,
      archived: 0,
      kept: 0,
      unchanged: 0,
      failed: 0,
      skippedChecks: [],
    },
  ],
  failures: [],
  invalidFindings: [],
  ...changes,
});

describe('Function: runOutcome', () => {
  it('is complete, exit 0, without a threshold; exit 1 when a FAILED result reaches it', () => {
    expect(runOutcome(report())).toEqual({ complete: true, gaps: [], exitCode: EXIT.OK });
    expect(runOutcome(report(), 'HIGH').exitCode).toBe(EXIT.FINDINGS);
    expect(runOutcome(report(), 'CRITICAL').exitCode).toBe(EXIT.OK);
  });

  it('is incomplete, exit 3 whatever the findings, when a target failed, saying which', () => {
    const outcome = runOutcome(
      report({
        targets: [{ accountId: ACCOUNT, region: 'global', status: 'FAILED', error: 'AccessDenied' }],
      }),
      'LOW',
    );
    expect(outcome).toEqual({
      complete: false,
      gaps: [`${ACCOUNT} global: AccessDenied`],
      exitCode: EXIT.INCOMPLETE,
    });
  });

  it.each([
    [
      'a finding not imported',
      published({ failures: [{ id: 'f', errorCode: 'InvalidInput', errorMessage: 'x' }] }),
    ],
    [
      'an invalid finding',
      published({ invalidFindings: [{ id: 'f', problems: ['Title: must not be blank'] }] }),
    ],
    [
      'findings that could not be read back',
      published({
        targets: [
          {
            accountId: ACCOUNT,
            region: REGION,
            imported: 0,
            archived: 0,
            kept: 0,
            unchanged: 0,
            failed: 0,
            skippedChecks: [],
            readError: 'securityhub:GetFindings failed: AccessDeniedException',
          },
        ],
      }),
    ],
  ])('is incomplete when publishing left %s', (_, publish) => {
    expect(runOutcome(report({ publish }))).toMatchObject({
      complete: false,
      publishIncomplete: true,
      exitCode: EXIT.INCOMPLETE,
    });
  });

  it('is complete when everything was published', () => {
    expect(runOutcome(report({ publish: published() }))).toMatchObject({
      complete: true,
      publishIncomplete: false,
    });
  });
});
