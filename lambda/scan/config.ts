/**
 * Scan settings from untrusted text (CLI flags, Lambda environment), each validated with a
 * one-line error that names the input and what is wrong.
 */
import { DEFAULT_REQUIRED_LOG_TYPES, LOG_TYPES } from '../checks/control-plane-logging';
import type { ScanConfig } from '../checks/types';
import { ConfigError } from '../errors';
import { SEVERITIES, type Severity } from '../model/result';

export const DEFAULT_VERSION_WARNING_DAYS = 90;

export const DEFAULT_SCAN_CONFIG: ScanConfig = {
  requiredLogTypes: DEFAULT_REQUIRED_LOG_TYPES,
  versionWarningDays: DEFAULT_VERSION_WARNING_DAYS,
  allowedAdminPrincipals: [],
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function list(input: string, name: string): string[] {
  const items = input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ConfigError(`${name} is empty: give a comma-separated list`);
  return [...new Set(items)];
}

export function parseRegions(input: string, name = '--regions'): string[] {
  const regions = list(input, name);
  const bad = regions.filter((r) => !REGION.test(r));
  if (bad.length > 0)
    throw new ConfigError(`${name}: '${bad.join("', '")}' is not an AWS region name (e.g. us-east-1)`);
  return regions;
}

export function parseAccounts(input: string, name = '--accounts'): string[] {
  const accounts = list(input, name);
  const bad = accounts.filter((a) => !/^\d{12}$/.test(a));
  if (bad.length > 0)
    throw new ConfigError(`${name}: '${bad.join("', '")}' is not a 12-digit AWS account id`);
  return accounts;
}

export function parseLogTypes(input: string, name = '--required-log-types'): string[] {
  const types = list(input, name);
  const known: readonly string[] = LOG_TYPES;
  const bad = types.filter((t) => !known.includes(t));
  if (bad.length > 0) {
    throw new ConfigError(`${name}: unknown log type '${bad.join("', '")}' (known: ${LOG_TYPES.join(', ')})`);
  }
  return types;
}

export function parseWarningDays(input: string, name = '--version-warning-days'): number {
  const days = Number(input);
  if (!/^\d+$/.test(input.trim()) || !Number.isSafeInteger(days) || days > 3650) {
    throw new ConfigError(`${name}: '${input}' is not a whole number of days between 0 and 3650`);
  }
  return days;
}

/** IAM role or user ARN patterns, `*` and `?` as wildcards, e.g. `arn:aws:iam::*:role/platform-admin`. */
export function parsePrincipalPatterns(input: string, name = '--allowed-admin-principals'): string[] {
  const patterns = list(input, name);
  const bad = patterns.filter((p) => !/^arn:[^:\s]+:iam::[^:\s]*:[^:\s]+\/[^\s]+$/.test(p));
  if (bad.length > 0) {
    throw new ConfigError(
      `${name}: '${bad.join("', '")}' is not an IAM principal ARN pattern (e.g. arn:aws:iam::*:role/platform-admin)`,
    );
  }
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

/** The scanner Lambda's settings, read from its environment once at start-up. */
export interface LambdaConfig {
  /** The function's own region (`AWS_REGION`): global calls and the scan-completed event go there. */
  readonly homeRegion: string;
  readonly regions?: readonly string[];
  /** Set in organization mode: every ACTIVE account is scanned through this role. */
  readonly organization?: { readonly roleName: string; readonly externalId?: string };
  readonly scan: ScanConfig;
  readonly publish: boolean;
  readonly emitScanEvent: boolean;
}

/** Environment variable names, shared with the CDK construct that sets them. */
export const ENV = {
  regions: 'EKS_POSTURE_REGIONS',
  requiredLogTypes: 'EKS_POSTURE_REQUIRED_LOG_TYPES',
  versionWarningDays: 'EKS_POSTURE_VERSION_WARNING_DAYS',
  allowedAdminPrincipals: 'EKS_POSTURE_ALLOWED_ADMIN_PRINCIPALS',
  publish: 'EKS_POSTURE_PUBLISH',
  emitScanEvent: 'EKS_POSTURE_EMIT_SCAN_EVENT',
  memberRoleName: 'EKS_POSTURE_MEMBER_ROLE_NAME',
  externalId: 'EKS_POSTURE_EXTERNAL_ID',
} as const;

function parseFlag(input: string | undefined, name: string, fallback: boolean): boolean {
  if (input === undefined || input === '') return fallback;
  if (input === 'true' || input === 'false') return input === 'true';
  throw new ConfigError(`${name}: '${input}' is not true or false`);
}

/** Validates the Lambda environment; throws one ConfigError naming the variable and what is wrong. */
export function parseLambdaEnvironment(env: Readonly<Record<string, string | undefined>>): LambdaConfig {
  const regions = env[ENV.regions];
  const logTypes = env[ENV.requiredLogTypes];
  const days = env[ENV.versionWarningDays];
  const admins = env[ENV.allowedAdminPrincipals];
  const roleName = env[ENV.memberRoleName];
  const externalId = env[ENV.externalId];
  if (externalId && !roleName)
    throw new ConfigError(`${ENV.externalId} is set without ${ENV.memberRoleName}`);
  if (roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw new ConfigError(`${ENV.memberRoleName}: '${roleName}' is not an IAM role name`);
  }
  const homeRegion = env.AWS_REGION || 'us-east-1';
  return {
    homeRegion: parseRegions(homeRegion, 'AWS_REGION')[0] ?? 'us-east-1',
    ...(regions ? { regions: parseRegions(regions, ENV.regions) } : {}),
    ...(roleName ? { organization: { roleName, ...(externalId ? { externalId } : {}) } } : {}),
    scan: {
      requiredLogTypes: logTypes
        ? parseLogTypes(logTypes, ENV.requiredLogTypes)
        : DEFAULT_SCAN_CONFIG.requiredLogTypes,
      versionWarningDays: days
        ? parseWarningDays(days, ENV.versionWarningDays)
        : DEFAULT_SCAN_CONFIG.versionWarningDays,
      allowedAdminPrincipals: admins
        ? parsePrincipalPatterns(admins, ENV.allowedAdminPrincipals)
        : DEFAULT_SCAN_CONFIG.allowedAdminPrincipals,
    },
    publish: parseFlag(env[ENV.publish], ENV.publish, true),
    emitScanEvent: parseFlag(env[ENV.emitScanEvent], ENV.emitScanEvent, true),
  };
}
