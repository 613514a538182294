/**
 * The scheduled scanner Lambda: a thin shell. Settings come from the environment, validated when
 * the module loads (a bad setting fails the cold start with one clear line); each invocation runs
 * the same scan and publish code as the CLI, then reports metrics, a log summary and a
 * scan-completed event on the default bus.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ScheduledEvent } from 'aws-lambda';
import { ApiCallCounter } from './collect/api-calls';
import { ConfigError, ScanError } from './errors';
import { publishIncomplete } from './publish/publish';
import { summarize } from './report/summary';
import { ENV, parseAccounts, parseLambdaEnvironment } from './scan/config';
import type { ScanReport } from './scan/scan';
import { scanAndPublish } from './scan/scan-and-publish';
import { resolveTargets } from './scan/targets';

export const SCAN_EVENT_SOURCE = 'eks-posture';
export const SCAN_EVENT_DETAIL_TYPE = 'EKS Posture Scan Completed';

const config = parseLambdaEnvironment(process.env);
const logger = new Logger();
const metrics = new Metrics();

export interface ScanCompleted {
  readonly scanId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly results: Record<string, number>;
  readonly failedBySeverity: Record<string, number>;
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

/**
 * What the function is asked to do. A scheduled event (or anything else) scans every target; the
 * Step Functions fan-out first asks for the organization's accounts, then for one account each.
 */
export type Invocation = Partial<ScheduledEvent> & {
  readonly eksPosture?:
    | { readonly action: 'list-accounts' }
    | { readonly action: 'scan-account'; readonly accountId: string };
};

export async function handler(
  event: Invocation = {},
): Promise<ScanCompleted | { accounts: { accountId: string }[] }> {
  const homeRegion = process.env.AWS_REGION ?? 'us-east-1';
  const apiCalls = new ApiCallCounter();
  const request = event.eksPosture;
  if (request?.action === 'list-accounts') {
    const organization = requireOrganization();
    const targets = await resolveTargets({
      homeRegion,
      apiCalls,
      organization: true,
      roleName: organization.roleName,
    });
    const accounts = targets.accounts.flatMap((a) => (a.accountId ? [{ accountId: a.accountId }] : []));
    logger.info('accounts listed', { accounts: accounts.length });
    return { accounts };
  }
  const only =
    request?.action === 'scan-account' ? parseAccounts(request.accountId, 'eksPosture.accountId') : undefined;
  logger.info('scan starting', {
    trigger: event['detail-type'] ?? request?.action ?? 'direct',
    regions: config.regions ?? 'enabled',
    ...(only ? { accounts: only } : {}),
  });
  const organization = only ? requireOrganization() : config.organization;
  const targets = await resolveTargets({
    homeRegion,
    apiCalls,
    ...(organization
      ? {
          ...(only ? { accounts: only } : { organization: true }),
          roleName: organization.roleName,
          ...(organization.externalId ? { externalId: organization.externalId } : {}),
        }
      : {}),
  });
  const { report } = await scanAndPublish({
    targets,
    publish: config.publish,
    apiCalls,
    homeRegion,
    ...(config.regions ? { regions: config.regions } : {}),
    config: config.scan,
  });
  const completed = summaryOf(report);
  record(report, completed);
  if (config.emitScanEvent) await emit(new EventBridgeClient({ region: homeRegion }), completed);
  if (only && (completed.failedTargets.length > 0 || completed.published?.complete === false)) {
    // A fanned-out invocation fails when its account was not fully scanned and published, so that
    // the Distributed Map counts it against the tolerated failure share.
    throw new ScanError(
      `account ${only.join(', ')} was not fully scanned and published: ${describeIncomplete(completed)}`,
    );
  }
  return completed;
}

function describeIncomplete(completed: ScanCompleted): string {
  const targets = completed.failedTargets.map((t) => `${t.region}: ${t.error ?? 'failed'}`);
  const publish = completed.published?.complete === false ? ['publishing incomplete'] : [];
  return [...targets, ...publish].join('; ');
}

function requireOrganization(): NonNullable<typeof config.organization> {
  if (!config.organization) {
    throw new ConfigError(
      `listing or scanning member accounts needs ${ENV.memberRoleName} (organization mode)`,
    );
  }
  return config.organization;
}

export function summaryOf(report: ScanReport): ScanCompleted {
  const summary = summarize(report);
  const total = (key: 'imported' | 'archived' | 'failed') =>
    report.publish?.targets.reduce((sum, t) => sum + t[key], 0) ?? 0;
  return {
    scanId: report.scanId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    results: summary.byStatus,
    failedBySeverity: summary.failedBySeverity,
    targets: summary.targets,
    failedTargets: report.targets
      .filter((t) => t.status === 'FAILED')
      .map((t) => ({ accountId: t.accountId, region: t.region, ...(t.error ? { error: t.error } : {}) })),
    ...(report.publish
      ? {
          published: {
            imported: total('imported'),
            archived: total('archived'),
            failed: total('failed'),
            complete: !publishIncomplete(report.publish),
          },
        }
      : {}),
  };
}

/** Metrics and one log line; results carry no credentials, and trust documents are not logged. */
function record(report: ScanReport, completed: ScanCompleted): void {
  metrics.addMetric('ScanDuration', MetricUnit.Milliseconds, report.stats.durationMs);
  metrics.addMetric('TargetsScanned', MetricUnit.Count, completed.targets - completed.failedTargets.length);
  metrics.addMetric('TargetsFailed', MetricUnit.Count, completed.failedTargets.length);
  for (const [severity, count] of Object.entries(completed.failedBySeverity)) {
    metrics.addMetric(`Failed${severity[0]}${severity.slice(1).toLowerCase()}`, MetricUnit.Count, count);
  }
  metrics.addMetric('ImportFailures', MetricUnit.Count, completed.published?.failed ?? 0);
  // Counted only when the whole run completed, so the staleness alarm fires on partial runs too.
  const complete = completed.failedTargets.length === 0 && completed.published?.complete !== false;
  metrics.addMetric('ScanSucceeded', MetricUnit.Count, complete ? 1 : 0);
  metrics.publishStoredMetrics();
  logger.info('scan completed', { ...completed, apiCalls: report.stats.apiCalls });
  for (const target of completed.failedTargets) logger.warn('target failed', { ...target });
  for (const failure of report.publish?.failures ?? []) logger.error('finding not imported', { ...failure });
  for (const invalid of report.publish?.invalidFindings ?? [])
    logger.error('invalid finding not sent', { ...invalid });
}

async function emit(client: EventBridgeClient, completed: ScanCompleted): Promise<void> {
  try {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: SCAN_EVENT_SOURCE,
            DetailType: SCAN_EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(completed),
          },
        ],
      }),
    );
    if (answer.FailedEntryCount)
      logger.error('scan-completed event not accepted', { entries: answer.Entries });
  } catch (error) {
    logger.error('scan-completed event not sent', { error: (error as Error).message });
  }
}
