import type { DiscoveryReport, PublishSummary, RunReport } from '../model/report';
import { type CheckResult, SEVERITIES, type Severity, STATUSES, severityRank } from '../model/result';

export interface PublishTotals {
  readonly imported: number;
  readonly archived: number;
  readonly kept: number;
  /** Not sent: same content as stored, imported less than the refresh interval ago. */
  readonly unchanged: number;
  readonly failed: number;
  /** Account regions published to. */
  readonly scopes: number;
}

export interface ScanSummary {
  /** Every result by status, muted ones included. */
  readonly byStatus: Record<string, number>;
  /** Unmuted FAILED results by severity: what fails a run. */
  readonly failedBySeverity: Record<string, number>;
  /** Results a mutelist entry accepts, whatever their status. */
  readonly muted: number;
  readonly targets: number;
  readonly failedTargets: number;
  /** Present when the run published. */
  readonly published?: PublishTotals;
  /** One line on which discovery ran, when one was configured (for a footer). */
  readonly discovery?: string;
}

export function summarize(report: RunReport): ScanSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const failedBySeverity = Object.fromEntries(
    SEVERITIES.filter((s) => s !== 'INFORMATIONAL').map((s) => [s, 0]),
  );
  let muted = 0;
  for (const result of report.results) {
    byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
    if (result.muted) muted += 1;
    else if (result.status === 'FAILED')
      failedBySeverity[result.severity] = (failedBySeverity[result.severity] ?? 0) + 1;
  }
  return {
    byStatus,
    failedBySeverity,
    muted,
    targets: report.targets.length,
    failedTargets: report.targets.filter((t) => t.status === 'FAILED').length,
    ...(report.publish ? { published: publishTotals(report.publish) } : {}),
    ...(report.discovery ? { discovery: discoveryLine(report.discovery) } : {}),
  };
}

/** `Discovery: config:org skipped 31 account regions proven empty.`, or why it fell back. */
export function discoveryLine(discovery: DiscoveryReport): string {
  if (discovery.kind === 'list') return 'Discovery: list (every region listed).';
  const name = `config:${discovery.aggregator}`;
  return discovery.fallback === undefined
    ? `Discovery: ${name} skipped ${discovery.skipped} account regions proven to hold no cluster.`
    : `Discovery: ${name} failed, every region listed: ${discovery.fallback}.`;
}

function publishTotals(summary: PublishSummary): PublishTotals {
  const total = (key: 'imported' | 'archived' | 'kept' | 'unchanged' | 'failed') =>
    summary.targets.reduce((sum, t) => sum + t[key], 0);
  return {
    imported: total('imported'),
    archived: total('archived'),
    kept: total('kept'),
    unchanged: total('unchanged'),
    failed: total('failed'),
    scopes: summary.targets.length,
  };
}

/** Unmuted FAILED results at or above a severity: an accepted risk never fails a run. */
export function failuresAtOrAbove(results: readonly CheckResult[], threshold: Severity): CheckResult[] {
  return results.filter(
    (r) => r.status === 'FAILED' && !r.muted && severityRank(r.severity) >= severityRank(threshold),
  );
}
