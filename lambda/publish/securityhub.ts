/**
 * Security Hub I/O: reading our findings back and importing new versions of them, within the
 * documented rate limits and with every partial failure accounted for.
 *
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetFindings.html
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandOutput,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import pThrottle from 'p-throttle';
import { describeAwsError } from '../errors';
import { GENERATOR_PREFIX } from '../model/finding-id';
import type { ImportFailure } from '../model/report';
import type { OptionalService } from '../service';
import type { AsffFinding } from './asff-schema';
import type { ExistingFinding } from './lifecycle';

/** Only publishing runs load the Security Hub SDK. */
export const SECURITY_HUB: OptionalService<SecurityHubClient> = {
  id: 'securityhub',
  Client: SecurityHubClient,
};

/** BatchImportFindings takes at most 100 findings a call. */
export const MAX_BATCH_FINDINGS = 100;
/** Kept well under the API's request size limit. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export interface ScopeRef {
  readonly accountId: string;
  readonly region: string;
  readonly productArn: string;
}

export interface RateLimits {
  /** GetFindings: 3 requests a second per account and region. */
  readonly readsPerSecond: number;
  /** BatchImportFindings: 10 requests a second (burst 30) per account and region. */
  readonly importsPerSecond: number;
}

export const SECURITY_HUB_RATES: RateLimits = { readsPerSecond: 3, importsPerSecond: 10 };

/**
 * Our findings in one account and region, both record states. The same predicates are applied
 * on this side too, so an endpoint that ignores filters (as emulators do) still gives only ours.
 */
export async function readOurFindings(
  client: SecurityHubClient,
  scope: ScopeRef,
  rates: RateLimits = SECURITY_HUB_RATES,
): Promise<ExistingFinding[]> {
  const send = pThrottle({ limit: rates.readsPerSecond, interval: 1000 })((token?: string) =>
    client.send(
      new GetFindingsCommand({
        Filters: {
          ProductArn: [{ Value: scope.productArn, Comparison: 'EQUALS' }],
          GeneratorId: [{ Value: GENERATOR_PREFIX, Comparison: 'PREFIX' }],
          AwsAccountId: [{ Value: scope.accountId, Comparison: 'EQUALS' }],
          Region: [{ Value: scope.region, Comparison: 'EQUALS' }],
        },
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    ),
  );
  const found: ExistingFinding[] = [];
  let token: string | undefined;
  do {
    const page = await send(token);
    found.push(...(page.Findings ?? []).filter((f) => isOurs(f, scope)).map(asExisting));
    token = page.NextToken || undefined;
  } while (token);
  return found;
}

function isOurs(finding: AwsSecurityFinding, scope: ScopeRef): boolean {
  return (
    finding.ProductArn === scope.productArn &&
    (finding.GeneratorId ?? '').startsWith(GENERATOR_PREFIX) &&
    finding.AwsAccountId === scope.accountId &&
    // Security Hub fills Region in; an emulator that does not keeps findings per region anyway.
    (finding.Region === undefined || finding.Region === null || finding.Region === scope.region)
  );
}

function asExisting(finding: AwsSecurityFinding): ExistingFinding {
  return finding as unknown as ExistingFinding;
}

export interface ImportOutcome {
  readonly imported: number;
  /** What failed: a finding each, or one entry for findings Security Hub counted but did not name. */
  readonly failed: ImportFailure[];
  /** How many findings were not imported. */
  readonly failedCount: number;
  readonly retried: number;
}

const RETRYABLE_CODE = /throttl|limitexceeded|toomanyrequests|internal|unavailable|timeout/i;

/**
 * Imports findings in batches of at most 100 and 4 MB, at most `importsPerSecond` calls a second.
 * A 200 answer with `FailedCount` is not success: each failed finding is retried while its error
 * is transient (up to `maxRounds` rounds, backing off), and reported otherwise.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: readonly AsffFinding[],
  options: { rates?: RateLimits; maxRounds?: number; backoffMs?: number } = {},
): Promise<ImportOutcome> {
  const rates = options.rates ?? SECURITY_HUB_RATES;
  const send = pThrottle({ limit: rates.importsPerSecond, interval: 1000 })((batch: AsffFinding[]) =>
    client.send(new BatchImportFindingsCommand({ Findings: batch as AwsSecurityFinding[] })),
  );
  const maxRounds = options.maxRounds ?? 4;
  let pending = [...findings];
  let imported = 0;
  let retried = 0;
  let unnamed = 0;
  const named: ImportFailure[] = [];
  const unnamedFailures: ImportFailure[] = [];
  for (let round = 1; pending.length > 0; round++) {
    const byId = new Map(pending.map((f) => [f.Id, f]));
    const outcomes = await Promise.all(batches(pending).map((batch) => importBatch(send, batch)));
    imported += outcomes.reduce((sum, o) => sum + o.imported, 0);
    // Findings counted as failed but not named cannot be told apart: reported as a count, never retried.
    for (const outcome of outcomes.filter((o) => o.unnamed > 0)) {
      unnamed += outcome.unnamed;
      unnamedFailures.push({
        id: `(${outcome.unnamed} of a batch of ${outcome.size} findings)`,
        errorCode: 'FailedCount',
        errorMessage: `BatchImportFindings counted ${outcome.unnamed} finding(s) as failed without naming them`,
      });
    }
    const failures = outcomes.flatMap((o) => o.failed);
    const transient = round < maxRounds ? failures.filter((f) => RETRYABLE_CODE.test(f.errorCode)) : [];
    named.push(...failures.filter((f) => !transient.includes(f)));
    pending = transient.flatMap((f) => byId.get(f.id) ?? []);
    retried += pending.length;
    if (pending.length > 0) await sleep((options.backoffMs ?? 500) * 2 ** (round - 1));
  }
  return { imported, failed: [...named, ...unnamedFailures], failedCount: named.length + unnamed, retried };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function importBatch(
  send: (batch: AsffFinding[]) => Promise<BatchImportFindingsCommandOutput>,
  batch: AsffFinding[],
): Promise<{ imported: number; failed: ImportFailure[]; unnamed: number; size: number }> {
  try {
    const answer = await send(batch);
    const failed = (answer.FailedFindings ?? []).map((f) => ({
      id: f.Id ?? '(no id)',
      errorCode: f.ErrorCode ?? 'Unknown',
      errorMessage: f.ErrorMessage ?? '',
    }));
    // FailedCount without FailedFindings still means that many findings were not imported; which
    // ones is not known, so no finding is named for them.
    const unnamed = Math.max(0, (answer.FailedCount ?? 0) - failed.length);
    return { imported: batch.length - failed.length - unnamed, failed, unnamed, size: batch.length };
  } catch (error) {
    const code = (error as { name?: string }).name ?? 'Error';
    return {
      imported: 0,
      failed: batch.map((f) => ({ id: f.Id, errorCode: code, errorMessage: describeAwsError(error) })),
      unnamed: 0,
      size: batch.length,
    };
  }
}

/** Splits findings into batches of at most 100 findings and MAX_BATCH_BYTES. */
export function batches(findings: readonly AsffFinding[]): AsffFinding[][] {
  const result: AsffFinding[][] = [];
  let current: AsffFinding[] = [];
  let bytes = 0;
  for (const finding of findings) {
    const size = Buffer.byteLength(JSON.stringify(finding));
    if (current.length > 0 && (current.length >= MAX_BATCH_FINDINGS || bytes + size > MAX_BATCH_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(finding);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}
