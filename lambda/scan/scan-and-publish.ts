/**
 * A whole run, as the CLI and the Lambda both do it: scan the targets, then (when asked) publish
 * each account's findings into its own Security Hub, and count the calls of both.
 */

import { CHECKS } from '../checks/registry';
import type { Check } from '../checks/types';
import { publishFindings } from '../publish/publish';
import type { RateLimits } from '../publish/securityhub';
import { runScan, type ScanOptions, type ScanRun } from './scan';
import { clientsFor, type ResolvedTargets } from './targets';

export interface RunOptions extends Omit<ScanOptions, 'accounts'> {
  readonly targets: ResolvedTargets;
  readonly publish: boolean;
  /** Security Hub call rates; the documented limits unless a test speeds them up. */
  readonly rates?: RateLimits;
}

export async function scanAndPublish(options: RunOptions): Promise<ScanRun> {
  const { targets, publish, rates, ...scan } = options;
  const checks: readonly Check[] = options.checks ?? CHECKS;
  const run = await runScan({ ...scan, accounts: targets.accounts });
  if (!publish) return run;
  const summary = await publishFindings(run.report, run.inventory, {
    // Each account's findings go into its own Security Hub, with its own credentials.
    securityHub: (accountId, region) => clientsFor(targets, accountId).securityHub(region),
    checks,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(rates ? { rates } : {}),
  });
  // The calls of publishing are part of the run's cost too.
  const stats = { ...run.report.stats, apiCalls: options.apiCalls.snapshot() };
  return { ...run, report: { ...run.report, stats, publish: summary } };
}
