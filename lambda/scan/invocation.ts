/**
 * What the scanner function is asked to do. A scheduled event (or anything else) scans every
 * target; the Step Functions fan-out first asks for the organization's accounts, then for one
 * account per invocation, naming its execution as the run, and last says the run completed (no
 * more accounts failed than it tolerates).
 */
import type { ScheduledEvent } from 'aws-lambda';
import { parseAccounts } from './config';

export type Invocation = Partial<ScheduledEvent> & {
  readonly eksPosture?:
    | { readonly action: 'list-accounts' }
    | { readonly action: 'scan-account'; readonly accountId: string; readonly runId?: string }
    | { readonly action: 'run-completed'; readonly runId?: string };
};

export type Request =
  | { readonly kind: 'list-accounts' }
  | { readonly kind: 'run-completed'; readonly runId: string }
  | { readonly kind: 'scan'; readonly trigger: string }
  | { readonly kind: 'scan-account'; readonly accounts: readonly string[]; readonly runId?: string };

/** The request an invocation makes; a bad account id is a one-line `ConfigError`. */
export function parseInvocation(event: Invocation): Request {
  const request = event.eksPosture;
  if (request?.action === 'list-accounts') return { kind: 'list-accounts' };
  if (request?.action === 'run-completed') {
    return { kind: 'run-completed', runId: typeof request.runId === 'string' ? request.runId : 'unknown' };
  }
  if (request?.action === 'scan-account') {
    const runId = typeof request.runId === 'string' && request.runId !== '' ? request.runId : undefined;
    return {
      kind: 'scan-account',
      accounts: parseAccounts(String(request.accountId), 'eksPosture.accountId'),
      ...(runId ? { runId } : {}),
    };
  }
  return { kind: 'scan', trigger: event['detail-type'] ?? 'direct' };
}
