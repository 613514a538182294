/**
 * `npm run bench:cli`: the bundled CLI (dist/eks-posture.mjs) run as a process, the way a user runs
 * it, against accounts seeded into moto behind a recording proxy. For each scenario it prints the
 * median, min and max wall time (spawn to exit), the peak RSS of the child (`/usr/bin/time -v`), the
 * calls it made, and where the time went: process start to the first request reaching the proxy,
 * first request to the last answer leaving it, last answer to exit. A benchmark to run, not a test.
 *
 *   npm run bench:cli -- --runs 10 --latency 20-40 --reference-cloudsploit /tmp/cloudsploit
 *
 * With --reference-cloudsploit DIR, CloudSploit's nine EKS plugins (scripts/cloudsploit-eks.cjs) run
 * against the same endpoint in paired runs, alternating with ours, and the ratios ours/theirs are
 * printed; without it, the earlier reference measurement is printed, labelled as such.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { LogType } from '@aws-sdk/client-eks';
import { seedClients } from './emulator/clients';
import {
  createCluster,
  createKey,
  createNetwork,
  createNodegroup,
  createRole,
  irsaTrust,
  issuerHost,
  registerProvider,
} from './emulator/demo-account';
import { motoEnvironment, startMoto } from './emulator/moto';
import { type Exchange, startRecordingProxy } from './emulator/recording-proxy';

// The seeding clients of this process would print Node 20's end-of-support notice on every call.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'eks-posture.mjs');
const CLOUDSPLOIT_RUNNER = join(ROOT, 'scripts', 'cloudsploit-eks.cjs');
const TIME = '/usr/bin/time';

/** CloudSploit's nine EKS plugins on the 20-cluster account, measured earlier on this machine. */
const EARLIER_REFERENCE = { wallMs: 347, peakMiB: 90, calls: 28 } as const;
const TARGETS = { wallRatio: 0.8, peakMiB: 90, emptyStartMs: 120 } as const;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    region: { type: 'string', default: 'us-east-1' },
    clusters: { type: 'string', default: '20' },
    roles: { type: 'string', default: '20' },
    latency: { type: 'string', default: '0-0' },
    'reference-cloudsploit': { type: 'string' },
    build: { type: 'boolean', default: false },
    // Extra flags for our CLI's node, e.g. --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const plan = {
  runs: count(values.runs, '--runs', 1),
  warmup: count(values.warmup, '--warmup', 0),
  region: values.region,
  clusters: count(values.clusters, '--clusters', 1),
  roles: count(values.roles, '--roles', 0),
  latency: latencyRange(values.latency),
  cloudsploit: values['reference-cloudsploit'] ? resolve(values['reference-cloudsploit']) : undefined,
};

