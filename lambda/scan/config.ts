/**
 * Scan settings from untrusted text (CLI flags, Lambda environment), each validated with a
 * one-line error that names the input and what is wrong.
 */
import * as z from 'zod/mini';
import '../zod-messages';
import { DEFAULT_REQUIRED_LOG_TYPES, LOG_TYPES } from '../checks/control-plane-logging';
import { CHECKS } from '../checks/registry';
import type { Check, ScanConfig } from '../checks/types';
import { ConfigError } from '../errors';
import { SEVERITIES, type Severity } from '../model/result';
import { describeIssue, mutelistEntriesSchema, splitList } from '../mutelist/mutelist';
import { type DiscoverySetting, parseDiscovery } from './discovery-setting';

export const DEFAULT_VERSION_WARNING_DAYS = 90;
export const DEFAULT_MIN_LOG_RETENTION_DAYS = 90;

export const DEFAULT_SCAN_CONFIG: ScanConfig = {
  requiredLogTypes: DEFAULT_REQUIRED_LOG_TYPES,
  versionWarningDays: DEFAULT_VERSION_WARNING_DAYS,
  allowedAdminPrincipals: [],
  minLogRetentionDays: DEFAULT_MIN_LOG_RETENTION_DAYS,
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const PRINCIPAL_PATTERN = /^arn:[^:\s]+:iam::[^:\s]*:[^:\s]+\/[^\s]+$/;

/** The smallest and largest refresh interval: well inside Security Hub's 90-day expiry of findings not updated. */
export const REFRESH_DAYS_RANGE = { min: 1, max: 60 } as const;
export const DEFAULT_REFRESH_UNCHANGED_DAYS = 7;

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.metadata.id);

const EMPTY = 'is empty: give a comma-separated list';

/** A list as a sequence, or as comma-separated text (a flag, an environment variable, a context key). */
function listOf(
  item: z.ZodMiniType<string>,
  refine?: (items: string[]) => string | undefined,
  { allowEmpty = false } = {},
) {
  return z.pipe(
    z.transform(splitList),
    z
      .pipe(
        z.array(item).check(z.minLength(allowEmpty ? 0 : 1, EMPTY)),
        z.transform((items: string[]) => [...new Set(items)]),
      )
      .check(
        z.superRefine((items, ctx) => {
          const problem = refine?.(items);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      ),
  );
}

/** A whole number, as a number or as its digits. */
function wholeNumber(min: number, max: number, message: (input: string) => string) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx) => {
      const input = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      const n = Number(input);
      if (!/^\d+$/.test(input) || !Number.isSafeInteger(n) || n < min || n > max) {
        ctx.issues.push({ code: 'custom', message: message(String(value)), input: value });
        return z.NEVER;
      }
      return n;
    }),
  );
}

const quoted = (items: readonly string[]) => `'${items.join("', '")}'`;
const bad = (items: readonly string[], test: (item: string) => boolean) => items.filter((i) => !test(i));

const REGIONS = listOf(z.string(), (regions) => {
  const wrong = bad(regions, (r) => REGION.test(r));
  return wrong.length > 0 ? `${quoted(wrong)} is not an AWS region name (e.g. us-east-1)` : undefined;
});
const ACCOUNTS = listOf(z.string(), (accounts) => {
  const wrong = bad(accounts, (a) => /^\d{12}$/.test(a));
  return wrong.length > 0 ? `${quoted(wrong)} is not a 12-digit AWS account id` : undefined;
});
const LOG_TYPE_LIST = listOf(z.string(), (types) => {
  const known: readonly string[] = LOG_TYPES;
  const wrong = bad(types, (t) => known.includes(t));
  return wrong.length > 0 ? `unknown log type ${quoted(wrong)} (known: ${LOG_TYPES.join(', ')})` : undefined;
});
const PRINCIPALS = listOf(
  z.string(),
  (patterns) => {
    const wrong = bad(patterns, (p) => PRINCIPAL_PATTERN.test(p));
    return wrong.length > 0
      ? `${quoted(wrong)} is not an IAM principal ARN pattern (e.g. arn:aws:iam::*:role/platform-admin)`
      : undefined;
  },
  { allowEmpty: true },
);
const CHECK_LIST = listOf(z.string(), (ids) => {
  const wrong = bad(ids, (id) => CHECK_IDS.includes(id));
  return wrong.length > 0 ? `unknown check ${quoted(wrong)} (known: ${CHECK_IDS.join(', ')})` : undefined;
});
const WARNING_DAYS = wholeNumber(
  0,
  3650,
  (input) => `'${input}' is not a whole number of days between 0 and 3650`,
);
/** CloudWatch Logs keeps events 1 day to 10 years (3653 days), or forever. */
const RETENTION_DAYS = wholeNumber(
  1,
  3653,
  (input) => `'${input}' is not a whole number of days between 1 and 3653`,
);
const REFRESH_DAYS = wholeNumber(
  REFRESH_DAYS_RANGE.min,
  REFRESH_DAYS_RANGE.max,
  (input) =>
    `'${input}' is not a whole number of days between ${REFRESH_DAYS_RANGE.min} and ${REFRESH_DAYS_RANGE.max}`,
);

