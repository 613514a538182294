/** The README's `npx cdk synth`, run as a user runs it: the CDK CLI, cdk.json's app command, no AWS credentials. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function synth(args: string[]): { outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'eks-posture-synth-'));
  execFileSync('npx', ['cdk', 'synth', '--quiet', '-o', outdir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: mkdtempSync(join(tmpdir(), 'eks-posture-home-')),
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: 'true',
    },
  });
  return { outdir };
}

describe('CLI: npx cdk synth', () => {
  it('synthesizes the scanner offline, without credentials', { timeout: 120_000 }, () => {
    const { outdir } = synth([]);
    expect(existsSync(join(outdir, 'EksPosture.template.json'))).toBe(true);
  });

  it('synthesizes organization mode with the member role stack', { timeout: 120_000 }, () => {
    const { outdir } = synth([
      '-c',
      'memberRoleName=eks-posture-member',
      '-c',
      'externalId=3f0c9a',
      '-c',
      'memberOrganizationalUnitIds=ou-abcd-12345678',
      '-c',
      'scannerAccountId=111122223333',
      '-c',
      'stackSetCallAs=SELF',
    ]);
    expect(existsSync(join(outdir, 'EksPostureMemberRole.template.json'))).toBe(true);
    // Deployed from the management account, as this context says, the StackSet acts as SELF.
    const template = JSON.parse(readFileSync(join(outdir, 'EksPosture.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: { CallAs?: string } }>;
    };
    const stackSets = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::CloudFormation::StackSet',
    );
    expect(stackSets.map((r) => r.Properties?.CallAs)).toEqual(['SELF']);
  });

  it('refuses a bad setting with one line naming it', { timeout: 120_000 }, () => {
    expect(() => synth(['-c', 'minimumAlertSeverity=SEVERE'])).toThrow(
      /context minimumAlertSeverity: 'SEVERE' is not one of/,
    );
  });

  it('refuses a bad StackSet setting with one line naming its context key', { timeout: 240_000 }, () => {
    const organization = ['-c', 'memberRoleName=eks-posture-member'];
    expect(() =>
      synth([
        ...organization,
        '-c',
        'memberOrganizationalUnitIds=ou-abcd-12345678',
        '-c',
        'stackSetCallAs=ADMIN',
      ]),
    ).toThrow(/context stackSetCallAs: 'ADMIN' is not one of SELF, DELEGATED_ADMIN/);
    expect(() => synth([...organization, '-c', 'stackSetCallAs=SELF'])).toThrow(
      /context stackSetCallAs applies only with memberOrganizationalUnitIds/,
    );
  });

  it('names the context key, not the prop, for what the construct refuses', { timeout: 240_000 }, () => {
    expect(() => synth(['-c', 'fanOutMaxConcurrency=5'])).toThrow(
      /context fanOutMaxConcurrency needs memberRoleName: it scans the member accounts/,
    );
    expect(() => synth(['-c', 'schedule=cron(0 3 * * ? *)'])).toThrow(
      /context schedule: 'cron\(0 3 \* \* \? \*\)' is not a rate\(\.\.\.\) expression: give scheduleIntervalMinutes/,
    );
  });
});
