#!/usr/bin/env node
/**
 * The CDK app. Settings come from CDK context (`cdk.json`, or `-c key=value`), validated here with
 * the same parsers as the CLI; see the README for every key and its default.
 */
import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../lambda/errors';
import {
  parseCount,
  parseLogTypes,
  parsePrincipalPatterns,
  parseRegions,
  parseSeverity,
  parseWarningDays,
} from '../lambda/scan/config';
import type { EksPostureScannerProps } from '../lib/eks-posture-scanner';
import { EksPostureStack } from '../lib/eks-posture-stack';
import { EksPostureMemberRoleStack } from '../lib/member-role';

const app = new App();
const text = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
};

function scannerProps(): EksPostureScannerProps {
  const regions = text('regions');
  const logTypes = text('requiredLogTypes');
  const days = text('versionWarningDays');
  const admins = text('allowedAdminPrincipals');
  const severity = text('minimumAlertSeverity');
  const memberRoleName = text('memberRoleName');
  const externalId = text('externalId');
  const schedule = text('schedule');
  const fanOut = text('fanOutMaxConcurrency');
  const alertEmail = text('alertEmail');
  const interval = text('scheduleIntervalMinutes');
  if (schedule && !/^(rate|cron)\(.+\)$/.test(schedule)) {
    throw new ConfigError(`context schedule: '${schedule}' is not a rate(...) or cron(...) expression`);
  }
  if (externalId && !memberRoleName)
    throw new ConfigError('context externalId is set without memberRoleName');
  const minimumAlertSeverity = severity ? parseSeverity(severity, 'context minimumAlertSeverity') : undefined;
  return {
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
    ...(admins
      ? { allowedAdminPrincipals: parsePrincipalPatterns(admins, 'context allowedAdminPrincipals') }
      : {}),
    ...(minimumAlertSeverity && minimumAlertSeverity !== 'INFORMATIONAL' ? { minimumAlertSeverity } : {}),
    ...(alertEmail ? { alertEmail } : {}),
    ...(memberRoleName ? { organization: { memberRoleName, ...(externalId ? { externalId } : {}) } } : {}),
    ...(fanOut ? { fanOut: { maxConcurrency: parseCount(fanOut, 'context fanOutMaxConcurrency') } } : {}),
  };
}

try {
  const { CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region } = process.env;
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const scanner = scannerProps();
  const units = text('memberOrganizationalUnitIds');
  new EksPostureStack(app, 'EksPosture', {
    env,
    scanner,
    ...(units ? { memberOrganizationalUnitIds: units.split(',').map((u) => u.trim()) } : {}),
  });
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
