#!/usr/bin/env node
/**
 * The CDK app. Settings come from CDK context (`cdk.json`, or `-c key=value`), validated here with
 * the same parsers as the CLI and the construct's own checks, each message naming the context key;
 * see the README for every key and its default.
 */
import { readFileSync } from 'node:fs';
import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../lambda/errors';
import type { Mutelist } from '../lambda/mutelist/mutelist';
import { parseMutelist } from '../lambda/mutelist/mutelist-file';
import {
  CHECK_IDS,
  parseCheckIds,
  parseCount,
  parseLogTypes,
  parsePrincipalPatterns,
  parseRefreshDays,
  parseRegions,
  parseRetentionDays,
  parseSeverity,
  parseWarningDays,
} from '../lambda/scan/config';
import type { EksPostureScannerProps } from '../lib/eks-posture-scanner';
import { EksPostureStack, type EksPostureStackProps } from '../lib/eks-posture-stack';
import {
  checkedOrganizationalUnitIds,
  EksPostureMemberRoleStack,
  parseStackSetCallAs,
} from '../lib/member-role';
import { type InputNaming, PROPS_NAMING, resolveSettings, type SettingName } from '../lib/scanner-settings';

const app = new App();
const text = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
};

/** The context key that sets each prop; the rest have none and keep their props name. */
const CONTEXT_KEYS: Partial<Record<SettingName, string>> = {
  schedule: 'schedule',
  scheduleInterval: 'scheduleIntervalMinutes',
  regions: 'regions',
  organization: 'memberRoleName',
  'organization.memberRoleName': 'memberRoleName',
  'organization.externalId': 'externalId',
  minimumAlertSeverity: 'minimumAlertSeverity',
  requiredLogTypes: 'requiredLogTypes',
  versionWarningDays: 'versionWarningDays',
  minLogRetentionDays: 'minLogRetentionDays',
  allowedAdminPrincipals: 'allowedAdminPrincipals',
  checks: 'checks',
  skipChecks: 'skipChecks',
  mutelist: 'mutelistFile',
  mutelistParameterName: 'mutelistParameterName',
  refreshUnchangedDays: 'refreshUnchangedDays',
  discovery: 'discovery',
  fanOut: 'fanOutMaxConcurrency',
  'fanOut.maxConcurrency': 'fanOutMaxConcurrency',
};
const CONTEXT_NAMING: InputNaming = {
  input: (setting) => {
    const key = CONTEXT_KEYS[setting];
    return key ? `context ${key}` : PROPS_NAMING.input(setting);
  },
  mention: (setting) => CONTEXT_KEYS[setting] ?? PROPS_NAMING.mention(setting),
};

