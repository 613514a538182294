/**
 * The scanner's props, validated and with every default filled in, once: a bad value is refused at
 * synth with a one-line ConfigError naming it, not at the function's first cold start.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ConfigError } from '../lambda/errors';
import type { MutelistEntry } from '../lambda/mutelist/mutelist';
import { checkScanSettings, parseCount, parseSeverity, selectChecks } from '../lambda/scan/config';
import { type DiscoverySetting, parseDiscovery } from '../lambda/scan/discovery-setting';
import { DEFAULT_SCANNER_ROLE_NAME } from './member-role';
import type { AlertSeverity, EksPostureScannerProps } from './scanner-props';

/** A prop a message can name, by its path in the props. */
export type SettingName =
  | 'schedule'
  | 'scheduleInterval'
  | 'regions'
  | 'organization'
  | 'organization.memberRoleName'
  | 'organization.externalId'
  | 'organization.scannerRoleName'
  | 'minimumAlertSeverity'
  | 'requiredLogTypes'
  | 'versionWarningDays'
  | 'minLogRetentionDays'
  | 'allowedAdminPrincipals'
  | 'checks'
  | 'skipChecks'
  | 'mutelist'
  | 'mutelistParameterName'
  | 'refreshUnchangedDays'
  | 'discovery'
  | 'memorySize'
  | 'timeout'
  | 'fanOut'
  | 'fanOut.maxConcurrency'
  | 'fanOut.toleratedFailurePercentage';

/**
 * How messages name their inputs, so that each caller names its own: the construct its props, the
 * CDK app its context keys.
 */
export interface InputNaming {
  /** The input a message is about, which opens it: `props.regions`, `context regions`. */
  readonly input: (setting: SettingName) => string;
  /** Another input the message points to: `scheduleInterval`, `scheduleIntervalMinutes`. */
  readonly mention: (setting: SettingName) => string;
}

export const PROPS_NAMING: InputNaming = {
  input: (setting) => `props.${setting}`,
  mention: (setting) => setting,
};

/**
 * Scan settings the function reads from its environment, only those given: for the rest the
 * function applies its own defaults (`DEFAULT_SCAN_CONFIG`), so the template names only what was
 * chosen. Lists are kept as given, not normalized, so the function's environment is what it was.
 */
export interface ScanSettings {
  readonly regions?: readonly string[];
  readonly requiredLogTypes?: readonly string[];
  readonly versionWarningDays?: number;
  readonly minLogRetentionDays?: number;
  /** Empty: no principal may hold the cluster admin policy. */
  readonly allowedAdminPrincipals: readonly string[];
  readonly checks?: readonly string[];
  readonly skipChecks?: readonly string[];
  readonly refreshUnchangedDays?: number;
  /** As given (the function parses it again), with what it means. */
  readonly discovery?: { readonly text: string; readonly setting: DiscoverySetting };
  /** Where the function reads its mutelist: entries the construct stores, or a parameter that exists. */
  readonly mutelist?: { readonly entries: readonly MutelistEntry[] } | { readonly parameterName: string };
}

export interface OrganizationSettings {
  readonly memberRoleName: string;
  readonly externalId?: string;
  readonly scannerRoleName: string;
}

export interface FanOutSettings {
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
}

/** Everything the scanner's parts need, resolved. An absent optional member is a mode turned off. */
export interface ScannerSettings {
  readonly schedule: string;
  /** How often the schedule fires: given, or read from a `rate(...)` schedule. */
  readonly scheduleInterval: Duration;
  readonly alertEmail?: string;
  readonly minimumAlertSeverity: AlertSeverity;
  readonly organization?: OrganizationSettings;
  readonly fanOut?: FanOutSettings;
  readonly scan: ScanSettings;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
}

const RATE = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/;
/** EventBridge Scheduler cron expressions have six fields, the year included. */
const CRON = /^cron\(\S+(\s+\S+){5}\)$/;
/** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** The bound the CDK app gives `fanOutMaxConcurrency`, well inside what an account can reserve. */
const MAX_FAN_OUT_CONCURRENCY = 256;
/** The bound the CDK app gives `scheduleIntervalMinutes`: a monthly schedule. */
const MAX_SCHEDULE_INTERVAL_MINUTES = 60 * 24 * 31;

