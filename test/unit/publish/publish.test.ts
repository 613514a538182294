/** Publishing when Security Hub cannot be read back: mocked, because moto never refuses GetFindings. */
import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../../lambda/model/report';
import { publishFindings } from '../../../lambda/publish/publish';
import { runOutcome } from '../../../lambda/report/outcome';
import { ACCOUNT, aCluster, aScan, REGION } from '../../support/factories';
import { aClusterResult, aScope } from '../../support/results';

const hub = mockClient(SecurityHubClient);
afterEach(() => hub.reset());

const report: ScanReport = {
  schemaVersion: 1,
  scanId: 'scan',
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:00:01.000Z',
  targets: [
    { accountId: ACCOUNT, region: REGION, status: 'SCANNED' },
    { accountId: ACCOUNT, region: 'global', status: 'SCANNED' },
  ],
  results: [aClusterResult()],
  stats: { apiCalls: {}, durationMs: 1000 },
};

describe('Function: publishFindings', () => {
  it('sends nothing to a region whose findings cannot be read back, and says so', async () => {
    hub
      .on(GetFindingsCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    const scan = { report, coverage: { scopes: [aScope()] }, snapshot: aScan({ clusters: [aCluster()] }) };
    const summary = await publishFindings(scan, {
      securityHub: () => new SecurityHubClient({ region: REGION }),
      rates: { readsPerSecond: 1000, importsPerSecond: 1000 },
    });

    // Importing without the stored copies would reset CreatedAt; archiving would be a guess.
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect(summary.targets).toEqual([
      expect.objectContaining({
        region: REGION,
        imported: 0,
        archived: 0,
        readError: 'securityhub:GetFindings failed: AccessDeniedException: User is not authorized',
      }),
    ]);
    expect(runOutcome({ ...report, publish: summary })).toMatchObject({ complete: false, exitCode: 3 });
  });
});
