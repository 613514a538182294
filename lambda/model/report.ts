/** The reports a run produces: their field names are a published contract (schemaVersion 1). */
import type { CheckResult } from './result';

/** IAM is global: it is read once per account, and its target's region is this name. */
export const GLOBAL_REGION = 'global';

export interface ScanTarget {
  readonly accountId: string;
  /** An AWS region, or `global` for the account's IAM data. */
  readonly region: string;
  readonly status: 'SCANNED' | 'FAILED';
  readonly error?: string;
}

/** What a scan found. */
export interface ScanReport {
  readonly schemaVersion: 1;
  readonly scanId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly targets: readonly ScanTarget[];
  readonly results: readonly CheckResult[];
  /** What the run wants its reader to know that is not a result, one line each (an expired mutelist entry). */
  readonly warnings?: readonly string[];
  readonly stats: { readonly apiCalls: Record<string, number>; readonly durationMs: number };
  /** Which discovery ran, when one was configured; absent, every region of every account was listed (`list`). */
  readonly discovery?: DiscoveryReport;
}

/**
 * `list`: every region of every account was listed. `config`: the aggregator proved `skipped`
 * account regions empty, and they were not listed; with `fallback`, discovery failed (the reason)
 * and every region was listed, as with `list`.
 */
export type DiscoveryReport =
  | { readonly kind: 'list' }
  | {
      readonly kind: 'config';
      readonly aggregator: string;
      /** Account regions proven to hold no cluster, and not listed. */
      readonly skipped: number;
      readonly fallback?: string;
    };

/** A scan and, when the run published, what publishing did. */
export interface RunReport extends ScanReport {
  readonly publish?: PublishSummary;
}

export interface PublishTarget {
  readonly accountId: string;
  readonly region: string;
  /** Findings sent and accepted, archived ones included. */
  readonly imported: number;
  readonly archived: number;
  /** NOT_AVAILABLE results, and unsettled resources, left over their existing finding. */
  readonly kept: number;
  /**
   * Findings not sent again: their content is what Security Hub holds, and they were imported less
   * than the refresh interval (`--refresh-unchanged-days`) ago.
   */
  readonly unchanged: number;
  readonly failed: number;
  /** Check ids whose findings were not touched because that check did not complete here. */
  readonly skippedChecks: readonly string[];
  /** Why our findings here could not be read back: nothing was imported or archived here. */
  readonly readError?: string;
}

export interface ImportFailure {
  /** The finding's Id, or a description of the findings when Security Hub did not name them. */
  readonly id: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface PublishSummary {
  readonly targets: readonly PublishTarget[];
  readonly failures: readonly ImportFailure[];
  /** Findings that failed validation and were not sent: a bug in the scanner, reported here. */
  readonly invalidFindings: readonly { readonly id: string; readonly problems: readonly string[] }[];
}
