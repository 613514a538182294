/**
 * The `eks-posture` CLI as a user runs it: the bundle `npm run build` makes (its chunks loaded on
 * demand), as a child process, credentials and endpoint from the environment.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport as ScanReport } from '../../lambda/model/report';
import { findingProblems } from '../../lambda/publish/asff-schema';
import { seedClients } from '../../scripts/emulator/clients';
import { demoMutelist, seedDemoAccount } from '../../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS } from '../../scripts/emulator/moto';
import { useMoto } from '../support/moto-hooks';
import { checksPer } from '../support/results';

/**
 * What a scan of eu-west-1 reports in the demo account: three clusters and one node group, each
 * with one result per check; the account there and the OIDC provider of its issuer, one result per
 * check each; two IRSA roles whose issuer is there; two Pod Identity roles.
 */
const EU_RESULTS =
  3 * checksPer('AwsEksCluster') +
  checksPer('AwsEksNodegroup') +
  checksPer('AwsAccount') +
  checksPer('AwsIamOidcProvider') +
  2 +
  2;

const moto = useMoto({ resetEachTest: true });

/** Built once for the file by the project's one builder, into a scratch directory. */
let bundle = '';
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eks-posture-cli-'));
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli', '--outdir', dir]);
  bundle = join(dir, 'eks-posture.mjs');
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI. `closeStdout` closes the read side of its stdout, as `| head -1` does: `at-once`
 * before it writes anything (every write then meets a closed pipe), `after-first-chunk` as soon as
 * something arrives (whether a later write meets it closed depends on timing).
 */
