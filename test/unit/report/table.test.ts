import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../lambda/model/report';
import { renderTable } from '../../../lambda/report/table';
import { ACCOUNT, REGION } from '../../support/factories';
import { aClusterResult, aScope } from '../../support/results';

const report: RunReport = {
  schemaVersion: 1,
  scanId: 's',
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:00:01.000Z',
  targets: [{ accountId: ACCOUNT, region: REGION, status: 'SCANNED' }],
  results: [aClusterResult()],
  stats: { apiCalls: {}, durationMs: 1000 },
};

describe('Function: renderTable', () => {
  it('says what the scan could not settle, and why, after the results', () => {
    const coverage = {
      scopes: [
        aScope(['endpoint-public-access'], {
          skippedChecks: [
            { checkId: 'irsa-trust-policy', reason: "the account's IAM data could not be read" },
          ],
          unsettled: [
            {
              type: 'AwsEksNodegroup',
              clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/blue`,
              reason: 'eks:ListNodegroups failed: AccessDeniedException',
            },
            {
              type: 'AwsEksNodegroup',
              clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/green`,
              name: 'gpu',
              reason: 'eks:DescribeNodegroup failed: throttled',
            },
          ],
        }),
      ],
    };

    const text = renderTable(report, { width: 160, coverage });

    expect(text).toContain('Not judged in full');
    expect(text).toContain(
      `${ACCOUNT} ${REGION}: the node groups of cluster blue: eks:ListNodegroups failed: AccessDeniedException`,
    );
    expect(text).toContain(
      `${ACCOUNT} ${REGION}: node group green/gpu: eks:DescribeNodegroup failed: throttled`,
    );
    expect(text).toContain(`irsa-trust-policy not completed: the account's IAM data could not be read`);
  });

  it('adds nothing when everything was settled', () => {
    const text = renderTable(report, { width: 160, coverage: { scopes: [aScope()] } });
    expect(text).not.toContain('Not judged in full');
  });
});