/**
 * The scan settings every way of running the scanner shares: CLI flags and the config file, the
 * CDK construct's props and the app's context keys, the function's environment. One schema
 * validates them all, so they cannot drift apart; each caller names the inputs its own way.
 */
export const SCAN_SETTINGS_SCHEMA = z.strictObject({
  regions: z.optional(REGIONS),
  requiredLogTypes: z.optional(LOG_TYPE_LIST),
  versionWarningDays: z.optional(WARNING_DAYS),
  minLogRetentionDays: z.optional(RETENTION_DAYS),
  /** Empty: no principal may hold the cluster admin policy (the default). */
  allowedAdminPrincipals: z.optional(PRINCIPALS),
  checks: z.optional(CHECK_LIST),
  skipChecks: z.optional(CHECK_LIST),
  refreshUnchangedDays: z.optional(REFRESH_DAYS),
  mutelist: z.optional(mutelistEntriesSchema(CHECK_IDS)),
});

export type ScanSettings = z.output<typeof SCAN_SETTINGS_SCHEMA>;
export type ScanSettingName = keyof typeof SCAN_SETTINGS_SCHEMA.shape;
export const SCAN_SETTING_NAMES = Object.keys(SCAN_SETTINGS_SCHEMA.shape) as ScanSettingName[];

/**
 * Validates scan settings from any source; throws one ConfigError naming the input, as `name`
 * spells it, and what is wrong (for the mutelist, also the entry).
 */
export function checkScanSettings(value: unknown, name: (setting: string) => string): ScanSettings {
  const parsed = SCAN_SETTINGS_SCHEMA.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw new ConfigError(
      `${name(issue.keys[0] ?? '')}: unknown setting (known: ${SCAN_SETTING_NAMES.map(name).join(', ')})`,
    );
  }
  const [setting, ...rest] = issue?.path ?? [];
  if (setting === 'mutelist') {
    throw new ConfigError(`${name('mutelist')}: ${describeIssue(issue && { ...issue, path: rest })}`);
  }
  const message = issue?.message ?? 'invalid';
  throw new ConfigError(`${name(String(setting))}${message === EMPTY ? ' ' : ': '}${message}`);
}

/** One setting from text (a flag, a context key, a variable), validated by the shared schema. */
function parsed<K extends ScanSettingName>(
  setting: K,
  input: string,
  name: string,
): NonNullable<ScanSettings[K]> {
  const value = checkScanSettings({ [setting]: input }, () => name)[setting];
  // The schema gives a value for every input it accepts; this narrows the type.
  if (value === undefined) throw new ConfigError(`${name}: no value`);
  return value as NonNullable<ScanSettings[K]>;
}

export function parseRegions(input: string, name = '--regions'): string[] {
  return parsed('regions', input, name);
}

export function parseAccounts(input: string, name = '--accounts'): string[] {
  const result = ACCOUNTS.safeParse(input);
  if (result.success) return result.data;
  const message = result.error.issues[0]?.message ?? 'invalid';
  throw new ConfigError(`${name}${message === EMPTY ? ' ' : ': '}${message}`);
}