function cli(
  args: string[],
  env: Record<string, string> = {},
  closeStdout?: 'at-once' | 'after-first-chunk',
): Promise<Run> {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  if (closeStdout === 'at-once') child.stdout.destroy();
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (closeStdout === 'after-first-chunk') child.stdout.destroy();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface LocalEndpoint {
  readonly url: string;
  readonly port: number;
  /** Requests it has received. */
  readonly requests: () => number;
  readonly close: () => Promise<void>;
}

/** A plain-HTTP endpoint on a free loopback port that counts the requests it gets and answers each 500. */
async function localEndpoint(): Promise<LocalEndpoint> {
  let requests = 0;
  const server = createServer((_, response) => {
    requests += 1;
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('CLI: eks-posture', () => {
  it('prints only the JSON report on stdout when piped, and exits 0 without --fail-on', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const run = await cli(['--regions', 'us-east-1,eu-west-1']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ScanReport;
    expect(Object.keys(report)).toEqual([
      'schemaVersion',
      'scanId',
      'startedAt',
      'finishedAt',
      'targets',
      'results',
      'stats',
    ]);
    expect(report.schemaVersion).toBe(1);
    // Per cluster and per node group one result per check, per account region with clusters and per
    // OIDC provider (three: one per region's issuer and a leftover) too, the 6 IRSA roles whose issuer
    // is in a scanned region (not the us-west-2 one), and the 2 Pod Identity roles.
    expect(report.results.length).toBe(
      6 * checksPer('AwsEksCluster') +
        4 * checksPer('AwsEksNodegroup') +
        2 * checksPer('AwsAccount') +
        3 * checksPer('AwsIamOidcProvider') +
        6 +
        2,
    );
    expect(Object.keys(report.results[0] ?? {})).toEqual(
      expect.arrayContaining([
        'checkId',
        'status',
        'severity',
        'accountId',
        'region',
        'resource',
        'title',
        'detail',
        'remediation',
      ]),
    );
    expect(run.stderr).toBe('');
  });

  it('exits 1 when a FAILED result reaches --fail-on, and 0 when none does', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const critical = await cli(['--regions', 'us-east-1', '--fail-on', 'critical']);
    // No cluster there; the account's Pod Identity roles are reported there, the worst one MEDIUM.
    const clean = await cli(['--regions', 'ap-south-1', '--fail-on', 'HIGH']);

    expect(critical.code).toBe(1);
    expect(clean.code).toBe(0);
  });

  it('prints a table with the summary when asked', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const run = await cli([
      '--regions',
      'eu-west-1',
      '--format',
      'table',
      '--required-log-types',
      'api,scheduler',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('endpoint-public-access');
    expect(run.stdout).toMatch(/\d+ results: \d+ PASSED, \d+ FAILED/);
    expect(run.stdout).toContain('2 targets scanned');
  });

  it('writes the report to --output and keeps stdout empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eks-posture-'));
    const file = join(dir, 'report.json');

    const run = await cli(['--regions', 'us-east-1', '--output', file]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ schemaVersion: 1 });
  });

  it('imports into Security Hub with --publish and counts what it did', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const run = await cli(['--regions', 'eu-west-1', '--publish']);

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ScanReport;
    expect(report.publish?.targets).toEqual([
      {
        accountId: '123456789012',
        region: 'eu-west-1',
        imported: EU_RESULTS,
        archived: 0,
        kept: 0,
        unchanged: 0,
        failed: 0,
        skippedChecks: [],
      },
    ]);
    expect(report.stats.apiCalls['securityhub:BatchImportFindings']).toBe(1);
    const hub = new SecurityHubClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    expect((await hub.send(new GetFindingsCommand({}))).Findings).toHaveLength(EU_RESULTS);
  });

  it('prints the findings a publish would import with --format asff, and imports nothing', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const run = await cli(['--regions', 'eu-west-1', '--format', 'asff']);

    expect(run.code).toBe(0);
    const findings = JSON.parse(run.stdout) as unknown[];
    expect(findings).toHaveLength(EU_RESULTS);
    expect(findings.flatMap((f) => findingProblems(f))).toEqual([]);
    const hub = new SecurityHubClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
    });
    expect((await hub.send(new GetFindingsCommand({}))).Findings).toHaveLength(0);
  });

  it.each([
    [['--fail-on', 'SEVERE'], "--fail-on: 'SEVERE' is not one of LOW, MEDIUM, HIGH, CRITICAL"],
    [['--regions', 'moon-base'], "--regions: 'moon-base' is not an AWS region name"],
    [['--required-log-types', 'api,kubelet'], "unknown log type 'kubelet'"],
    [['--version-warning-days', '-3'], "--version-warning-days: '-3' is not a whole number"],
    [
      ['--min-log-retention-days', '0'],
      "--min-log-retention-days: '0' is not a whole number of days between 1 and 3653",
    ],
    [['--format', 'xml'], "option '--format <format>' argument 'xml' is invalid"],
    [['--bogus'], "unknown option '--bogus'"],
    [
      ['--org', '--accounts', '111122223333', '--role-name', 'r'],
      "option '--org' cannot be used with option '--accounts <list>'",
    ],
    [['--role-name', 'r'], '--role-name and --external-id apply only with --org or --accounts'],
    [
      ['--allowed-admin-principals', 'arn:aws:iam::*:role/ok,platform-admin'],
      "--allowed-admin-principals: 'platform-admin' is not an IAM principal ARN pattern",
    ],
  ])('rejects %j with exit 2 and one line naming the input', async (args, message) => {
    const run = await cli(args);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with a clear line when there are no credentials', async () => {
    const run = await cli(['--regions', 'us-east-1'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^eks-posture: no usable AWS credentials/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe('with IAM denied', () => {
    let denying: Server;
    let iamEndpoint: string;
    beforeAll(async () => {
      // An IAM endpoint that answers every call as IAM does when a policy denies it.
      denying = createServer((_, response) => {
        response.writeHead(403, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: iam:GetAccountAuthorizationDetails</Message></Error><RequestId>1</RequestId></ErrorResponse>',
        );
      });
      await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
      iamEndpoint = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => denying.close(resolve));
    });

    it('exits 3, still reports the clusters, and says which target failed and why', async () => {
      await seedDemoAccount(seedClients(moto.endpoint));

      const run = await cli(['--regions', 'eu-west-1'], { AWS_ENDPOINT_URL_IAM: iamEndpoint });

      expect(run.code).toBe(3);
      const report = JSON.parse(run.stdout) as ScanReport;
      expect(report.targets).toContainEqual(
        expect.objectContaining({
          region: 'global',
          status: 'FAILED',
          error: expect.stringContaining(
            'iam:GetAccountAuthorizationDetails failed in account 123456789012, global: AccessDenied',
          ),
        }),
      );
      expect(report.results.filter((r) => r.resource.type === 'AwsEksCluster')).toHaveLength(
        3 * checksPer('AwsEksCluster'),
      );
    });
  });

  describe('with stdout closed early, as by `| head -1`', () => {
    /** Closed before the first write, then (timing-dependent) between writes; each a few times. */
    const closings = [
      'at-once',
      'after-first-chunk',
      'at-once',
      'after-first-chunk',
      'after-first-chunk',
    ] as const;

    it('ends --help quietly with exit 0, however early the reader goes', { timeout: 90_000 }, async () => {
      for (const closing of closings) {
        const run = await cli(['--help'], {}, closing);

        expect({ closing, code: run.code, stderr: run.stderr }).toEqual({ closing, code: 0, stderr: '' });
      }
    });

    it('ends a JSON scan quietly with the exit code of the run', { timeout: 120_000 }, async () => {
      await seedDemoAccount(seedClients(moto.endpoint));

      for (const closing of closings.slice(0, 3)) {
        // A complete run without --fail-on: 0, where the crash on EPIPE used to give 1 and a stack trace.
        const run = await cli(['--regions', 'us-east-1,eu-west-1', '--format', 'json'], {}, closing);
        expect({ closing, code: run.code, stderr: withoutProgress(run.stderr) }).toEqual({
          closing,
          code: 0,
          stderr: '',
        });
      }
    });
  });

  describe('before any AWS call', () => {
    // An endpoint that counts requests proves that none was made; a closed port could not, since an
    // endpoint that refuses connections also ends in exit 2 now, after the first call.
    let endpoint: LocalEndpoint;
    beforeAll(async () => {
      endpoint = await localEndpoint();
    });
    afterAll(async () => {
      await endpoint.close();
    });

    it.each([
      [
        'in a directory that does not exist',
        ['missing', 'report.json'],
        'the directory <dir>/missing does not exist',
      ],
      ['that is a directory', [], 'is a directory'],
      ['under a regular file', ['file', 'report.json'], 'a part of the path is not a directory'],
    ])('refuses an --output %s with exit 2 and one line naming it', async (_, path, problem) => {
      const dir = await mkdtemp(join(tmpdir(), 'eks-posture-'));
      await writeFile(join(dir, 'file'), 'not a directory');
      const file = join(dir, ...path);

      const run = await cli(['--regions', 'us-east-1', '--output', file], { AWS_ENDPOINT_URL: endpoint.url });

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`eks-posture: --output ${file}: ${problem.replace('<dir>', dir)}\n`);
      expect(endpoint.requests()).toBe(0);
    });

    it('refuses a --profile the shared config files lack, naming it and the files', async () => {
      const home = await mkdtemp(join(tmpdir(), 'eks-posture-home-'));
      await mkdir(join(home, '.aws'));
      await writeFile(join(home, '.aws', 'config'), '[profile scanner]\nregion = eu-west-1\n');

      const run = await cli(['--profile', 'auditor', '--regions', 'us-east-1'], {
        HOME: home,
        AWS_ENDPOINT_URL: endpoint.url,
      });

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `eks-posture: --profile: no profile 'auditor' in ${home}/.aws/config or ${home}/.aws/credentials\n`,
      );
      expect(endpoint.requests()).toBe(0);
    });
  });

  describe('with --profile', () => {
    async function homeWithProfile(): Promise<string> {
      const home = await mkdtemp(join(tmpdir(), 'eks-posture-home-'));
      await mkdir(join(home, '.aws'));
      await writeFile(
        join(home, '.aws', 'config'),
        [
          '[profile scanner]',
          'region = eu-west-1',
          `aws_access_key_id = ${MOTO_CREDENTIALS.accessKeyId}`,
          `aws_secret_access_key = ${MOTO_CREDENTIALS.secretAccessKey}`,
          '',
        ].join('\n'),
      );
      return home;
    }

    it('scans with the credentials of that profile of ~/.aws/config', async () => {
      const home = await homeWithProfile();

      // No credentials in the environment: without the profile, this run has none (exit 2).
      const run = await cli(['--profile', 'scanner', '--regions', 'ap-south-1'], {
        HOME: home,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
      });

      expect(run.code).toBe(0);
      expect(withoutProgress(run.stderr)).toBe('');
      expect((JSON.parse(run.stdout) as ScanReport).targets[0]?.accountId).toBe('123456789012');
    });

    it('prefers the profile to credentials in the environment, without the SDK warning about both', async () => {
      const home = await homeWithProfile();

      const run = await cli(['--profile', 'scanner', '--regions', 'ap-south-1'], { HOME: home });

      expect(run.code).toBe(0);
      expect(withoutProgress(run.stderr)).toBe('');
    });
  });

  describe('with an endpoint that cannot be reached', () => {
    let plainHttp: LocalEndpoint;
    beforeAll(async () => {
      plainHttp = await localEndpoint();
    });
    afterAll(async () => {
      await plainHttp.close();
    });

    it.each([
      [
        'connection refused',
        async () => `http://127.0.0.1:${await closedPort()}`,
        /connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      ],
      // .invalid never resolves (RFC 6761); without a resolver at all the lookup fails instead.
      [
        'DNS failure',
        async () => 'http://eks-posture.invalid',
        /(host name eks-posture\.invalid not found in DNS|DNS lookup of eks-posture\.invalid failed)/,
      ],
      // TLS to a plain-HTTP port: the handshake gets an HTTP answer.
      [
        'TLS failure',
        async () => `https://127.0.0.1:${plainHttp.port}`,
        /TLS handshake failed: wrong version number \(EPROTO\)/,
      ],
    ])(
      'exits 2 when nothing could be scanned, saying so (%s), and leaves no report',
      async (_, url, reason) => {
        const endpoint = await url();
        const dir = await mkdtemp(join(tmpdir(), 'eks-posture-'));
        const file = join(dir, 'report.json');

        const run = await cli(['--regions', 'us-east-1', '--output', file], { AWS_ENDPOINT_URL: endpoint });

        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^eks-posture: cannot reach the AWS endpoint: /);
        expect(run.stderr).toMatch(reason);
        expect(run.stderr).toContain(`(AWS_ENDPOINT_URL is ${endpoint})`);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        // The check of --output before the scan created no file.
        await expect(readFile(file)).rejects.toThrow('ENOENT');
      },
    );

    it('exits 3 with the report when some target could not be reached, naming it and why', async () => {
      const run = await cli(['--regions', 'eu-west-1'], {
        AWS_ENDPOINT_URL_EKS: `http://127.0.0.1:${await closedPort()}`,
      });

      expect(run.code).toBe(3);
      const report = JSON.parse(run.stdout) as ScanReport;
      expect(report.targets).toContainEqual(
        expect.objectContaining({
          region: 'eu-west-1',
          status: 'FAILED',
          error: expect.stringMatching(
            /eks:ListClusters failed in account 123456789012, eu-west-1: .*ECONNREFUSED/,
          ),
        }),
      );
    });
  });
});

