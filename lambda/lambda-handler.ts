/**
 * The scheduled scanner Lambda as a factory: settings, clients, logger, metrics and clock come in,
 * so the function is tested as it runs, without a bundle. Each invocation runs the same scan and
 * publish code as the CLI, then reports metrics, a log summary and a scan-completed event.
 */
import { ApiCallCounter } from './collect/api-calls';
import type { AccountClients, ClientOptions } from './collect/clients';
import { parameterRegion, readMutelistParameter, SSM } from './collect/mutelist-parameter';
import { ConfigError, ScanError } from './errors';
import type { Mutelist } from './mutelist/mutelist';
import { parseMutelist } from './mutelist/mutelist-file';
import { EVENT_BRIDGE, emitScanCompleted } from './publish/scan-event';
import { runOutcome } from './report/outcome';
import { type ScanCompleted, scanCompletedOf } from './report/scan-completed';
import { CHECK_IDS, ENV, type LambdaConfig } from './scan/config';
import { type Invocation, parseInvocation } from './scan/invocation';
import { scanAndPublish } from './scan/scan-and-publish';
import { type ResolvedTargets, resolveTargets } from './scan/targets';

/** The members of Powertools' Logger this shell uses. */
export interface HandlerLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** The members of Powertools' Metrics this shell uses; units are CloudWatch's names. */
export interface HandlerMetrics {
  addMetric(name: string, unit: 'Count' | 'Milliseconds', value: number): void;
  publishStoredMetrics(): void;
}

export interface HandlerDependencies {
  /** Makes each account's clients (timeouts, retries and call counting included). */
  readonly createClients: (options: ClientOptions) => AccountClients;
  readonly logger: HandlerLogger;
  readonly metrics: HandlerMetrics;
  readonly clock?: () => Date;
}

export type HandlerResult =
  | ScanCompleted
  | { readonly accounts: readonly { readonly accountId: string }[] }
  | { readonly runId: string; readonly counted: true };

export function createHandler(
  config: LambdaConfig,
  dependencies: HandlerDependencies,
): (event?: Invocation) => Promise<HandlerResult> {
  const { logger, metrics } = dependencies;

  function organization(): NonNullable<LambdaConfig['organization']> {
    if (!config.organization) {
      throw new ConfigError(
        `listing or scanning member accounts needs ${ENV.memberRoleName} (organization mode)`,
      );
    }
    return config.organization;
  }

  return async (event = {}) => {
    const apiCalls = new ApiCallCounter();
    const request = parseInvocation(event);
    const common = { homeRegion: config.homeRegion, apiCalls, createClients: dependencies.createClients };
    if (request.kind === 'list-accounts') {
      const targets = await resolveTargets({
        ...common,
        organization: true,
        roleName: organization().roleName,
      });
      const accounts = targets.accounts.flatMap((a) => (a.accountId ? [{ accountId: a.accountId }] : []));
      logger.info('accounts listed', { accounts: accounts.length });
      return { accounts };
    }
    if (request.kind === 'run-completed') {
      // The fan-out's last step: its accounts were scanned one invocation each, and the run is counted here, once.
      metrics.addMetric('ScanSucceeded', 'Count', 1);
      metrics.publishStoredMetrics();
      logger.info('run completed', { runId: request.runId });
      return { runId: request.runId, counted: true };
    }
    const only = request.kind === 'scan-account' ? request.accounts : undefined;
    logger.info('scan starting', {
      trigger: request.kind === 'scan' ? request.trigger : request.kind,
      regions: config.regions ?? 'enabled',
      ...(only ? { accounts: only } : {}),
    });
    const org = only ? organization() : config.organization;
    const targets = await resolveTargets({
      ...common,
      ...(org
        ? {
            ...(only ? { accounts: only } : { organization: true }),
            roleName: org.roleName,
            ...(org.externalId ? { externalId: org.externalId } : {}),
          }
        : {}),
    });
    const mutelist = config.mutelistParameter
      ? await readMutelist(targets, config.mutelistParameter, config.homeRegion)
      : undefined;
    const { report } = await scanAndPublish({
      targets,
      publish: config.publish,
      checks: config.checks,
      refreshUnchangedDays: config.refreshUnchangedDays,
      ...(mutelist ? { mutelist } : {}),
      // The aggregator is read with the scanner's own credentials: its account is the aggregator's.
      ...(config.discovery ? { discovery: { setting: config.discovery, clients: targets.caller } } : {}),
      apiCalls,
      homeRegion: config.homeRegion,
      ...(config.regions ? { regions: config.regions } : {}),
      config: config.scan,
      ...(dependencies.clock ? { clock: dependencies.clock } : {}),
    });
    const outcome = runOutcome(report);
    const runId = request.kind === 'scan-account' ? request.runId : undefined;
    const completed = scanCompletedOf(report, outcome, runId);

    metrics.addMetric('ScanDuration', 'Milliseconds', report.stats.durationMs);
    metrics.addMetric('TargetsScanned', 'Count', completed.targets - completed.failedTargets.length);
    metrics.addMetric('TargetsFailed', 'Count', completed.failedTargets.length);
    for (const [severity, count] of Object.entries(completed.failedBySeverity)) {
      metrics.addMetric(`Failed${severity[0]}${severity.slice(1).toLowerCase()}`, 'Count', count);
    }
    metrics.addMetric('ImportFailures', 'Count', completed.published?.failed ?? 0);
    if (request.kind === 'scan-account') {
      // One account of a fanned-out run: counted as an account, never as a whole run, so the staleness
      // alarm (on ScanSucceeded) is not kept quiet by one account while the others fail.
      metrics.addMetric('AccountsScanned', 'Count', outcome.complete ? 1 : 0);
      metrics.addMetric('AccountsIncomplete', 'Count', outcome.complete ? 0 : 1);
    } else {
      // Counted only when the whole run completed, so the staleness alarm fires on partial runs too.
      metrics.addMetric('ScanSucceeded', 'Count', outcome.complete ? 1 : 0);
    }
    metrics.publishStoredMetrics();
    if (config.emitScanEvent) {
      const problem = await emitScanCompleted(
        targets.caller.service(EVENT_BRIDGE, config.homeRegion),
        completed,
      );
      if (problem) logger.error('scan-completed event not sent', { error: problem });
    }
    // Results carry no credentials, and trust documents are not logged. The calls include the event's.
    logger.info('scan completed', { ...completed, apiCalls: apiCalls.snapshot() });
    for (const target of completed.failedTargets) logger.warn('target failed', { ...target });
    for (const warning of report.warnings ?? []) logger.warn('mutelist entry expired', { warning });
    for (const failure of report.publish?.failures ?? [])
      logger.error('finding not imported', { ...failure });
    for (const invalid of report.publish?.invalidFindings ?? [])
      logger.error('invalid finding not sent', { ...invalid });
    if (only && !outcome.complete) {
      // A fanned-out invocation fails when its account was not fully scanned and published, so that
      // the Distributed Map counts it against the tolerated failure share.
      throw new ScanError(
        `account ${only.join(', ')} was not fully scanned and published: ${outcome.gaps.join('; ')}`,
      );
    }
    return completed;
  };
}

/** The mutelist from its SSM parameter, in the scanner's own account; a bad list stops the scan before it starts. */
async function readMutelist(targets: ResolvedTargets, name: string, homeRegion: string): Promise<Mutelist> {
  const text = await readMutelistParameter(
    targets.caller.service(SSM, parameterRegion(name, homeRegion)),
    name,
  );
  return parseMutelist(text, `mutelist parameter ${name}`, CHECK_IDS);
}