function count(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}: '${value}' is not a whole number >= ${min}`);
  return n;
}

function latencyRange(value: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (!match) throw new Error(`--latency: '${value}' is not MIN-MAX in milliseconds`);
  const low = Number(match[1]);
  const high = Number(match[2] ?? match[1]);
  if (high < low) throw new Error(`--latency: ${value}: MAX is below MIN`);
  return [low, high];
}

// ---------------------------------------------------------------------------------------------
// Seeding

const ALL_LOGS: LogType[] = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
const VERSIONS = ['1.31', '1.32', '1.33', '1.34'] as const;

/**
 * The 20-cluster account: one region, one VPC (createNetwork), clusters of mixed settings each with a
 * node group in the private subnets (every fourth a second, public one with SSH), and IRSA roles of
 * the cluster issuer (moto gives every cluster of a region one issuer) with trust good and bad.
 */
async function seedClusterAccount(endpoint: string): Promise<string> {
  const clients = seedClients(endpoint);
  const { region } = plan;
  const network = await createNetwork(clients, region);
  const key = await createKey(clients, region, 'enabled');
  const doomedKey = await createKey(clients, region, 'pending-deletion');
  let issuer = '';
  let nodegroups = 0;
  for (let i = 0; i < plan.clusters; i++) {
    const name = `team-${String(i).padStart(2, '0')}`;
    const made = await createCluster(clients, {
      name,
      region,
      version: VERSIONS[i % VERSIONS.length] ?? '1.34',
      publicAccess: i % 3 !== 0,
      privateAccess: true,
      publicAccessCidrs: i % 3 === 1 ? ['0.0.0.0/0'] : ['203.0.113.0/24'],
      ...(i % 2 === 0 ? { keyArn: key } : i === 5 ? { keyArn: doomedKey } : {}),
      logging:
        i % 4 === 0
          ? [{ types: ALL_LOGS, enabled: true }]
          : [
              { types: ['api', 'audit'], enabled: true },
              { types: ['authenticator', 'controllerManager', 'scheduler'], enabled: false },
            ],
      subnetIds: network.privateSubnets,
      securityGroupIds: [i % 5 === 4 ? network.openHttpsGroup : network.closedGroup],
      tags: { team: `t${i}`, env: i % 4 === 3 ? 'dev' : 'prod' },
    });
    issuer ||= made.issuer;
    await createNodegroup(clients, {
      cluster: name,
      region,
      name: 'system',
      subnets: network.privateSubnets,
    });
    nodegroups += 1;
    if (i % 4 === 1) {
      await createNodegroup(clients, {
        cluster: name,
        region,
        name: 'spot',
        subnets: [network.publicSubnet],
        sshKey: 'ops',
      });
      nodegroups += 1;
    }
  }
  const provider = await registerProvider(clients, issuer);
  const host = issuerHost(issuer);
  for (let r = 0; r < plan.roles; r++) {
    const sa = `system:serviceaccount:ns${r}:app`;
    const trust = [
      { StringEquals: { [`${host}:sub`]: sa, [`${host}:aud`]: 'sts.amazonaws.com' } },
      { StringLike: { [`${host}:sub`]: `system:serviceaccount:ns${r}:*` } },
      { StringLike: { [`${host}:sub`]: 'system:serviceaccount:*:*' } },
      { StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' } },
    ][r % 4];
    await createRole(clients, `irsa-${r}`, irsaTrust(provider, trust));
  }
  return (
    `${plan.clusters} clusters in ${region} (versions ${VERSIONS.join('/')}, mixed endpoint access, ` +
    `secrets keys, logging, security groups, tags), ${nodegroups} node groups, one VPC with subnets, ` +
    `route tables and 3 security groups, 2 KMS keys, 1 OIDC provider, ${plan.roles} IRSA roles (4 trust shapes)`
  );
}

// ---------------------------------------------------------------------------------------------
// Running one process and measuring it

type Tool = 'eks-posture' | 'cloudsploit';

interface Measurement {
  readonly wallMs: number;
  readonly peakKiB: number;
  readonly exitCode: number;
  readonly calls: number;
  readonly byOperation: Record<string, number>;
  /** Spawn to the first request at the proxy; undefined when no call was made. */
  readonly startMs?: number;
  /** First request in to last answer out. */
  readonly callsMs?: number;
  /** Last answer out to the process's exit. */
  readonly exitMs?: number;
  /** Calls in flight on average between the first request and the last answer. */
  readonly inFlight?: number;
  readonly stderr: string;
}

const work = mkdtempSync(join(tmpdir(), 'bench-cli-'));

/** The child's environment: the user's, minus anything AWS or Node-loader related, plus moto's. */
function childEnvironment(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // NODE_OPTIONS may carry tsx's loader; NODE_EXTRA_CA_CERTS (set on this machine) makes every
    // Node start parse a CA bundle that an http:// endpoint never uses.
    if (k.startsWith('AWS_') || k === 'NODE_OPTIONS' || k === 'NODE_EXTRA_CA_CERTS') continue;
    env[k] = v;
  }
  return {
    ...env,
    ...motoEnvironment(endpoint, {
      AWS_REGION: plan.region,
      // aws-sdk v2 (CloudSploit) prints an end-of-support note at load otherwise.
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    }),
  };
}

function command(tool: Tool, output: string): string[] {
  return tool === 'eks-posture'
    ? [process.execPath, ...(values['node-arg'] ?? []), CLI, '--regions', plan.region, '--format', 'json']
    : [process.execPath, CLOUDSPLOIT_RUNNER, plan.cloudsploit ?? '', plan.region, output];
}

/** Runs `argv` under /usr/bin/time -v with its stdout to `stdoutFile`, and measures it. */
async function runOnce(
  argv: readonly string[],
  proxy: { endpoint: string; take(): Exchange[] },
  stdoutFile: string,
): Promise<Measurement> {
  const timeFile = join(work, 'time.txt');
  const out = openSync(stdoutFile, 'w');
  proxy.take(); // nothing left over from an earlier run
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn(TIME, ['-v', '-o', timeFile, ...argv], {
    cwd: ROOT,
    env: childEnvironment(proxy.endpoint),
    stdio: ['ignore', out, 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now()));
  });
  closeSync(out);
  const exchanges = proxy.take();
  const rusage = readFileSync(timeFile, 'utf8');
  const peakKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(rusage)?.[1] ?? Number.NaN);
  const exitCode = Number(/Exit status: (\d+)/.exec(rusage)?.[1] ?? Number.NaN);
  const byOperation: Record<string, number> = {};
  for (const e of exchanges) byOperation[e.operation] = (byOperation[e.operation] ?? 0) + 1;
  const first = exchanges.length ? Math.min(...exchanges.map((e) => e.receivedAt)) : undefined;
  const last = exchanges.length ? Math.max(...exchanges.map((e) => e.respondedAt)) : undefined;
  return {
    wallMs: exited - started,
    peakKiB,
    exitCode,
    calls: exchanges.length,
    byOperation,
    ...(first !== undefined && last !== undefined
      ? {
          startMs: first - started,
          callsMs: last - first,
          exitMs: exited - last,
          inFlight: exchanges.reduce((sum, e) => sum + e.respondedAt - e.receivedAt, 0) / (last - first || 1),
        }
      : {}),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}

/** What the run reported, to show that every check ran and on what; and what could not be judged. */
function outputSummary(tool: Tool, output: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(output, 'utf8'));
  } catch (error) {
    return `output unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
  // Ours: { results: [{ checkId, status }] }; CloudSploit's --json: [{ plugin, status }].
  const list = tool === 'eks-posture' ? field(parsed, 'results') : parsed;
  if (!Array.isArray(list)) return 'output not recognised';
  const results = list.map((r: unknown) => ({
    id: String(field(r, tool === 'eks-posture' ? 'checkId' : 'plugin') ?? '?'),
    status: String(field(r, 'status') ?? '?'),
  }));
  const unjudged = results.filter((r) => r.status === 'NOT_AVAILABLE' || r.status === 'UNKNOWN');
  return (
    `${results.length} results of ${new Set(results.map((r) => r.id)).size} ${tool === 'eks-posture' ? 'checks' : 'plugins'} ` +
    `(${tally(results.map((r) => r.status))})${unjudged.length ? `; not judged: ${tally(unjudged.map((r) => r.id))}` : ''}`
  );
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

