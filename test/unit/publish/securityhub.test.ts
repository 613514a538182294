/** Security Hub I/O with aws-sdk-client-mock: partial failures and throttled answers moto never gives. */
import {
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AsffFinding } from '../../../lambda/publish/asff-schema';
import { batches, importFindings, readOurFindings } from '../../../lambda/publish/securityhub';
import { aClusterResult, mapFinding } from '../../support/results';

const hub = mockClient(SecurityHubClient);
afterEach(() => hub.reset());

const NOW = new Date('2026-11-23T12:00:00Z');
const FAST = { rates: { readsPerSecond: 1000, importsPerSecond: 1000 }, backoffMs: 1 };

function findings(count: number): AsffFinding[] {
  return Array.from({ length: count }, (_, i) =>
    mapFinding(
      aClusterResult({
        resource: {
          type: 'AwsEksCluster',
          id: `arn:aws:eks:eu-west-1:111122223333:cluster/c${i}`,
          name: `c${i}`,
        },
      }),
      NOW,
    ),
  );
}

describe('Function: importFindings', () => {
  it('sends at most 100 findings a call', async () => {
    hub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({
      SuccessCount: input.Findings.length,
      FailedCount: 0,
      FailedFindings: [],
    }));

    const outcome = await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), findings(250), FAST);

    expect(hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length)).toEqual(
      [100, 100, 50],
    );
    expect(outcome).toEqual({ imported: 250, failed: [], failedCount: 0, retried: 0 });
  });

  it('retries findings that failed for a transient reason in a 200 answer', async () => {
    const sent = findings(3);
    hub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        SuccessCount: 1,
        FailedCount: 2,
        FailedFindings: [
          { Id: sent[1]?.Id, ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { Id: sent[2]?.Id, ErrorCode: 'InternalException', ErrorMessage: 'try again' },
        ],
      })
      .resolves({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });

    const outcome = await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), sent, FAST);

    expect(outcome).toEqual({ imported: 3, failed: [], failedCount: 0, retried: 2 });
    expect(hub.commandCalls(BatchImportFindingsCommand)[1]?.args[0].input.Findings?.map((f) => f.Id)).toEqual(
      [sent[1]?.Id, sent[2]?.Id],
    );
  });

  it('reports findings that failed for a lasting reason, without retrying them', async () => {
    const sent = findings(2);
    hub.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 1,
      FailedCount: 1,
      FailedFindings: [
        { Id: sent[0]?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' },
      ],
    });

    const outcome = await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), sent, FAST);

    expect(outcome.imported).toBe(1);
    expect(outcome.failed).toEqual([
      { id: sent[0]?.Id, errorCode: 'InvalidInput', errorMessage: 'Finding does not adhere to ASFF' },
    ]);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
  });

  it('does not take FailedCount in a 200 answer for success, even without FailedFindings', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 1 });

    const outcome = await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), findings(2), FAST);

    expect(outcome.imported).toBe(1);
    expect(outcome.failed).toHaveLength(1);
  });

  it('reports a FailedCount without FailedFindings as a count, blaming no finding it did not name', async () => {
    const sent = findings(3);
    hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 2 });

    const outcome = await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), sent, FAST);

    expect(outcome).toMatchObject({ imported: 1, failedCount: 2, retried: 0 });
    expect(outcome.failed).toEqual([
      {
        id: '(2 of a batch of 3 findings)',
        errorCode: 'FailedCount',
        errorMessage: 'BatchImportFindings counted 2 finding(s) as failed without naming them',
      },
    ]);
    const sentIds = new Set(sent.map((f) => f.Id));
    expect(outcome.failed.some((f) => sentIds.has(f.id))).toBe(false);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
  });

  it('reports every finding of a call that failed outright, and gives up transient ones after the last round', async () => {
    hub
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const outcome = await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), findings(2), {
      ...FAST,
      maxRounds: 3,
    });

    expect(outcome.imported).toBe(0);
    expect(outcome.failed.map((f) => f.errorCode)).toEqual(['ThrottlingException', 'ThrottlingException']);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(3);
  });
});

describe('Function: batches', () => {
  it('splits by count and by request size', () => {
    // 300 KB each (beyond what validation lets through, to reach the size bound): 13 fit in 4 MB.
    const big = findings(30).map((f) => ({ ...f, ProductFields: { blob: 'x'.repeat(300_000) } }));
    expect(batches(big).map((b) => b.length)).toEqual([13, 13, 4]);
    expect(batches(findings(201)).map((b) => b.length)).toEqual([100, 100, 1]);
  });
});

describe('Function: readOurFindings', () => {
  const scope = {
    accountId: '111122223333',
    region: 'eu-west-1',
    productArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
  };

  it('filters on our product and generator prefix, follows pages, and filters again on this side', async () => {
    hub
      .on(GetFindingsCommand)
      .resolvesOnce({
        Findings: [
          { ...findings(1)[0], Id: 'ours-1' } as never,
          { ...findings(1)[0], Id: 'other-generator', GeneratorId: 'prowler-eks' } as never,
        ],
        NextToken: 'next',
      })
      .resolvesOnce({
        Findings: [
          { ...findings(1)[0], Id: 'ours-2' } as never,
          {
            ...findings(1)[0],
            Id: 'guardduty',
            ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty',
          } as never,
          { ...findings(1)[0], Id: 'other-region', Region: 'us-east-1' } as never,
          { ...findings(1)[0], Id: 'other-account', AwsAccountId: '444455556666' } as never,
        ],
      });

    const found = await readOurFindings(new SecurityHubClient({ region: 'eu-west-1' }), scope, FAST.rates);

    expect(found.map((f) => f.Id)).toEqual(['ours-1', 'ours-2']);
    const first = hub.commandCalls(GetFindingsCommand)[0]?.args[0].input;
    expect(first?.Filters).toMatchObject({
      ProductArn: [{ Value: scope.productArn, Comparison: 'EQUALS' }],
      GeneratorId: [{ Value: 'eks-posture/', Comparison: 'PREFIX' }],
    });
    expect(hub.commandCalls(GetFindingsCommand)[1]?.args[0].input.NextToken).toBe('next');
  });

  it('throws when Security Hub cannot be read, so the caller archives nothing', async () => {
    hub
      .on(GetFindingsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));

    await expect(
      readOurFindings(new SecurityHubClient({ region: 'eu-west-1' }), scope, FAST.rates),
    ).rejects.toThrow('Rate exceeded');
  });
});