/** Validates the props and fills in every default; throws one ConfigError naming the first bad input. */
export function resolveSettings(
  props: EksPostureScannerProps,
  naming: InputNaming = PROPS_NAMING,
): ScannerSettings {
  const { input, mention } = naming;
  const schedule = props.schedule ?? 'rate(1 day)';
  if (!ratePeriod(schedule) && !CRON.test(schedule)) {
    throw new ConfigError(`${input('schedule')}: '${schedule}' is not a rate(...) or cron(...) expression`);
  }
  const organization = props.organization && resolveOrganization(props.organization, naming);
  if (props.fanOut && !organization) {
    throw new ConfigError(
      `${input('fanOut')} needs ${mention('organization')}: it scans the member accounts one invocation each`,
    );
  }
  return {
    schedule,
    scheduleInterval: props.scheduleInterval
      ? checkedInterval(props.scheduleInterval, input('scheduleInterval'))
      : schedulePeriod(schedule, naming),
    ...(props.alertEmail ? { alertEmail: props.alertEmail } : {}),
    minimumAlertSeverity: props.minimumAlertSeverity
      ? alertSeverity(props.minimumAlertSeverity, input('minimumAlertSeverity'))
      : 'HIGH',
    ...(organization ? { organization } : {}),
    ...(props.fanOut
      ? {
          fanOut: {
            maxConcurrency: checkedConcurrency(
              props.fanOut.maxConcurrency ?? 10,
              input('fanOut.maxConcurrency'),
            ),
            toleratedFailurePercentage: checkedPercentage(
              props.fanOut.toleratedFailurePercentage ?? 10,
              input('fanOut.toleratedFailurePercentage'),
            ),
          },
        }
      : {}),
    scan: resolveScan(props, naming),
    memorySize: checkedMemorySize(props.memorySize ?? 512, input('memorySize')),
    timeout: checkedTimeout(props.timeout ?? Duration.minutes(10), input('timeout')),
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
  };
}

/** The interval of a `rate(...)` schedule; a `cron(...)` one needs it given (`scheduleInterval`). */
export function schedulePeriod(schedule: string, naming: InputNaming = PROPS_NAMING): Duration {
  const period = ratePeriod(schedule);
  if (!period) {
    throw new ConfigError(
      `${naming.input('schedule')}: '${schedule}' is not a rate(...) expression: give ${naming.mention('scheduleInterval')} for the missing-scan alarm`,
    );
  }
  return period;
}

function ratePeriod(schedule: string): Duration | undefined {
  const match = RATE.exec(schedule);
  const amount = Number(match?.[1]);
  const unit = match?.[2];
  // Scheduler takes a positive whole number of units only.
  if (!unit || !Number.isSafeInteger(amount) || amount < 1) return undefined;
  if (unit.startsWith('minute')) return Duration.minutes(amount);
  if (unit.startsWith('hour')) return Duration.hours(amount);
  return Duration.days(amount);
}

function resolveOrganization(
  organization: NonNullable<EksPostureScannerProps['organization']>,
  { input, mention }: InputNaming,
): OrganizationSettings {
  const { memberRoleName, externalId, scannerRoleName = DEFAULT_SCANNER_ROLE_NAME } = organization;
  if (externalId && !memberRoleName) {
    throw new ConfigError(
      `${input('organization.externalId')} is set without ${mention('organization.memberRoleName')}`,
    );
  }
  return {
    memberRoleName: checkedRoleName(memberRoleName, input('organization.memberRoleName')),
    ...(externalId ? { externalId } : {}),
    scannerRoleName: checkedRoleName(scannerRoleName, input('organization.scannerRoleName')),
  };
}

/** SSM parameter names and ARNs: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html */
const PARAMETER_NAME = /^(arn:[\w-]+:ssm:[\w-]+:\d{12}:parameter)?\/?[\w.\-/]{1,1011}$/;

