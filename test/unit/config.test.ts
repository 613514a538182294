import { describe, expect, it } from 'vitest';
import {
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
