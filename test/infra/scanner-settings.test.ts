import { Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/errors';
import { EksPostureScanner, type EksPostureScannerProps } from '../../lib/eks-posture-scanner';
import { type InputNaming, resolveSettings } from '../../lib/scanner-settings';

const ORGANIZATION = { memberRoleName: 'eks-posture-member' } as const;

/** Props as a JavaScript caller or a JSON file may give them, past what the types allow. */
function untyped(props: Record<string, unknown>): EksPostureScannerProps {
  return props as EksPostureScannerProps;
}

/** The ConfigError constructing the scanner with these props throws. */
function refusal(props: EksPostureScannerProps): ConfigError {
  try {
    new EksPostureScanner(new Stack(), 'Scanner', props);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the scanner accepted the props');
}

describe('Function: resolveSettings', () => {
  it('fills in every default when given no props', () => {
    // Act
    const settings = resolveSettings({});

    // Assess
    expect(settings).toEqual({
      schedule: 'rate(1 day)',
      scheduleInterval: Duration.days(1),
      minimumAlertSeverity: 'HIGH',
      scan: { allowedAdminPrincipals: [] },
      memorySize: 512,
      timeout: Duration.minutes(10),
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
  });

  it('reads the missing-scan interval from a rate schedule, and prefers the one given', () => {
    expect(resolveSettings({ schedule: 'rate(6 hours)' }).scheduleInterval.toSeconds()).toBe(21_600);
    expect(resolveSettings({ schedule: 'rate(1 minute)' }).scheduleInterval.toSeconds()).toBe(60);
    expect(
      resolveSettings({
        schedule: 'rate(1 day)',
        scheduleInterval: Duration.hours(12),
      }).scheduleInterval.toSeconds(),
    ).toBe(43_200);
  });

  it('names the scanner role and defaults the fan-out in organization mode', () => {
    // Act
    const settings = resolveSettings({ organization: { ...ORGANIZATION, externalId: 'x' }, fanOut: {} });

    // Assess
    expect(settings.organization).toEqual({
      memberRoleName: 'eks-posture-member',
      externalId: 'x',
      scannerRoleName: 'eks-posture-scanner',
    });
    expect(settings.fanOut).toEqual({ maxConcurrency: 10, toleratedFailurePercentage: 10 });
  });

  it('keeps the scan lists as given, so the function environment is what it was', () => {
    // Act
    const { scan } = resolveSettings({
      regions: ['us-east-1', 'eu-west-1'],
      requiredLogTypes: ['audit'],
      versionWarningDays: 0,
      minLogRetentionDays: 365,
    });

    // Assess
    expect(scan).toEqual({
      regions: ['us-east-1', 'eu-west-1'],
      requiredLogTypes: ['audit'],
      versionWarningDays: 0,
      minLogRetentionDays: 365,
      allowedAdminPrincipals: [],
    });
  });

  it('names the inputs as the caller names them', () => {
    // Prepare
    const keys: Record<string, string> = { fanOut: 'fanOutMaxConcurrency', organization: 'memberRoleName' };
    const context: InputNaming = {
      input: (setting) => `context ${keys[setting] ?? setting}`,
      mention: (setting) => keys[setting] ?? setting,
    };

    // Act and assess
    expect(() => resolveSettings({ fanOut: { maxConcurrency: 5 } }, context)).toThrow(
      'context fanOutMaxConcurrency needs memberRoleName: it scans the member accounts one invocation each',
    );
  });
});

describe('Construct: EksPostureScanner, refusing bad props at synth', () => {
  const cases: readonly (readonly [string, EksPostureScannerProps, RegExp])[] = [
    [
      'a region that is not one',
      { regions: ['eu-west-1', 'mars-1'] },
      /^props\.regions: 'mars-1' is not an AWS region name/,
    ],
    ['an empty region list', { regions: [] }, /^props\.regions is empty/],
    [
      'an unknown log type',
      { requiredLogTypes: ['api', 'kernel'] },
      /^props\.requiredLogTypes: unknown log type 'kernel'/,
    ],
    [
      'a negative warning',
      { versionWarningDays: -1 },
      /^props\.versionWarningDays: '-1' is not a whole number of days/,
    ],
    [
      'a fractional warning',
      { versionWarningDays: 1.5 },
      /^props\.versionWarningDays: '1.5' is not a whole number/,
    ],
    [
      'an admin that is not an ARN pattern',
      { allowedAdminPrincipals: ['platform-admin'] },
      /^props\.allowedAdminPrincipals: 'platform-admin' is not an IAM principal ARN pattern/,
    ],
    [
      'an unknown severity',
      untyped({ minimumAlertSeverity: 'SEVERE' }),
      /^props\.minimumAlertSeverity: 'SEVERE' is not one of LOW, MEDIUM, HIGH, CRITICAL$/,
    ],
    [
      'INFORMATIONAL as the alert severity',
      untyped({ minimumAlertSeverity: 'INFORMATIONAL' }),
      /^props\.minimumAlertSeverity: 'INFORMATIONAL' is not one of/,
    ],
    [
      'a schedule that is no expression',
      { schedule: 'daily' },
      /^props\.schedule: 'daily' is not a rate\(\.\.\.\) or cron\(\.\.\.\) expression$/,
    ],
    ['a rate of zero', { schedule: 'rate(0 hours)' }, /^props\.schedule: 'rate\(0 hours\)' is not a rate/],
    ['a rate in weeks', { schedule: 'rate(1 week)' }, /^props\.schedule: 'rate\(1 week\)' is not a rate/],
    [
      'a cron with five fields',
      { schedule: 'cron(0 3 * * ?)', scheduleInterval: Duration.days(1) },
      /^props\.schedule: 'cron\(0 3 \* \* \?\)' is not/,
    ],
    [
      'a cron schedule without its interval',
      { schedule: 'cron(0 3 ? * MON *)' },
      /^props\.schedule: 'cron\(0 3 \? \* MON \*\)' is not a rate\(\.\.\.\) expression: give scheduleInterval for the missing-scan alarm$/,
    ],
    [
      'an interval of part of a minute',
      { scheduleInterval: Duration.seconds(90) },
      /^props\.scheduleInterval: .* is not a whole number of minutes between 1 and 44640$/,
    ],
    [
      'an interval over a month',
      { scheduleInterval: Duration.days(32) },
      /^props\.scheduleInterval: '32 days' is not/,
    ],
    [
      'an external id without the member role',
      { organization: { memberRoleName: '', externalId: 'b6f1c2d9' } },
      /^props\.organization\.externalId is set without organization\.memberRoleName$/,
    ],
    [
      'a member role name IAM refuses',
      { organization: { memberRoleName: 'eks posture/member' } },
      /^props\.organization\.memberRoleName: 'eks posture\/member' is not an IAM role name$/,
    ],
    [
      'a scanner role name over 64 characters',
      { organization: { ...ORGANIZATION, scannerRoleName: 'r'.repeat(65) } },
      /^props\.organization\.scannerRoleName: 'r+' is not an IAM role name$/,
    ],
    ['a fan-out without organization mode', { fanOut: {} }, /^props\.fanOut needs organization: /],
    [
      'no concurrency',
      { organization: ORGANIZATION, fanOut: { maxConcurrency: 0 } },
      /^props\.fanOut\.maxConcurrency: '0' is not a whole number between 1 and 256$/,
    ],
    [
      'too much concurrency',
      { organization: ORGANIZATION, fanOut: { maxConcurrency: 300 } },
      /^props\.fanOut\.maxConcurrency: '300' is not/,
    ],
    [
      'a tolerated failure over 100 %',
      { organization: ORGANIZATION, fanOut: { toleratedFailurePercentage: 101 } },
      /^props\.fanOut\.toleratedFailurePercentage: '101' is not a percentage between 0 and 100$/,
    ],
    [
      'memory under the Lambda minimum',
      { memorySize: 64 },
      /^props\.memorySize: '64' is not a whole number of MB between 128 and 10240$/,
    ],
    ['memory over the Lambda maximum', { memorySize: 20_480 }, /^props\.memorySize: '20480' is not/],
    [
      'a timeout over the Lambda maximum',
      { timeout: Duration.minutes(16) },
      /^props\.timeout: '16 minutes' is not a whole number of seconds between 1 and 900$/,
    ],
    [
      'a timeout of part of a second',
      { timeout: Duration.millis(1500) },
      /^props\.timeout: .* is not a whole number of seconds/,
    ],
  ];

  it.each(cases)('refuses %s with one line naming the prop', (_, props, message) => {
    // Act
    const error = refusal(props);

    // Assess
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });
});
