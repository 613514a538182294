import { describe, expect, it } from 'vitest';
import {
  CHECK_IDS,
  checkScanSettings,
  DEFAULT_SCAN_CONFIG,
  ENV,
  parseLambdaEnvironment,
  parsePrincipalPatterns,
} from '../../lambda/scan/config';

describe('Function: parsePrincipalPatterns', () => {
  it('accepts IAM role and user ARN patterns with wildcards, without duplicates', () => {
    expect(
      parsePrincipalPatterns(
        'arn:aws:iam::111122223333:role/platform-admin, arn:aws:iam::*:role/break-glass-*,arn:aws-cn:iam::*:user/ops,arn:aws:iam::111122223333:role/platform-admin',
      ),
    ).toEqual([
      'arn:aws:iam::111122223333:role/platform-admin',
      'arn:aws:iam::*:role/break-glass-*',
      'arn:aws-cn:iam::*:user/ops',
    ]);
  });

  it.each([
    ['platform-admin', "'platform-admin' is not an IAM principal ARN pattern"],
    ['arn:aws:s3:::bucket/key', "'arn:aws:s3:::bucket/key' is not an IAM principal ARN pattern"],
    [
      'arn:aws:iam::111122223333:role',
      "'arn:aws:iam::111122223333:role' is not an IAM principal ARN pattern",
    ],
    [' , ', 'is empty'],
  ])('refuses %j with one line naming the input', (input, message) => {
    expect(() => parsePrincipalPatterns(input)).toThrow(message);
    expect(() => parsePrincipalPatterns(input)).toThrow(/^--allowed-admin-principals/);
  });
});

describe('Function: parseLambdaEnvironment', () => {
  it('reads the allowed administrators, and allows none by default', () => {
    expect(
      parseLambdaEnvironment({ [ENV.allowedAdminPrincipals]: 'arn:aws:iam::*:role/admin' }).scan
        .allowedAdminPrincipals,
    ).toEqual(['arn:aws:iam::*:role/admin']);
    expect(parseLambdaEnvironment({}).scan).toEqual(DEFAULT_SCAN_CONFIG);
  });

  it('names the variable when the value is wrong', () => {
    expect(() => parseLambdaEnvironment({ [ENV.allowedAdminPrincipals]: 'admin' })).toThrow(
      `${ENV.allowedAdminPrincipals}: 'admin' is not an IAM principal ARN pattern`,
    );
  });
});

describe('Function: checkScanSettings', () => {
  const name = (setting: string) => `props.${setting}`;

  it('takes lists as sequences or comma-separated text, and numbers as numbers or digits', () => {
    expect(
      checkScanSettings(
        {
          regions: 'us-east-1, eu-west-1',
          versionWarningDays: '30',
          refreshUnchangedDays: 14,
          checks: ['supported-version'],
        },
        name,
      ),
    ).toEqual({
      regions: ['us-east-1', 'eu-west-1'],
      versionWarningDays: 30,
      refreshUnchangedDays: 14,
      checks: ['supported-version'],
    });
  });

  it.each([
    [
      { refreshUnchangedDays: 0 },
      "props.refreshUnchangedDays: '0' is not a whole number of days between 1 and 60",
    ],
    [
      { refreshUnchangedDays: 61 },
      "props.refreshUnchangedDays: '61' is not a whole number of days between 1 and 60",
    ],
    [
      { minLogRetentionDays: 0 },
      "props.minLogRetentionDays: '0' is not a whole number of days between 1 and 3653",
    ],
    [{ skipChecks: ['nope'] }, "props.skipChecks: unknown check 'nope' (known: endpoint-public-access,"],
    [{ regions: [] }, 'props.regions is empty: give a comma-separated list'],
    [{ mutelist: [{ checks: '*' }] }, 'props.mutelist: entry 1: reason: is required'],
    [{ region: 'us-east-1' }, 'props.region: unknown setting (known: props.regions,'],
  ])('refuses %j naming the input as its source does', (value, message) => {
    expect(() => checkScanSettings(value, name)).toThrow(message);
  });
});

describe('Function: parseLambdaEnvironment, checks and refresh', () => {
  it('keeps control-plane logs 90 days at least unless the environment says otherwise', () => {
    expect(parseLambdaEnvironment({}).scan.minLogRetentionDays).toBe(90);
    expect(parseLambdaEnvironment({ [ENV.minLogRetentionDays]: '365' }).scan.minLogRetentionDays).toBe(365);
    expect(() => parseLambdaEnvironment({ [ENV.minLogRetentionDays]: '90d' })).toThrow(
      `${ENV.minLogRetentionDays}: '90d' is not a whole number of days between 1 and 3653`,
    );
  });

  it('runs every check and refreshes weekly by default', () => {
    const config = parseLambdaEnvironment({});
    expect(config.checks).toHaveLength(CHECK_IDS.length);
    expect(config.refreshUnchangedDays).toBe(7);
    expect(config.mutelistParameter).toBeUndefined();
  });

  it('reads the checks, the refresh interval and the mutelist parameter', () => {
    const config = parseLambdaEnvironment({
      [ENV.skipChecks]: 'pod-identity-trust-policy',
      [ENV.refreshUnchangedDays]: '3',
      [ENV.mutelistParameter]: '/security/eks-mutelist',
    });
    expect(config.checks.map((c) => c.metadata.id)).not.toContain('pod-identity-trust-policy');
    expect(config.checks).toHaveLength(CHECK_IDS.length - 1);
    expect(config.refreshUnchangedDays).toBe(3);
    expect(config.mutelistParameter).toBe('/security/eks-mutelist');
  });

  it('names the variable when a value is wrong', () => {
    expect(() => parseLambdaEnvironment({ [ENV.checks]: 'bogus' })).toThrow(
      `${ENV.checks}: unknown check 'bogus'`,
    );
    expect(() => parseLambdaEnvironment({ [ENV.refreshUnchangedDays]: 'weekly' })).toThrow(
      `${ENV.refreshUnchangedDays}: 'weekly' is not a whole number of days between 1 and 60`,
    );
    expect(() => parseLambdaEnvironment({ [ENV.mutelistParameter]: 'not a name' })).toThrow(
      `${ENV.mutelistParameter}: 'not a name' is not an SSM parameter name or ARN`,
    );
  });
});