function tally(items: readonly string[]): string {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return Object.entries(counts)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Figures

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Row {
  readonly scenario: string;
  readonly tool: Tool;
  readonly runs: readonly Measurement[];
}

function figures(runs: readonly Measurement[]) {
  const of = (pick: (m: Measurement) => number | undefined) =>
    runs.map(pick).filter((x): x is number => x !== undefined);
  const calls = of((m) => m.calls);
  return {
    wall: {
      median: median(of((m) => m.wallMs)),
      min: Math.min(...of((m) => m.wallMs)),
      max: Math.max(...of((m) => m.wallMs)),
    },
    peakMiB: { median: median(of((m) => m.peakKiB)) / 1024, max: Math.max(...of((m) => m.peakKiB)) / 1024 },
    calls:
      Math.min(...calls) === Math.max(...calls)
        ? String(calls[0])
        : `${Math.min(...calls)}-${Math.max(...calls)}`,
    callsMedian: median(calls),
    start: median(of((m) => m.startMs)),
    during: median(of((m) => m.callsMs)),
    exit: median(of((m) => m.exitMs)),
    inFlight: median(of((m) => m.inFlight)),
    exitCodes: [...new Set(runs.map((m) => m.exitCode))].join(','),
  };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const mib = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

function printTable(rows: readonly Row[]): void {
  const header = [
    'scenario',
    'tool',
    'wall ms med',
    'min',
    'max',
    'RSS MiB med',
    'max',
    'calls',
    'start->1st req',
    '1st req->last resp',
    'last resp->exit',
    'in flight',
    'exit',
  ];
  const lines = rows.map((row) => {
    const f = figures(row.runs);
    return [
      row.scenario,
      row.tool,
      ms(f.wall.median),
      ms(f.wall.min),
      ms(f.wall.max),
      mib(f.peakMiB.median),
      mib(f.peakMiB.max),
      f.calls,
      ms(f.start),
      ms(f.during),
      ms(f.exit),
      Number.isFinite(f.inFlight) ? f.inFlight.toFixed(1) : '-',
      f.exitCodes,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
}

function printRatios(rows: readonly Row[]): void {
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  for (const scenario of scenarios) {
    const ours = rows.find((r) => r.scenario === scenario && r.tool === 'eks-posture');
    const theirs = rows.find((r) => r.scenario === scenario && r.tool === 'cloudsploit');
    if (!ours || !theirs) continue;
    const a = figures(ours.runs);
    const b = figures(theirs.runs);
    // Run i of each tool ran back to back, so the ratio within a pair shares the machine's load
    // at that moment; its median is steadier than the ratio of the medians on a busy machine.
    const pairs = ours.runs.flatMap((m, i) => {
      const other = theirs.runs[i];
      return other ? [m.wallMs / other.wallMs] : [];
    });
    console.log(
      `${scenario}: ours/CloudSploit: median wall ${(a.wall.median / b.wall.median).toFixed(2)} ` +
        `(median of per-pair ratios ${median(pairs).toFixed(2)}; target <= ${TARGETS.wallRatio}), ` +
        `median peak RSS ${(a.peakMiB.median / b.peakMiB.median).toFixed(2)}, ` +
        `max peak RSS ${(a.peakMiB.max / b.peakMiB.max).toFixed(2)}, calls ${(a.callsMedian / b.callsMedian).toFixed(2)}, ` +
        `start->1st req ${(a.start / b.start).toFixed(2)}`,
    );
  }
}

function operations(m: Measurement | undefined): string {
  if (!m) return '';
  return Object.entries(m.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// The build being measured

function distListing(): string[] {
  const dist = join(ROOT, 'dist');
  if (!existsSync(dist)) return [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      const stat = statSync(path);
      return [`${relative(ROOT, path)} ${stat.size} bytes, ${stat.mtime.toISOString()}`];
    });
  return walk(dist).sort();
}

// ---------------------------------------------------------------------------------------------

if (!existsSync(TIME))
  throw new Error(`${TIME} is needed for the peak RSS of the child (apt-get install time)`);
if (plan.cloudsploit && !existsSync(join(plan.cloudsploit, 'engine.js'))) {
  throw new Error(
    `--reference-cloudsploit ${plan.cloudsploit}: no engine.js there (a CloudSploit checkout?)`,
  );
}
if (values.build || !existsSync(CLI)) {
  console.log('building dist (npm run build)...');
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status})`);
}
const listing = distListing();
console.log(`measured build (ls dist, recursively):\n  ${listing.join('\n  ')}`);
console.log(
  `node ${process.version}; ${plan.runs} runs after ${plan.warmup} warm-up runs per tool and scenario; ` +
    `region ${plan.region}; proxy latency ${plan.latency[0] === 0 && plan.latency[1] === 0 ? 'none' : `${plan.latency.join('-')} ms`}`,
);
const tools: Tool[] = plan.cloudsploit ? ['eks-posture', 'cloudsploit'] : ['eks-posture'];
if (plan.cloudsploit)
  console.log(
    `reference: CloudSploit's EKS plugins from ${plan.cloudsploit}, paired runs alternating with ours`,
  );

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (1, 5, 15 min)`,
);

const moto = await startMoto();
const proxy = await startRecordingProxy({ target: moto.endpoint, latencyMs: plan.latency, seed: 7 });
const rows: Row[] = [];
try {
  // What any Node process costs here before it runs a line: the floor under both tools' start-up.
  const bare: Measurement[] = [];
  for (let i = 0; i < plan.warmup + plan.runs; i++) {
    const m = await runOnce([process.execPath, '-e', ''], proxy, '/dev/null');
    if (i >= plan.warmup) bare.push(m);
  }
  const floor = figures(bare);
  console.log(
    `bare node (node -e ''): spawn->exit ${ms(floor.wall.median)} ms median (${ms(floor.wall.min)}-${ms(floor.wall.max)}), ` +
      `peak RSS ${mib(floor.peakMiB.median)} MiB`,
  );
  // Each seeder fills the account and says what it put there.
  const scenarios: [name: string, seed: () => Promise<string>][] = [
    ['empty', async () => 'nothing: no clusters, no roles, no OIDC provider'],
    [`${plan.clusters}-clusters`, () => seedClusterAccount(moto.endpoint)],
  ];
  for (const [name, seed] of scenarios) {
    await moto.reset();
    const seedStarted = performance.now();
    const description = await seed();
    console.log(`\nscenario ${name}: ${description} (seeded in ${ms(performance.now() - seedStarted)} ms)`);
    const measured: Record<Tool, Measurement[]> = { 'eks-posture': [], cloudsploit: [] };
    for (let i = 0; i < plan.warmup + plan.runs; i++) {
      // Alternate which goes first, so that neither always runs on the other's warm caches.
      const order = i % 2 === 0 ? tools : [...tools].reverse();
      for (const tool of order) {
        const output = join(work, `${tool}.json`);
        // Ours writes its report to stdout; CloudSploit to the file named (its stdout is progress lines).
        const stdout = tool === 'eks-posture' ? output : join(work, `${tool}.stdout`);
        const m = await runOnce(command(tool, output), proxy, stdout);
        if (i === 0) {
          console.log(`  ${tool}: ${outputSummary(tool, output)}; exit ${m.exitCode}`);
          const trimmed = m.stderr.trim();
          if (trimmed)
            console.log(`    stderr: ${trimmed.split('\n').slice(0, 3).join(' | ').slice(0, 300)}`);
        }
        if (i >= plan.warmup) measured[tool].push(m);
      }
    }
    for (const tool of tools) {
      rows.push({ scenario: name, tool, runs: measured[tool] });
      console.log(`  ${tool} calls: ${operations(measured[tool].at(-1))}`);
    }
  }
} finally {
  await proxy.close();
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}

console.log('');
printTable(rows);
console.log('');
if (plan.cloudsploit) {
  printRatios(rows);
} else {
  const ours = rows.find((r) => r.scenario !== 'empty');
  const f = ours ? figures(ours.runs) : undefined;
  console.log(
    `CloudSploit, earlier measurement (not run now; its 9 EKS plugins on the 20-cluster account, this machine): ` +
      `${EARLIER_REFERENCE.wallMs} ms median wall, ${EARLIER_REFERENCE.peakMiB} MiB peak, ${EARLIER_REFERENCE.calls} calls`,
  );
  if (f && ours) {
    console.log(
      `${ours.scenario}: ours/earlier measurement: median wall ${(f.wall.median / EARLIER_REFERENCE.wallMs).toFixed(2)} ` +
        `(target <= ${TARGETS.wallRatio}), max peak RSS ${mib(f.peakMiB.max)} MiB (target <= ${TARGETS.peakMiB})`,
    );
  }
}
const empty = rows.find((r) => r.scenario === 'empty' && r.tool === 'eks-posture');
if (empty) {
  console.log(
    `empty: ours start->first request ${ms(figures(empty.runs).start)} ms median (target < ${TARGETS.emptyStartMs} ms)`,
  );
}
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (1, 5, 15 min)`,
);
if (distListing().join('\n') !== listing.join('\n')) {
  console.log('note: dist/ changed while the benchmark ran (someone rebuilt it): the figures mix builds');
}
