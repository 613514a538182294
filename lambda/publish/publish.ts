/**
 * Publishes a scan to Security Hub, one account and region at a time, each into that account's own
 * Security Hub (the default product ARN accepts findings only from the account they belong to).
 * Only scopes the scan completed are touched; nothing at all is sent where our findings could not be read.
 */
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import pLimit from 'p-limit';
import type { Check } from '../checks/types';
import { GLOBAL_REGION } from '../collect/identity';
import { describeAwsError } from '../errors';
import { compareText } from '../model/order';
import type { CheckResult } from '../model/result';
import type { Inventory, ScanReport } from '../scan/scan';
import { productArn } from './asff-mapper';
import { type AsffFinding, findingProblems } from './asff-schema';
import { type ExistingFinding, planScope } from './lifecycle';
import { type ImportFailure, importFindings, type RateLimits, readOurFindings } from './securityhub';

export interface PublishTarget {
  readonly accountId: string;
  readonly region: string;
  /** Findings sent and accepted, archived ones included. */
  readonly imported: number;
  readonly archived: number;
  /** NOT_AVAILABLE results left over their existing finding. */
  readonly kept: number;
  readonly failed: number;
  /** Check ids whose findings were not touched because that check did not complete here. */
  readonly skippedChecks: readonly string[];
  /** Why our findings here could not be read back: nothing was imported or archived here. */
  readonly readError?: string;
}

export interface PublishSummary {
  readonly targets: readonly PublishTarget[];
  readonly failures: readonly ImportFailure[];
  /** Findings that failed validation and were not sent: a bug in the scanner, reported here. */
  readonly invalidFindings: readonly { readonly id: string; readonly problems: readonly string[] }[];
}

export interface PublishOptions {
  /** The Security Hub client of that account (its own credentials) in that region. */
  securityHub(accountId: string, region: string): SecurityHubClient;
  readonly checks: readonly Check[];
  readonly clock?: () => Date;
  readonly rates?: RateLimits;
  /** Account regions published at once; Security Hub limits each separately. @default 16 */
  readonly concurrency?: number;
}

interface Scope {
  readonly accountId: string;
  readonly region: string;
  readonly completedChecks: readonly string[];
  readonly skippedChecks: readonly string[];
}

/**
 * Which checks completed where: cluster and node-group checks in every scanned region; role checks in a scanned
 * region only when the account's IAM data was read too, and every cluster there was described (an
 * IRSA finding names the cluster of its issuer, so a cluster missing from the picture would move it).
 */
export function completedScopes(report: ScanReport, checks: readonly Check[], inventory: Inventory): Scope[] {
  const clusterChecks = checks
    .filter((c) => c.metadata.resourceType !== 'AwsIamRole')
    .map((c) => c.metadata.id);
  const roleChecks = checks.filter((c) => c.metadata.resourceType === 'AwsIamRole').map((c) => c.metadata.id);
  const scanned = (accountId: string, region: string) =>
    report.targets.some((t) => t.accountId === accountId && t.region === region && t.status === 'SCANNED');
  return report.targets
    .filter((t) => t.region !== GLOBAL_REGION && t.status === 'SCANNED')
    .map((t) => {
      const iam =
        scanned(t.accountId, GLOBAL_REGION) && !inventory.undescribedScopes.has(`${t.accountId}/${t.region}`);
      return {
        accountId: t.accountId,
        region: t.region,
        completedChecks: iam ? [...clusterChecks, ...roleChecks] : clusterChecks,
        skippedChecks: iam ? [] : roleChecks,
      };
    });
}

/** The findings a scan would import, without reading Security Hub (for `--format asff`). */
export function previewFindings(
  report: ScanReport,
  inventory: Inventory,
  checks: readonly Check[],
  now: Date,
): AsffFinding[] {
  return completedScopes(report, checks, inventory).flatMap(
    (scope) => planScope(resultsOf(report.results, scope), scope.completedChecks, [], inventory, now).imports,
  );
}

export async function publishFindings(
  report: ScanReport,
  inventory: Inventory,
  options: PublishOptions,
): Promise<PublishSummary> {
  const clock = options.clock ?? (() => new Date());
  const limit = pLimit(options.concurrency ?? 16);
  const failures: ImportFailure[] = [];
  const invalidFindings: { id: string; problems: string[] }[] = [];
  const targets = await Promise.all(
    completedScopes(report, options.checks, inventory).map((scope) =>
      limit(async (): Promise<PublishTarget> => {
        const client = options.securityHub(scope.accountId, scope.region);
        const partition = inventory.partitions.get(scope.accountId) ?? 'aws';
        const ref = { ...scope, productArn: productArn(partition, scope.region, scope.accountId) };
        let existing: ExistingFinding[];
        try {
          existing = await readOurFindings(client, ref, options.rates);
        } catch (error) {
          // Without the stored copies, imports would reset CreatedAt and archives would be guesses:
          // this scope is left exactly as it is, and the run reports it incomplete.
          return {
            accountId: scope.accountId,
            region: scope.region,
            imported: 0,
            archived: 0,
            kept: 0,
            failed: 0,
            skippedChecks: scope.completedChecks,
            readError: `securityhub:GetFindings failed: ${describeAwsError(error)}`,
          };
        }
        const plan = planScope(
          resultsOf(report.results, scope),
          scope.completedChecks,
          existing,
          inventory,
          clock(),
        );
        const valid: AsffFinding[] = [];
        for (const finding of [...plan.imports, ...plan.archives]) {
          const problems = findingProblems(finding);
          if (problems.length === 0) valid.push(finding);
          else invalidFindings.push({ id: finding.Id ?? '(no id)', problems });
        }
        const outcome = await importFindings(client, valid, options.rates ? { rates: options.rates } : {});
        failures.push(...outcome.failed);
        const failedIds = new Set(outcome.failed.map((f) => f.id));
        return {
          accountId: scope.accountId,
          region: scope.region,
          imported: outcome.imported,
          archived: plan.archives.filter((f) => valid.includes(f) && !failedIds.has(f.Id)).length,
          kept: plan.kept.length,
          failed: outcome.failed.length + (plan.imports.length + plan.archives.length - valid.length),
          skippedChecks: scope.skippedChecks,
        };
      }),
    ),
  );
  return {
    targets: targets.sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region)),
    failures: failures.sort((a, b) => compareText(a.id, b.id)),
    invalidFindings: invalidFindings.sort((a, b) => compareText(a.id, b.id)),
  };
}

function resultsOf(results: readonly CheckResult[], scope: Scope): CheckResult[] {
  const checks = new Set(scope.completedChecks);
  return results.filter(
    (r) => r.accountId === scope.accountId && r.region === scope.region && checks.has(r.checkId),
  );
}

/** True when publishing left something undone: the CLI and the Lambda report it as incomplete. */
export function publishIncomplete(summary: PublishSummary): boolean {
  return (
    summary.failures.length > 0 ||
    summary.invalidFindings.length > 0 ||
    summary.targets.some((t) => t.readError)
  );
}