describe('CLI: accepted risks, check selection, filters and formats', () => {
  const resultsOf = (run: Run) => (JSON.parse(run.stdout) as ScanReport).results;
  const file = async (name: string, text: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'eks-posture-cli-'));
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it("mutes the demo account's accepted public endpoint: it keeps its status, and --fail-on HIGH then exits 0", async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    const mutelist = await file('mutelist.yaml', demoMutelist(new Date()));
    const args = ['--regions', 'eu-west-1', '--checks', 'endpoint-public-access', '--fail-on', 'HIGH'];

    const unmuted = await cli(args);
    const muted = await cli([...args, '--mutelist', mutelist]);

    // The sandbox's endpoint (open to every IPv6 address) is the only HIGH result of the check there.
    expect(unmuted.code).toBe(1);
    expect(muted.code).toBe(0);
    const results = resultsOf(muted);
    expect(new Set(results.map((r) => r.checkId))).toEqual(new Set(['endpoint-public-access']));
    const sandbox = results.find((r) => r.resource.name === 'ml-sandbox');
    expect(sandbox).toMatchObject({
      status: 'FAILED',
      severity: 'HIGH',
      muted: {
        reason: expect.stringContaining('Sandbox for notebooks'),
        owner: 'data-science-leads',
        entry: 1,
      },
    });
    expect(results.filter((r) => r.muted)).toHaveLength(1);

    const table = await cli([...args, '--mutelist', mutelist, '--format', 'table']);
    expect(table.stdout).toContain('Muted (accepted risks)');
    expect(table.stdout).toContain('Sandbox for notebooks');
  });

  it('warns once of an expired entry, which mutes nothing', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    const mutelist = await file(
      'mutelist.yaml',
      'mutelist:\n  - checks: ["*"]\n    reason: old exception\n    expires: 2020-01-31\n',
    );

    const run = await cli([
      '--regions',
      'eu-west-1',
      '--checks',
      'endpoint-public-access',
      '--mutelist',
      mutelist,
    ]);

    expect(run.code).toBe(0);
    expect(resultsOf(run).some((r) => r.muted)).toBe(false);
    expect(withoutProgress(run.stderr)).toBe(
      `eks-posture: warning: --mutelist ${mutelist}: entry 1 expired on 2020-01-31 and no longer mutes (old exception)`,
    );
  });

  it('narrows the report with --status and --min-severity, but not the exit code', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));

    const run = await cli([
      '--regions',
      'eu-west-1',
      '--status',
      'FAILED',
      '--min-severity',
      'HIGH',
      '--fail-on',
      'LOW',
    ]);

    expect(run.code).toBe(1);
    const results = resultsOf(run);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.status).toBe('FAILED');
      expect(['HIGH', 'CRITICAL']).toContain(r.severity);
    }
  });

  it('takes options from --config, the command line winning', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    const config = await file(
      'eks-posture.yaml',
      [
        'regions: [us-east-1]',
        'checks: [endpoint-public-access, deletion-protection]',
        'format: csv',
        'mutelist:',
        '  - checks: [endpoint-public-access]',
        '    resources: [analytics]',
        '    reason: accepted in the config file',
      ].join('\n'),
    );

    const run = await cli(['--config', config, '--regions', 'eu-west-1', '--format', 'json']);

    expect(run.code).toBe(0);
    const results = resultsOf(run);
    expect(new Set(results.map((r) => r.region))).toEqual(new Set(['eu-west-1']));
    expect(new Set(results.map((r) => r.checkId))).toEqual(
      new Set(['endpoint-public-access', 'deletion-protection']),
    );
    // analytics is a us-east-1 cluster: nothing of eu-west-1 matches the entry.
    expect(results.some((r) => r.muted)).toBe(false);
  });

  it('writes CSV, OCSF and HTML', async () => {
    await seedDemoAccount(seedClients(moto.endpoint));
    const args = ['--regions', 'eu-west-1', '--checks', 'endpoint-public-access'];

    const [json, csv, ocsf, html] = await Promise.all(
      ['json', 'csv', 'ocsf', 'html'].map((format) => cli([...args, '--format', format])),
    );

    const count = resultsOf(json as Run).length;
    expect(count).toBe(3);
    expect(csv?.stdout.trimEnd().split('\n')).toHaveLength(count + 1);
    expect(csv?.stdout.split('\n')[0]).toContain('checkId');
    const events = JSON.parse(ocsf?.stdout ?? '') as { class_uid: number }[];
    expect(events).toHaveLength(count);
    expect(new Set(events.map((e) => e.class_uid))).toEqual(new Set([2003]));
    expect(html?.stdout).toMatch(/^<!doctype html>/i);
    expect(html?.stdout).toContain('ml-sandbox');
  });

  describe('before any AWS call', () => {
    let endpoint: LocalEndpoint;
    beforeAll(async () => {
      endpoint = await localEndpoint();
    });
    afterAll(() => endpoint.close());

    it.each([
      [
        ['--checks', 'endpoint-public'],
        "--checks: unknown check 'endpoint-public' (known: endpoint-public-access,",
      ],
      [
        ['--checks', 'supported-version', '--skip-checks', 'supported-version'],
        '--skip-checks leaves no check to run',
      ],
      [
        ['--status', 'BROKEN'],
        "--status: unknown status 'BROKEN' (known: PASSED, FAILED, WARNING, NOT_AVAILABLE)",
      ],
      [
        ['--min-severity', 'SEVERE'],
        "--min-severity: 'SEVERE' is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL",
      ],
      [
        ['--refresh-unchanged-days', '90'],
        "--refresh-unchanged-days: '90' is not a whole number of days between 1 and 60",
      ],
      [['--format', 'sarif'], "option '--format <format>' argument 'sarif' is invalid"],
    ])('refuses %j with exit 2 and one line', async (args, message) => {
      const run = await cli(args, { AWS_ENDPOINT_URL: endpoint.url });
      expect(run.code).toBe(2);
      expect(run.stderr.startsWith(`eks-posture: ${message}`)).toBe(true);
      expect(run.stderr.trimEnd()).not.toContain('\n');
      expect(run.stdout).toBe('');
      expect(endpoint.requests()).toBe(0);
    });

    it('refuses a bad mutelist or config file, naming the file, the entry and the problem', async () => {
      const mutelist = await file(
        'bad.yaml',
        'mutelist:\n  - checks: ["*"]\n    reason: fine\n  - checks: [nope]\n    reason: x\n',
      );
      const config = await file(
        'bad-config.yaml',
        'regions: [us-east-1]\nfail-on: HIGH\nregion: eu-west-1\n',
      );

      const badList = await cli(['--mutelist', mutelist], { AWS_ENDPOINT_URL: endpoint.url });
      const badConfig = await cli(['--config', config], { AWS_ENDPOINT_URL: endpoint.url });

      expect(badList.code).toBe(2);
      expect(badList.stderr).toMatch(
        new RegExp(
          `^eks-posture: --mutelist ${mutelist}: entry 2: checks: unknown check id 'nope' \\(known: `,
        ),
      );
      expect(badConfig.code).toBe(2);
      expect(badConfig.stderr).toMatch(
        new RegExp(`^eks-posture: --config ${config}: region: unknown option \\(known: `),
      );
      expect(endpoint.requests()).toBe(0);
    });

    it('lists the checks without credentials or AWS calls', async () => {
      const table = await cli(['--list-checks'], { AWS_ENDPOINT_URL: endpoint.url, AWS_ACCESS_KEY_ID: '' });
      const json = await cli(['--list-checks', '--format', 'json'], { AWS_ENDPOINT_URL: endpoint.url });

      expect(table.code).toBe(0);
      expect(table.stdout).toContain('irsa-trust-policy');
      expect(JSON.parse(json.stdout)).toContainEqual(
        expect.objectContaining({
          id: 'endpoint-public-access',
          resourceType: 'AwsEksCluster',
          severities: ['HIGH', 'MEDIUM'],
        }),
      );
      expect(endpoint.requests()).toBe(0);
    });
  });
});

/** Stderr without the progress lines a scan slower than a second logs (a loaded machine): nothing else may appear. */
function withoutProgress(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('eks-posture: scanning: '))
    .join('\n');
}
