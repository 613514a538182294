/**
 * Publishes a scan to Security Hub, one account and region at a time, each into that account's own
 * Security Hub (the default product ARN accepts findings only from the account they belong to).
 * Only scopes the scan's coverage names are touched, and in them only the checks that completed;
 * nothing at all is sent where our findings could not be read.
 */
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import pLimit from 'p-limit';
import { describeAwsError } from '../errors';
import { productArn } from '../model/arn';
import type { Coverage, ScopeCoverage } from '../model/coverage';
import { compareText } from '../model/order';
import type { ImportFailure, PublishSummary, PublishTarget, ScanReport } from '../model/report';
import type { ScanSnapshot } from '../model/snapshot';
import { describeResources, type ResourceDescriptions } from './asff-mapper';
import { type AsffFinding, findingProblems } from './asff-schema';
import { type ExistingFinding, planScope } from './lifecycle';
import { importFindings, type RateLimits, readOurFindings } from './securityhub';

/** What the publisher needs of a scan: its results, what it completed, and what it read. */
export interface ScanToPublish {
  readonly report: Pick<ScanReport, 'results'>;
  readonly coverage: Coverage;
  readonly snapshot: ScanSnapshot;
}

export interface PublishOptions {
  /** The Security Hub client of that account (its own credentials) in that region. */
  securityHub(accountId: string, region: string): SecurityHubClient;
  readonly clock?: () => Date;
  readonly rates?: RateLimits;
  /**
   * Account regions published at once; Security Hub limits each separately. @default 32, the scan's own
   * bound (8 accounts of 4 regions), and every region of one account in one wave.
   */
  readonly concurrency?: number;
  /** An unchanged finding is sent again once its last import is this many days old. @default 7 */
  readonly refreshUnchangedDays?: number;
}

/** The findings a scan would import, without reading Security Hub (for `--format asff`). */
export function previewFindings(scan: ScanToPublish, now: Date): AsffFinding[] {
  const descriptions = describeResources(scan.snapshot);
  return scan.coverage.scopes.flatMap(
    (scope) => planScope(scan.report.results, scope, [], descriptions, now).imports,
  );
}

export async function publishFindings(scan: ScanToPublish, options: PublishOptions): Promise<PublishSummary> {
  const clock = options.clock ?? (() => new Date());
  const limit = pLimit(options.concurrency ?? 32);
  const descriptions = describeResources(scan.snapshot);
  const failures: ImportFailure[] = [];
  const invalidFindings: { id: string; problems: string[] }[] = [];
  const targets = await Promise.all(
    scan.coverage.scopes.map((scope) =>
      limit(async (): Promise<PublishTarget> => {
        const outcome = await publishScope(scan, scope, descriptions, options, clock);
        failures.push(...outcome.failures);
        invalidFindings.push(...outcome.invalid);
        return outcome.target;
      }),
    ),
  );
  return {
    targets: targets.sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region)),
    failures: failures.sort((a, b) => compareText(a.id, b.id)),
    invalidFindings: invalidFindings.sort((a, b) => compareText(a.id, b.id)),
  };
}

async function publishScope(
  scan: ScanToPublish,
  scope: ScopeCoverage,
  descriptions: ResourceDescriptions,
  options: PublishOptions,
  clock: () => Date,
): Promise<{
  target: PublishTarget;
  failures: ImportFailure[];
  invalid: { id: string; problems: string[] }[];
}> {
  const client = options.securityHub(scope.accountId, scope.region);
  const ref = { ...scope, productArn: productArn(scope.partition, scope.region, scope.accountId) };
  const skippedChecks = scope.skippedChecks.map((s) => s.checkId);
  let existing: ExistingFinding[];
  try {
    existing = await readOurFindings(client, ref, options.rates);
  } catch (error) {
    // Without the stored copies, imports would reset CreatedAt and archives would be guesses:
    // this scope is left exactly as it is, and the run reports it incomplete.
    return {
      target: {
        accountId: scope.accountId,
        region: scope.region,
        imported: 0,
        archived: 0,
        kept: 0,
        unchanged: 0,
        failed: 0,
        skippedChecks: scope.completedChecks,
        readError: `securityhub:GetFindings failed: ${describeAwsError(error)}`,
      },
      failures: [],
      invalid: [],
    };
  }
  const plan = planScope(
    scan.report.results,
    scope,
    existing,
    descriptions,
    clock(),
    options.refreshUnchangedDays === undefined ? {} : { refreshUnchangedDays: options.refreshUnchangedDays },
  );
  const valid: AsffFinding[] = [];
  const invalid: { id: string; problems: string[] }[] = [];
  for (const finding of [...plan.imports, ...plan.archives]) {
    const problems = findingProblems(finding);
    if (problems.length === 0) valid.push(finding);
    else invalid.push({ id: finding.Id ?? '(no id)', problems });
  }
  const outcome = await importFindings(client, valid, options.rates ? { rates: options.rates } : {});
  const failedIds = new Set(outcome.failed.map((f) => f.id));
  return {
    target: {
      accountId: scope.accountId,
      region: scope.region,
      imported: outcome.imported,
      archived: plan.archives.filter((f) => valid.includes(f) && !failedIds.has(f.Id)).length,
      kept: plan.kept.length,
      unchanged: plan.unchanged.length,
      failed: outcome.failedCount + invalid.length,
      skippedChecks,
    },
    failures: outcome.failed,
    invalid,
  };
}
