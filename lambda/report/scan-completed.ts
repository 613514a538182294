/**
 * The scan-completed event: what a run says of itself on the default event bus, for automation.
 * Its detail fields are a published contract.
 */
import type { RunReport } from '../model/report';
import type { RunOutcome } from './outcome';
import { summarize } from './summary';

export const SCAN_EVENT_SOURCE = 'eks-posture';
export const SCAN_EVENT_DETAIL_TYPE = 'EKS Posture Scan Completed';

export interface ScanCompleted {
  readonly scanId: string;
  /**
   * The run this scan is part of: the scan itself, or in fan-out mode the Step Functions execution
   * that scans every account, one invocation each.
   */
  readonly runId: string;
  /** The accounts this scan covered (in fan-out mode, the one account of this invocation). */
  readonly accounts: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: Record<string, number>;
  readonly failedBySeverity: Record<string, number>;
  /** Results a mutelist entry accepts (counted in `results` too, and never in `failedBySeverity`). */
  readonly muted: number;
  readonly targets: number;
  readonly failedTargets: readonly {
    readonly accountId: string;
    readonly region: string;
    readonly error?: string;
  }[];
  readonly published?: {
    readonly imported: number;
    readonly archived: number;
    readonly failed: number;
    /** False when a finding was not imported, or a region's findings could not be read back. */
    readonly complete: boolean;
  };
}

export function scanCompletedOf(
  report: RunReport,
  outcome: RunOutcome,
  runId = report.scanId,
): ScanCompleted {
  const summary = summarize(report);
  return {
    scanId: report.scanId,
    runId,
    accounts: [...new Set(report.targets.map((t) => t.accountId))].sort(),
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    results: summary.byStatus,
    failedBySeverity: summary.failedBySeverity,
    muted: summary.muted,
    targets: summary.targets,
    failedTargets: report.targets
      .filter((t) => t.status === 'FAILED')
      .map((t) => ({ accountId: t.accountId, region: t.region, ...(t.error ? { error: t.error } : {}) })),
    ...(summary.published
      ? {
          published: {
            imported: summary.published.imported,
            archived: summary.published.archived,
            failed: summary.published.failed,
            complete: outcome.publishIncomplete !== true,
          },
        }
      : {}),
  };
}
