/**
 * Whether a run is complete, and the exit code that says so: decided here once for every shell
 * (the CLI's exit code, the Lambda's success metric, a fanned-out invocation's failure).
 */
import type { RunReport } from '../model/report';
import type { Severity } from '../model/result';
import { failuresAtOrAbove } from './summary';

/** Exit codes of the CLI, documented in `--help` and the README. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, INCOMPLETE: 3 } as const;

export interface RunOutcome {
  /** Every target scanned and, when the run published, every finding published. */
  readonly complete: boolean;
  /** True when publishing left something undone (absent when the run did not publish). */
  readonly publishIncomplete?: boolean;
  /** What was left undone, one line each: failed targets first, then publishing. */
  readonly gaps: readonly string[];
  /**
   * 3 when incomplete (an incomplete run is never reported as a clean or merely failing one), else
   * 1 when a FAILED result reaches `failOn`, else 0.
   */
  readonly exitCode: number;
}

export function runOutcome(report: RunReport, failOn?: Severity): RunOutcome {
  const targetGaps = report.targets
    .filter((t) => t.status === 'FAILED')
    .map((t) => `${t.accountId} ${t.region}: ${t.error ?? 'failed'}`);
  const publish = report.publish;
  const publishGaps = publish
    ? [
        ...publish.targets.flatMap((t) =>
          t.readError ? [`${t.accountId} ${t.region}: ${t.readError}`] : [],
        ),
        ...(publish.failures.length > 0 ? [`${publish.failures.length} finding import failure(s)`] : []),
        ...(publish.invalidFindings.length > 0
          ? [`${publish.invalidFindings.length} invalid finding(s) not sent`]
          : []),
      ]
    : [];
  const complete = targetGaps.length === 0 && publishGaps.length === 0;
  const exitCode = !complete
    ? EXIT.INCOMPLETE
    : failOn !== undefined && failuresAtOrAbove(report.results, failOn).length > 0
      ? EXIT.FINDINGS
      : EXIT.OK;
  return {
    complete,
    ...(publish ? { publishIncomplete: publishGaps.length > 0 } : {}),
    gaps: [...targetGaps, ...publishGaps],
    exitCode,
  };
}
