import { type CheckResult, SEVERITIES, type Severity, STATUSES, severityRank } from '../model/result';
import { publishIncomplete } from '../publish/publish';
import type { ScanReport } from '../scan/scan';

export interface ScanSummary {
  readonly byStatus: Record<string, number>;
  readonly failedBySeverity: Record<string, number>;
  readonly targets: number;
  readonly failedTargets: number;
}

export function summarize(report: ScanReport): ScanSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const failedBySeverity = Object.fromEntries(
    SEVERITIES.filter((s) => s !== 'INFORMATIONAL').map((s) => [s, 0]),
  );
  for (const result of report.results) {
    byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
    if (result.status === 'FAILED')
      failedBySeverity[result.severity] = (failedBySeverity[result.severity] ?? 0) + 1;
  }
  return {
    byStatus,
    failedBySeverity,
    targets: report.targets.length,
    failedTargets: report.targets.filter((t) => t.status === 'FAILED').length,
  };
}

/** FAILED results at or above a severity. */
export function failuresAtOrAbove(results: readonly CheckResult[], threshold: Severity): CheckResult[] {
  return results.filter((r) => r.status === 'FAILED' && severityRank(r.severity) >= severityRank(threshold));
}

/** Exit codes of the CLI, documented in `--help` and the README. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, INCOMPLETE: 3 } as const;

/**
 * 3 when a target could not be scanned or its findings not all published (an incomplete run is
 * never reported as a clean or merely failing one), else 1 when a FAILED result reaches `failOn`, else 0.
 */
export function exitCodeFor(report: ScanReport, failOn?: Severity): number {
  if (report.targets.some((t) => t.status === 'FAILED')) return EXIT.INCOMPLETE;
  if (report.publish && publishIncomplete(report.publish)) return EXIT.INCOMPLETE;
  if (failOn !== undefined && failuresAtOrAbove(report.results, failOn).length > 0) return EXIT.FINDINGS;
  return EXIT.OK;
}