export function parseLogTypes(input: string, name = '--required-log-types'): string[] {
  return parsed('requiredLogTypes', input, name);
}

export function parseWarningDays(input: string, name = '--version-warning-days'): number {
  return parsed('versionWarningDays', input, name);
}

export function parseRetentionDays(input: string, name = '--min-log-retention-days'): number {
  return parsed('minLogRetentionDays', input, name);
}

export function parseRefreshDays(input: string, name = '--refresh-unchanged-days'): number {
  return parsed('refreshUnchangedDays', input, name);
}

export function parseCheckIds(input: string, name = '--checks'): string[] {
  return parsed('checks', input, name);
}

/** IAM role or user ARN patterns, `*` and `?` as wildcards, e.g. `arn:aws:iam::*:role/platform-admin`. */
export function parsePrincipalPatterns(input: string, name = '--allowed-admin-principals'): string[] {
  const patterns = parsed('allowedAdminPrincipals', input, name);
  if (patterns.length === 0) throw new ConfigError(`${name} is empty: give a comma-separated list`);
  return patterns;
}

export function parseCount(input: string, name: string, max = 256): number {
  const count = Number(input);
  if (!/^\d+$/.test(input.trim()) || count < 1 || count > max) {
    throw new ConfigError(`${name}: '${input}' is not a whole number between 1 and ${max}`);
  }
  return count;
}

export function parseSeverity(input: string, name = '--fail-on'): Severity {
  const severity = SEVERITIES.find((s) => s === input.trim().toUpperCase());
  if (severity === undefined || severity === 'INFORMATIONAL') {
    throw new ConfigError(`${name}: '${input}' is not one of LOW, MEDIUM, HIGH, CRITICAL`);
  }
  return severity;
}

/** The checks a run executes: those named (all by default), less those skipped. */
export function selectChecks(
  settings: Pick<ScanSettings, 'checks' | 'skipChecks'>,
  name: (setting: 'checks' | 'skipChecks') => string,
): readonly Check[] {
  const chosen = new Set(settings.checks ?? CHECK_IDS);
  for (const id of settings.skipChecks ?? []) chosen.delete(id);
  const checks = CHECKS.filter((c) => chosen.has(c.metadata.id));
  if (checks.length === 0) {
    throw new ConfigError(`${name('skipChecks')} leaves no check to run (of ${name('checks')})`);
  }
  return checks;
}

/** The scanner Lambda's settings, read from its environment once at start-up. */
export interface LambdaConfig {
  /** The function's own region (`AWS_REGION`): global calls and the scan-completed event go there. */
  readonly homeRegion: string;
  readonly regions?: readonly string[];
  /** Set in organization mode: every ACTIVE account is scanned through this role. */
  readonly organization?: { readonly roleName: string; readonly externalId?: string };
  readonly scan: ScanConfig;
  /** The checks to run, in registry order. */
  readonly checks: readonly Check[];
  /** Unchanged findings are re-imported only once this many days have passed since their last import. */
  readonly refreshUnchangedDays: number;
  /** SSM parameter holding the mutelist, read at every invocation so that edits apply without a deployment. */
  readonly mutelistParameter?: string;
  /** How the regions worth listing are found. @default every region is listed */
  readonly discovery?: DiscoverySetting;
  readonly publish: boolean;
  readonly emitScanEvent: boolean;
}

/** Environment variable names, shared with the CDK construct that sets them. */
export const ENV = {
  regions: 'EKS_POSTURE_REGIONS',
  requiredLogTypes: 'EKS_POSTURE_REQUIRED_LOG_TYPES',
  versionWarningDays: 'EKS_POSTURE_VERSION_WARNING_DAYS',
  minLogRetentionDays: 'EKS_POSTURE_MIN_LOG_RETENTION_DAYS',
  allowedAdminPrincipals: 'EKS_POSTURE_ALLOWED_ADMIN_PRINCIPALS',
  checks: 'EKS_POSTURE_CHECKS',
  skipChecks: 'EKS_POSTURE_SKIP_CHECKS',
  refreshUnchangedDays: 'EKS_POSTURE_REFRESH_UNCHANGED_DAYS',
  mutelistParameter: 'EKS_POSTURE_MUTELIST_PARAMETER',
  discovery: 'EKS_POSTURE_DISCOVERY',
  publish: 'EKS_POSTURE_PUBLISH',
  emitScanEvent: 'EKS_POSTURE_EMIT_SCAN_EVENT',
  memberRoleName: 'EKS_POSTURE_MEMBER_ROLE_NAME',
  externalId: 'EKS_POSTURE_EXTERNAL_ID',
} as const;

