/**
 * A whole run, as the CLI and the Lambda both do it: scan the targets, then (when asked) publish
 * each account's findings into its own Security Hub, and count the calls of both.
 */

import type { Coverage } from '../model/coverage';
import type { RunReport } from '../model/report';
import type { ScanSnapshot } from '../model/snapshot';
import type { RateLimits } from '../publish/securityhub';
import { runScan, type ScanOptions } from './scan';
import { clientsFor, type ResolvedTargets } from './targets';

export interface RunOptions extends Omit<ScanOptions, 'accounts'> {
  readonly targets: ResolvedTargets;
  readonly publish: boolean;
  /** Security Hub call rates; the documented limits unless a test speeds them up. */
  readonly rates?: RateLimits;
  /** Unchanged findings are re-imported once this many days have passed since their last import. */
  readonly refreshUnchangedDays?: number;
}

/** A run's report (with what publishing did, when it published), coverage and snapshots. */
export interface Run {
  readonly report: RunReport;
  readonly coverage: Coverage;
  readonly snapshot: ScanSnapshot;
}

export async function scanAndPublish(options: RunOptions): Promise<Run> {
  const { targets, publish, rates, refreshUnchangedDays, ...scan } = options;
  const run = await runScan({ ...scan, accounts: targets.accounts });
  if (!publish) return run;
  // Loaded by publishing runs only: a scan alone does not load the Security Hub SDK.
  const [{ publishFindings }, { SECURITY_HUB }] = await Promise.all([
    import('../publish/publish'),
    import('../publish/securityhub'),
  ]);
  const summary = await publishFindings(run, {
    // Each account's findings go into its own Security Hub, with its own credentials.
    securityHub: (accountId, region) => clientsFor(targets, accountId).service(SECURITY_HUB, region),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(rates ? { rates } : {}),
    ...(refreshUnchangedDays !== undefined ? { refreshUnchangedDays } : {}),
  });
  // The calls of publishing are part of the run's cost too.
  const stats = { ...run.report.stats, apiCalls: options.apiCalls.snapshot() };
  return { ...run, report: { ...run.report, stats, publish: summary } };
}
