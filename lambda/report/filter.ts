/**
 * What a run reports, narrowed for its reader: by severity, status and muting. Only the report is
 * narrowed; what was published, archived and what decides the exit code are the whole run's.
 */
import type { RunReport } from '../model/report';
import { type ResultStatus, type Severity, severityRank } from '../model/result';

export interface ReportFilter {
  /** Results below this severity are left out (PASSED and NOT_AVAILABLE are INFORMATIONAL). */
  readonly minSeverity?: Severity;
  /** Only results with one of these statuses. */
  readonly statuses?: readonly ResultStatus[];
  /** Leave out the results a mutelist entry accepts. */
  readonly hideMuted?: boolean;
}

export function filterReport(report: RunReport, filter: ReportFilter): RunReport {
  const { minSeverity, statuses, hideMuted } = filter;
  if (minSeverity === undefined && statuses === undefined && !hideMuted) return report;
  const results = report.results.filter(
    (r) =>
      (minSeverity === undefined || severityRank(r.severity) >= severityRank(minSeverity)) &&
      (statuses === undefined || statuses.includes(r.status)) &&
      !(hideMuted && r.muted),
  );
  return { ...report, results };
}