/** The scan settings the environment can hold (the mutelist comes from its SSM parameter instead). */
const ENV_SETTINGS = [
  'regions',
  'requiredLogTypes',
  'versionWarningDays',
  'minLogRetentionDays',
  'allowedAdminPrincipals',
  'checks',
  'skipChecks',
  'refreshUnchangedDays',
] as const satisfies readonly ScanSettingName[];

/** https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html: a name or an ARN. */
const PARAMETER_NAME = /^(arn:[\w-]+:ssm:[\w-]+:\d{12}:parameter)?\/?[\w.\-/]{1,2048}$/;

function parseFlag(input: string | undefined, name: string, fallback: boolean): boolean {
  if (input === undefined || input === '') return fallback;
  if (input === 'true' || input === 'false') return input === 'true';
  throw new ConfigError(`${name}: '${input}' is not true or false`);
}

/** Validates the Lambda environment; throws one ConfigError naming the variable and what is wrong. */
export function parseLambdaEnvironment(env: Readonly<Record<string, string | undefined>>): LambdaConfig {
  const roleName = env[ENV.memberRoleName];
  const externalId = env[ENV.externalId];
  const mutelistParameter = env[ENV.mutelistParameter];
  if (externalId && !roleName)
    throw new ConfigError(`${ENV.externalId} is set without ${ENV.memberRoleName}`);
  if (roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw new ConfigError(`${ENV.memberRoleName}: '${roleName}' is not an IAM role name`);
  }
  if (mutelistParameter && !PARAMETER_NAME.test(mutelistParameter)) {
    throw new ConfigError(
      `${ENV.mutelistParameter}: '${mutelistParameter}' is not an SSM parameter name or ARN`,
    );
  }
  const given = Object.fromEntries(
    ENV_SETTINGS.flatMap((setting) => (env[ENV[setting]] ? [[setting, env[ENV[setting]]]] : [])),
  );
  const settings = checkScanSettings(
    given,
    (setting) => ENV[setting as (typeof ENV_SETTINGS)[number]] ?? setting,
  );
  const homeRegion = env.AWS_REGION || 'us-east-1';
  return {
    homeRegion: parseRegions(homeRegion, 'AWS_REGION')[0] ?? 'us-east-1',
    ...(settings.regions ? { regions: settings.regions } : {}),
    ...(roleName ? { organization: { roleName, ...(externalId ? { externalId } : {}) } } : {}),
    scan: scanConfigOf(settings),
    checks: selectChecks(settings, (setting) => ENV[setting]),
    refreshUnchangedDays: settings.refreshUnchangedDays ?? DEFAULT_REFRESH_UNCHANGED_DAYS,
    ...(mutelistParameter ? { mutelistParameter } : {}),
    ...(env[ENV.discovery] ? { discovery: parseDiscovery(env[ENV.discovery] ?? '', ENV.discovery) } : {}),
    publish: parseFlag(env[ENV.publish], ENV.publish, true),
    emitScanEvent: parseFlag(env[ENV.emitScanEvent], ENV.emitScanEvent, true),
  };
}

/** The checks' settings, with the defaults for those not given. */
export function scanConfigOf(settings: ScanSettings): ScanConfig {
  return {
    requiredLogTypes: settings.requiredLogTypes ?? DEFAULT_SCAN_CONFIG.requiredLogTypes,
    versionWarningDays: settings.versionWarningDays ?? DEFAULT_SCAN_CONFIG.versionWarningDays,
    allowedAdminPrincipals: settings.allowedAdminPrincipals ?? DEFAULT_SCAN_CONFIG.allowedAdminPrincipals,
    minLogRetentionDays: settings.minLogRetentionDays ?? DEFAULT_SCAN_CONFIG.minLogRetentionDays,
  };
}