function resolveScan(props: EksPostureScannerProps, { input, mention }: InputNaming): ScanSettings {
  const {
    regions,
    requiredLogTypes,
    versionWarningDays,
    minLogRetentionDays,
    allowedAdminPrincipals = [],
    checks,
    skipChecks,
    refreshUnchangedDays,
    mutelist,
    mutelistParameterName,
    discovery,
  } = props;
  // The schema the CLI, its config file and the function's environment are validated with.
  const given = {
    ...(regions ? { regions } : {}),
    ...(requiredLogTypes ? { requiredLogTypes } : {}),
    ...(versionWarningDays !== undefined ? { versionWarningDays } : {}),
    ...(minLogRetentionDays !== undefined ? { minLogRetentionDays } : {}),
    ...(allowedAdminPrincipals.length ? { allowedAdminPrincipals } : {}),
    ...(checks ? { checks } : {}),
    ...(skipChecks ? { skipChecks } : {}),
    ...(refreshUnchangedDays !== undefined ? { refreshUnchangedDays } : {}),
    ...(mutelist ? { mutelist } : {}),
  };
  const settings = checkScanSettings(given, (setting) => input(setting as SettingName));
  if (checks || skipChecks) selectChecks(settings, (setting) => input(setting));
  const discoverySetting =
    discovery === undefined ? undefined : parseDiscovery(discovery, input('discovery'));
  if (discoverySetting?.kind === 'config' && !props.organization) {
    throw new ConfigError(`${input('discovery')}: an aggregator applies only in organization mode`);
  }
  if (mutelist && mutelistParameterName !== undefined) {
    throw new ConfigError(
      `${input('mutelistParameterName')} and ${mention('mutelist')} both give a mutelist: give one`,
    );
  }
  if (
    mutelistParameterName !== undefined &&
    !Token.isUnresolved(mutelistParameterName) &&
    !PARAMETER_NAME.test(mutelistParameterName)
  ) {
    throw new ConfigError(
      `${input('mutelistParameterName')}: '${mutelistParameterName}' is not an SSM parameter name or ARN`,
    );
  }
  return {
    ...(regions ? { regions } : {}),
    ...(requiredLogTypes ? { requiredLogTypes } : {}),
    ...(versionWarningDays !== undefined ? { versionWarningDays } : {}),
    ...(minLogRetentionDays !== undefined ? { minLogRetentionDays } : {}),
    // An empty list is the default, none allowed.
    allowedAdminPrincipals: settings.allowedAdminPrincipals ?? [],
    ...(settings.checks ? { checks: settings.checks } : {}),
    ...(settings.skipChecks ? { skipChecks: settings.skipChecks } : {}),
    ...(settings.refreshUnchangedDays !== undefined
      ? { refreshUnchangedDays: settings.refreshUnchangedDays }
      : {}),
    ...(discovery !== undefined && discoverySetting
      ? { discovery: { text: discovery, setting: discoverySetting } }
      : {}),
    ...(settings.mutelist
      ? { mutelist: { entries: settings.mutelist as MutelistEntry[] } }
      : mutelistParameterName !== undefined
        ? { mutelist: { parameterName: mutelistParameterName } }
        : {}),
  };
}

function alertSeverity(value: string, name: string): AlertSeverity {
  const severity = parseSeverity(value, name);
  // parseSeverity refuses INFORMATIONAL already; this narrows the type.
  if (severity === 'INFORMATIONAL') throw new ConfigError(`${name}: INFORMATIONAL findings never alert`);
  return severity;
}

// Values CloudFormation resolves at deploy time (parameters, imports) cannot be checked at synth, and pass.

function checkedRoleName(roleName: string, name: string): string {
  if (Token.isUnresolved(roleName)) return roleName;
  // typeof: a JavaScript caller may leave it out.
  if (typeof roleName !== 'string' || !ROLE_NAME.test(roleName)) {
    throw new ConfigError(`${name}: '${roleName}' is not an IAM role name`);
  }
  return roleName;
}

function checkedConcurrency(count: number, name: string): number {
  return parseCount(String(count), name, MAX_FAN_OUT_CONCURRENCY);
}

/** Step Functions takes a percentage from 0 to 100 for a Distributed Map. */
function checkedPercentage(percentage: number, name: string): number {
  if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw new ConfigError(`${name}: '${percentage}' is not a percentage between 0 and 100`);
  }
  return percentage;
}

/** https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html */
function checkedMemorySize(megabytes: number, name: string): number {
  if (
    !Token.isUnresolved(megabytes) &&
    (!Number.isInteger(megabytes) || megabytes < 128 || megabytes > 10_240)
  ) {
    throw new ConfigError(`${name}: '${megabytes}' is not a whole number of MB between 128 and 10240`);
  }
  return megabytes;
}

/** https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html: whole seconds, 15 minutes at most. */
function checkedTimeout(timeout: Duration, name: string): Duration {
  if (timeout.isUnresolved()) return timeout;
  const ms = timeout.toMilliseconds({ integral: false });
  if (ms % 1000 !== 0 || ms < 1000 || ms > 900_000) {
    throw new ConfigError(
      `${name}: '${timeout.toHumanString()}' is not a whole number of seconds between 1 and 900`,
    );
  }
  return timeout;
}

/** The missing-scan alarm's period: CloudWatch takes whole minutes for periods over 30 seconds. */
function checkedInterval(interval: Duration, name: string): Duration {
  const ms = interval.toMilliseconds({ integral: false });
  if (ms % 60_000 !== 0 || ms < 60_000 || ms > MAX_SCHEDULE_INTERVAL_MINUTES * 60_000) {
    throw new ConfigError(
      `${name}: '${interval.toHumanString()}' is not a whole number of minutes between 1 and ${MAX_SCHEDULE_INTERVAL_MINUTES}`,
    );
  }
  return interval;
}
