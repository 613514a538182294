/**
 * `--discovery` as a user gives it to the CLI bundle: a bad value refused before any AWS call, and
 * an aggregator that moto cannot query (it answers the aggregator's queries with HTTP 500) falling
 * back to listing every region, which the JSON report says.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigServiceClient, PutConfigurationAggregatorCommand } from '@aws-sdk/client-config-service';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../lambda/model/report';
import { seedClients } from '../../scripts/emulator/clients';
import { seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';

const moto = useMoto({ resetEachTest: true });

let bundle = '';
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eks-posture-discovery-cli-'));
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli', '--outdir', dir]);
  bundle = join(dir, 'eks-posture.mjs');
});

function cli(args: string[], endpoint = moto.endpoint) {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const OWN_ACCOUNT = ['--accounts', MOTO_ACCOUNT_ID, '--role-name', 'eks-posture-member'];

describe('CLI: --discovery', () => {
  it.each([
    [
      ['--discovery', 'bogus', ...OWN_ACCOUNT],
      "--discovery: 'bogus' is not 'list' or 'config:<aggregator>[@<region>]'",
    ],
    [
      ['--discovery', 'config:a b', ...OWN_ACCOUNT],
      "--discovery: 'a b' is not an AWS Config aggregator name",
    ],
    [['--discovery', 'config:org'], '--discovery config:… applies only with --org or --accounts'],
  ])('refuses %j with exit 2 and one line, before any AWS call', async (args, message) => {
    // Nothing listens at this endpoint: any AWS call would fail differently.
    const run = await cli(args, 'http://127.0.0.1:9');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it('reads the option from the config file, with the file named in its error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eks-posture-discovery-'));
    const file = join(dir, 'scan.yaml');
    await writeFile(file, 'discovery: "config:"\n');

    const run = await cli(['--config', file], 'http://127.0.0.1:9');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--config ${file}: discovery: '' is not an AWS Config aggregator name`);
  });

  it('lists every region and says why when the aggregator cannot be queried', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    await new ConfigServiceClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    }).send(
      new PutConfigurationAggregatorCommand({
        ConfigurationAggregatorName: 'org',
        AccountAggregationSources: [{ AccountIds: [MOTO_ACCOUNT_ID], AllAwsRegions: true }],
      }),
    );

    const run = await cli(['--regions', 'us-east-1,eu-west-1', '--discovery', 'config:org', ...OWN_ACCOUNT]);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.discovery).toMatchObject({ kind: 'config', aggregator: 'org', skipped: 0 });
    expect(report.discovery?.kind === 'config' ? report.discovery.fallback : undefined).toBeTruthy();
    expect(report.stats.apiCalls['eks:ListClusters']).toBe(2);
    expect(report.stats.apiCalls['config:DescribeConfigurationAggregators']).toBe(1);
  });
});