function scannerProps(): EksPostureScannerProps {
  const regions = text('regions');
  const logTypes = text('requiredLogTypes');
  const days = text('versionWarningDays');
  const retention = text('minLogRetentionDays');
  const admins = text('allowedAdminPrincipals');
  const severity = text('minimumAlertSeverity');
  const memberRoleName = text('memberRoleName');
  const externalId = text('externalId');
  const schedule = text('schedule');
  const fanOut = text('fanOutMaxConcurrency');
  const alertEmail = text('alertEmail');
  const interval = text('scheduleIntervalMinutes');
  const checks = text('checks');
  const skipChecks = text('skipChecks');
  const refreshDays = text('refreshUnchangedDays');
  const mutelistFile = text('mutelistFile');
  const mutelistParameterName = text('mutelistParameterName');
  const discovery = text('discovery');
  if (externalId && !memberRoleName)
    throw new ConfigError('context externalId is set without memberRoleName');
  const minimumAlertSeverity = severity ? parseSeverity(severity, 'context minimumAlertSeverity') : undefined;
  const props: EksPostureScannerProps = {
    ...(schedule ? { schedule } : {}),
    ...(interval
      ? {
          scheduleInterval: Duration.minutes(
            parseCount(interval, 'context scheduleIntervalMinutes', 60 * 24 * 31),
          ),
        }
      : {}),
    ...(regions ? { regions: parseRegions(regions, 'context regions') } : {}),
    ...(logTypes ? { requiredLogTypes: parseLogTypes(logTypes, 'context requiredLogTypes') } : {}),
    ...(days ? { versionWarningDays: parseWarningDays(days, 'context versionWarningDays') } : {}),
    ...(retention
      ? { minLogRetentionDays: parseRetentionDays(retention, 'context minLogRetentionDays') }
      : {}),
    ...(admins
      ? { allowedAdminPrincipals: parsePrincipalPatterns(admins, 'context allowedAdminPrincipals') }
      : {}),
    ...(minimumAlertSeverity && minimumAlertSeverity !== 'INFORMATIONAL' ? { minimumAlertSeverity } : {}),
    ...(alertEmail ? { alertEmail } : {}),
    ...(memberRoleName ? { organization: { memberRoleName, ...(externalId ? { externalId } : {}) } } : {}),
    ...(fanOut ? { fanOut: { maxConcurrency: parseCount(fanOut, 'context fanOutMaxConcurrency') } } : {}),
    ...(checks ? { checks: parseCheckIds(checks, 'context checks') } : {}),
    ...(skipChecks ? { skipChecks: parseCheckIds(skipChecks, 'context skipChecks') } : {}),
    ...(refreshDays
      ? { refreshUnchangedDays: parseRefreshDays(refreshDays, 'context refreshUnchangedDays') }
      : {}),
    ...(mutelistFile ? { mutelist: readMutelistFile(mutelistFile).entries } : {}),
    ...(mutelistParameterName ? { mutelistParameterName } : {}),
    ...(discovery ? { discovery } : {}),
  };
  // What the construct would refuse, refused here first, so that the message names the context key.
  resolveSettings(props, CONTEXT_NAMING);
  return props;
}

/** A mutelist file named by context, validated at synth as the CLI validates `--mutelist`. */
function readMutelistFile(file: string): Mutelist {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`context mutelistFile ${file}: ${message.split('\n')[0]}`);
  }
  return parseMutelist(text, `context mutelistFile ${file}`, CHECK_IDS);
}

/** The member role StackSet's settings; what the stack would refuse, refused here naming the context key. */
function stackSetProps(
  scanner: EksPostureScannerProps,
): Pick<EksPostureStackProps, 'memberOrganizationalUnitIds' | 'stackSetCallAs'> {
  const units = text('memberOrganizationalUnitIds');
  const callAs = text('stackSetCallAs');
  if (units && !scanner.organization) {
    throw new ConfigError('context memberOrganizationalUnitIds is set without memberRoleName');
  }
  if (callAs && !units) {
    throw new ConfigError('context stackSetCallAs applies only with memberOrganizationalUnitIds');
  }
  return {
    ...(units
      ? {
          memberOrganizationalUnitIds: checkedOrganizationalUnitIds(
            units.split(',').map((u) => u.trim()),
            'context memberOrganizationalUnitIds',
          ),
        }
      : {}),
    ...(callAs ? { stackSetCallAs: parseStackSetCallAs(callAs, 'context stackSetCallAs') } : {}),
  };
}

try {
  const { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region } = process.env;
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const scanner = scannerProps();
  new EksPostureStack(app, 'EksPosture', { env, scanner, ...stackSetProps(scanner) });
  const scannerAccountId = text('scannerAccountId');
  if (scannerAccountId) {
    // For member accounts deployed one by one instead of through the StackSet.
    new EksPostureMemberRoleStack(app, 'EksPostureMemberRole', {
      env,
      scannerAccountId,
      ...(scanner.organization?.memberRoleName ? { roleName: scanner.organization.memberRoleName } : {}),
      ...(scanner.organization?.externalId ? { externalId: scanner.organization.externalId } : {}),
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`eks-posture: ${error.message}\n`);
  process.exit(2);
}
