/**
 * `npm run bench:org`: the organization fan-out as Step Functions runs it, against a simulated
 * organization. The CDK app is synthesized and its bundled handler loaded into C warm Lambda
 * containers (node child processes); this script plays the state machine: one `list-accounts`
 * invocation, then one `scan-account` per account with at most C in flight (the Distributed Map's
 * MaxConcurrency), then `run-completed`. Every call goes to a backend that adds a per-call latency
 * (50–150 ms, 2% of calls 150–1,000 ms) and enforces Security Hub's rate limits per account and
 * region. The backend is the stand-in (scripts/emulator/standin, answers generated per account) or
 * moto (`--backend moto`, seeded with the same organization). It prints wall time, calls against the
 * floor, peak memory per container and where the time went. A benchmark to run, not a test.
 *
 *   npm run bench:org -- --accounts 1000 --regions 17 [--concurrency 10] [--backend standin|moto]
 *   npm run bench:org -- --validate 3     (the handler's findings: moto against the stand-in)
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp, deployedFunction } from '../test/infra/app-support';
import { motoEnvironment, startMoto } from './emulator/moto';
import { compareFindings } from './emulator/standin/compare';
import { type Container, type InvocationDone, startContainer } from './emulator/standin/containers';
import { callFloor } from './emulator/standin/floor';
import { type LatencyModel, NO_LATENCY, REALISTIC_LATENCY } from './emulator/standin/latency';
import {
  type AccountModel,
  accountIdOf,
  accountModel,
  MEMBER_ROLE,
  type OrgPlan,
  type Range,
  REGION_POOL,
} from './emulator/standin/org-model';
import { seedMotoOrganization } from './emulator/standin/seed-moto';
import { type Backend, startBackend } from './emulator/standin/server';
import { AGGREGATOR } from './emulator/standin/services/config';

const { values } = parseArgs({
  allowNegative: true,
  options: {
    accounts: { type: 'string', default: '100' },
    regions: { type: 'string', default: '17' },
    'cluster-regions': { type: 'string', default: '2-3' },
    clusters: { type: 'string', default: '1-2' },
    nodegroups: { type: 'string', default: '1-2' },
    'access-entries': { type: 'string', default: '1-3' },
    'pod-identity': { type: 'string', default: '0-2' },
    roles: { type: 'string', default: '5-15' },
    concurrency: { type: 'string' },
    backend: { type: 'string', default: 'standin' },
    latency: { type: 'string', default: 'realistic' },
    'rate-limits': { type: 'boolean', default: true },
    seed: { type: 'string', default: '1' },
    validate: { type: 'string' },
    log: { type: 'string', default: join(tmpdir(), 'bench-org-containers.log') },
    'cpu-prof': { type: 'string' },
    // Each scan-account invocation reads the stand-in's organization aggregator first.
    discovery: { type: 'boolean', default: false },
  },
});

const range = (text: string | undefined, name: string): Range => {
  const [low, high = low] = String(text).split('-').map(Number) as [number, number?];
  if (!Number.isInteger(low) || !Number.isInteger(high) || (high as number) < low)
    throw new Error(`--${name}: '${text}' is not N or N-M`);
  return [low, high as number];
};

function planOf(accounts: number, motoCompatible: boolean): OrgPlan {
  return {
    accounts,
    regions: REGION_POOL.slice(0, Number(values.regions)),
    clusterRegions: range(values['cluster-regions'], 'cluster-regions'),
    clustersPerRegion: range(values.clusters, 'clusters'),
    nodegroupsPerCluster: range(values.nodegroups, 'nodegroups'),
    accessEntriesPerCluster: range(values['access-entries'], 'access-entries'),
    podIdentityPerCluster: range(values['pod-identity'], 'pod-identity'),
    otherRoles: range(values.roles, 'roles'),
    seed: Number(values.seed),
    motoCompatible,
  };
}

function latencyOf(text: string | undefined): LatencyModel {
  if (text === 'realistic') return REALISTIC_LATENCY;
  if (text === 'none') return NO_LATENCY;
  const [low, high] = range(text, 'latency');
  return { base: [low, high], tail: [low, high], tailShare: 0 };
}

interface BundledFunction {
  readonly entry: string;
  readonly exported: string;
  readonly environment: Record<string, string>;
  /** The Distributed Map's MaxConcurrency in the synthesized state machine. */
  readonly maxConcurrency: number;
  readonly memorySize: number;
}

/** Synthesizes the app (retrying: lib/ may be mid-edit) and reads the function and the map's concurrency. */
async function synthesize(
  regions: readonly string[],
  concurrency: number | undefined,
): Promise<BundledFunction> {
  for (let attempt = 1; ; attempt++) {
    try {
      const synthesized = buildApp({
        scanner: {
          regions,
          organization: { memberRoleName: MEMBER_ROLE },
          fanOut: concurrency === undefined ? {} : { maxConcurrency: concurrency },
        },
      });
      if (synthesized.synthError) throw synthesized.synthError;
      const fn = deployedFunction(synthesized.outdir);
      const template = readFileSync(join(synthesized.outdir, 'EksPosture.template.json'), 'utf8');
      const maxConcurrency = Number(/\\"MaxConcurrency\\":(\d+)/.exec(template)?.[1] ?? Number.NaN);
      const memorySize = Number(/"MemorySize":\s*(\d+)/.exec(template)?.[1] ?? Number.NaN);
      if (!Number.isFinite(maxConcurrency)) throw new Error('the state machine names no MaxConcurrency');
      return { ...fn, maxConcurrency, memorySize };
    } catch (error) {
      if (attempt >= 4) throw error;
      console.error(`synthesis failed (${(error as Error).message.split('\n')[0]}); retrying in 20 s`);
      await new Promise((r) => setTimeout(r, 20_000));
    }
  }
}

interface InvocationRecord extends InvocationDone {
  readonly accountId: string;
  readonly container: number;
  readonly startedMs: number;
  readonly endedMs: number;
}

interface FanOutRun {
  readonly listMs: number;
  readonly mapMs: number;
  readonly completedMs: number;
  readonly wallMs: number;
  /** From the moment the last account was dispatched to the end of the map. */
  readonly tailMs: number;
  readonly accounts: number;
  /** performance.now() when list-accounts was invoked: the backend's trace is on the same clock. */
  readonly t0: number;
  readonly invocations: readonly InvocationRecord[];
  readonly containers: readonly {
    id: number;
    initMs: number;
    initCpuMs: number;
    peakRss: number;
    invocations: number;
  }[];
}

/** Plays the state machine: list-accounts, the Distributed Map at `concurrency`, run-completed. */
async function runFanOut(fn: BundledFunction, endpoint: string, concurrency: number): Promise<FanOutRun> {
  const environment = {
    ...fn.environment,
    // As loadBundledHandler (test/infra/app-support.ts) points the bundle at an emulator.
    ...motoEnvironment(endpoint, {
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    }),
    // The variable the construct's `discovery` prop sets.
    ...(values.discovery ? { EKS_POSTURE_DISCOVERY: `config:${AGGREGATOR}` } : {}),
  };
  const log = openSync(String(values.log), 'a');
  const containers: Container[] = await Promise.all(
    Array.from({ length: concurrency }, (_, i) =>
      startContainer(i, { ...fn, environment }, log, values['cpu-prof']),
    ),
  );
  const counts = new Map<number, number>();
  try {
    const runId = `bench-org-${Date.now()}`;
    const t0 = performance.now();
    const first = containers[0] as Container;
    const listed = await first.invoke({ eksPosture: { action: 'list-accounts' } });
    const t1 = performance.now();
    if (!listed.ok) throw new Error(`list-accounts failed: ${listed.error}`);
    const accounts = (listed.result as { accounts: { accountId: string }[] }).accounts.map(
      (a) => a.accountId,
    );
    const invocations: InvocationRecord[] = [];
    let next = 0;
    let lastDispatch = t1;
    await Promise.all(
      containers.map(async (container) => {
        while (next < accounts.length) {
          const accountId = accounts[next++] as string;
          if (next === accounts.length) lastDispatch = performance.now();
          const startedMs = performance.now() - t0;
          const done = await container.invoke({ eksPosture: { action: 'scan-account', accountId, runId } });
          counts.set(container.id, (counts.get(container.id) ?? 0) + 1);
          invocations.push({
            ...done,
            accountId,
            container: container.id,
            startedMs,
            endedMs: performance.now() - t0,
          });
        }
      }),
    );
    const t2 = performance.now();
    const completed = await first.invoke({ eksPosture: { action: 'run-completed', runId } });
    if (!completed.ok) throw new Error(`run-completed failed: ${completed.error}`);
    const t3 = performance.now();
    return {
      listMs: t1 - t0,
      mapMs: t2 - t1,
      completedMs: t3 - t2,
      wallMs: t3 - t0,
      tailMs: t2 - lastDispatch,
      accounts: accounts.length,
      t0,
      invocations,
      containers: containers.map((c) => ({
        id: c.id,
        initMs: c.initMs,
        initCpuMs: c.initCpuMs,
        peakRss: c.peakRss(),
        invocations: counts.get(c.id) ?? 0,
      })),
    };
  } finally {
    for (const container of containers) container.stop();
    closeSync(log);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function report(
  title: string,
  plan: OrgPlan,
  models: readonly AccountModel[],
  fn: BundledFunction,
  concurrency: number,
  run: FanOutRun,
  backend: Backend,
  profile: 'aws' | 'moto',
  cpu: { harnessMs: number },
): boolean {
  const stats = backend.stats();
  const floor = callFloor(plan, models, stats.importedPerScope, {
    emitScanEvent: fn.environment.EKS_POSTURE_EMIT_SCAN_EVENT !== 'false',
    publish: fn.environment.EKS_POSTURE_PUBLISH !== 'false',
    profile,
    discovery: values.discovery === true,
  });
  // An operation is an answered call or a failed one (moto's 404s); a throttled attempt is retried.
  const operations: Record<string, number> = { ...stats.answered };
  for (const [key, n] of Object.entries(stats.failed)) operations[key] = (operations[key] ?? 0) + n;
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const durations = run.invocations.map((i) => i.durationMs).sort((a, b) => a - b);
  const failed = run.invocations.filter((i) => !i.ok);
  const clusters = models.reduce((n, m) => n + m.regions.reduce((k, r) => k + r.clusters.length, 0), 0);
  const clusterRegions = models.reduce((n, m) => n + m.regions.length, 0);
  // Each container's CPU at its last invocation, less its bundle load (which ran before the clock started).
  const lastCpu = new Map(run.invocations.map((i) => [i.container, i.cpuMs]));
  const containerCpu = run.containers.reduce(
    (sum, c) => sum + Math.max(0, (lastCpu.get(c.id) ?? c.initCpuMs) - c.initCpuMs),
    0,
  );
  const busy = durations.reduce((a, b) => a + b, 0);
  console.log(`\n=== ${title} ===`);
  console.log(
    `organization: ${run.accounts} accounts x ${plan.regions.length} regions; ${clusterRegions} account regions with clusters (${(clusterRegions / run.accounts).toFixed(1)} an account), ${clusters} clusters; fan-out concurrency ${concurrency} (template MaxConcurrency ${fn.maxConcurrency}); function memory ${fn.memorySize} MB`,
  );
  console.log(
    `wall: ${seconds(run.wallMs)} = list-accounts ${seconds(run.listMs)} + map ${seconds(run.mapMs)} + run-completed ${seconds(run.completedMs)}; tail (last dispatch to map end) ${seconds(run.tailMs)}`,
  );
  console.log(
    `scan-account invocations: ${run.invocations.length} (${failed.length} failed); duration median ${seconds(quantile(durations, 0.5))}, p95 ${seconds(quantile(durations, 0.95))}, max ${seconds(durations.at(-1) ?? 0)}; container occupancy ${((100 * busy) / (concurrency * run.mapMs)).toFixed(0)}%`,
  );
  const peaks = run.containers.map((c) => c.peakRss).sort((a, b) => a - b);
  console.log(
    `peak memory per invocation container: median ${mb(quantile(peaks, 0.5))}, max ${mb(peaks.at(-1) ?? 0)} (of ${fn.memorySize} MB); cold start (bundle load) median ${seconds(
      quantile(
        run.containers.map((c) => c.initMs).sort((a, b) => a - b),
        0.5,
      ),
    )}; invocations per container ${Math.min(...run.containers.map((c) => c.invocations))}-${Math.max(...run.containers.map((c) => c.invocations))}`,
  );
  console.log(
    `CPU: containers ${seconds(containerCpu)} (${(containerCpu / Math.max(1, run.invocations.length)).toFixed(0)} ms an invocation), harness + backend ${seconds(cpu.harnessMs)}; ${((100 * (containerCpu + cpu.harnessMs)) / (run.wallMs * 2)).toFixed(0)}% of 2 cores over the wall time`,
  );
  console.log(
    `backend: ${stats.requests} requests, ${total(operations)} operations, ${total(stats.throttled)} throttled (${
      Object.entries(stats.throttled)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }); mean added latency ${(stats.latencyMs / Math.max(1, stats.requests)).toFixed(0)} ms a call; ${(total(operations) / (run.wallMs / 1000)).toFixed(0)} calls/s`,
  );
  // The stand-in's keys name their account; moto's do not, so its calls cannot be told apart by account.
  if (profile === 'aws') printPhases(run, backend);
  for (const f of failed.slice(0, 5)) console.log(`  failed ${f.accountId}: ${f.error?.slice(0, 300)}`);
  console.log('\noperation                                 actual    floor');
  let equal = true;
  for (const key of [...new Set([...Object.keys(floor), ...Object.keys(operations)])].sort()) {
    const mark = (operations[key] ?? 0) === (floor[key] ?? 0) ? '' : '  <- differs';
    if (mark) equal = false;
    console.log(
      `${key.padEnd(40)}${String(operations[key] ?? 0).padStart(8)}${String(floor[key] ?? 0).padStart(9)}${mark}`,
    );
  }
  console.log(
    `${'total'.padEnd(40)}${String(total(operations)).padStart(8)}${String(total(floor)).padStart(9)}`,
  );
  console.log(equal ? 'calls: exactly at the floor' : 'calls: NOT at the floor');
  return equal && failed.length === 0;
}

/**
 * Where an invocation's time goes, from the backend's trace of the calls signed with the account's
 * own credentials: setup (start to its first call: identity, AssumeRole, clients), scan (its first
 * to its last read), checks (last read to first Security Hub call: checks and planning), publish
 * (first to last Security Hub call) and finish (the event and the summary).
 */
function printPhases(run: FanOutRun, backend: Backend): void {
  const byAccount = new Map<string, { at: number; key: string; throttled: boolean }[]>();
  for (const call of backend.trace()) {
    const list = byAccount.get(call.accountId) ?? [];
    list.push(call);
    byAccount.set(call.accountId, list);
  }
  const phases: Record<string, number[]> = { setup: [], scan: [], checks: [], publish: [], finish: [] };
  let throttledCalls = 0;
  for (const inv of run.invocations) {
    const start = run.t0 + inv.startedMs;
    const end = run.t0 + inv.endedMs;
    const calls = (byAccount.get(inv.accountId) ?? []).filter(
      (c) => c.at >= start && c.at <= end && !c.key.startsWith('sts:') && !c.key.startsWith('events:'),
    );
    const reads = calls.filter((c) => !c.key.startsWith('securityhub:'));
    const hub = calls.filter((c) => c.key.startsWith('securityhub:'));
    throttledCalls += hub.filter((c) => c.throttled).length;
    if (reads.length === 0 || hub.length === 0) continue;
    const firstRead = (reads[0] as { at: number }).at;
    const lastRead = (reads.at(-1) as { at: number }).at;
    const firstHub = (hub[0] as { at: number }).at;
    const lastHub = (hub.at(-1) as { at: number }).at;
    phases.setup?.push(firstRead - start);
    phases.scan?.push(lastRead - firstRead);
    phases.checks?.push(firstHub - lastRead);
    phases.publish?.push(lastHub - firstHub);
    phases.finish?.push(end - lastHub);
  }
  const line = Object.entries(phases)
    .map(([name, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return `${name} ${seconds(quantile(sorted, 0.5))} (p95 ${seconds(quantile(sorted, 0.95))})`;
    })
    .join('; ');
  console.log(`per invocation, median (p95): ${line}; throttled Security Hub attempts ${throttledCalls}`);
  const arrivals = backend.trace().map((c) => c.at - run.t0);
  const buckets = Math.max(1, Math.ceil(run.wallMs / 1000 / 10));
  const rate = Array.from({ length: buckets }, () => 0);
  for (const t of arrivals) {
    const at = Math.min(buckets - 1, Math.max(0, Math.floor(t / 10_000)));
    rate[at] = (rate[at] ?? 0) + 1;
  }
  console.log(`calls/s by 10 s of wall: ${rate.map((n) => Math.round(n / 10)).join(' ')}`);
}

async function validate(accounts: number): Promise<boolean> {
  const plan = planOf(accounts, true);
  const fn = await synthesize(plan.regions, 1);
  const moto = await startMoto();
  try {
    console.log(`validate: seeding ${accounts} accounts x ${plan.regions.length} regions into moto…`);
    const motoIds = await seedMotoOrganization(moto.endpoint, plan);
    const viaMoto = await startBackend({
      target: { kind: 'moto', endpoint: moto.endpoint },
      plan,
      keepFindings: true,
    });
    const standin = await startBackend({
      target: { kind: 'standin', profile: 'moto' },
      plan,
      keepFindings: true,
    });
    try {
      const motoRun = await runFanOut(fn, viaMoto.endpoint, 1);
      const standinRun = await runFanOut(fn, standin.endpoint, 1);
      const standinIds = Array.from({ length: accounts }, (_, i) => accountIdOf(i));
      const comparison = compareFindings(viaMoto.sentFindings(), motoIds, standin.sentFindings(), standinIds);
      const a = [...comparison.left];
      const b = [...comparison.right];
      const missing = comparison.onlyLeft;
      const extra = comparison.onlyRight;
      const models = motoIds.map((id, i) => accountModel(plan, id, i));
      report('validate: moto', plan, models, fn, 1, motoRun, viaMoto, 'moto', { harnessMs: 0 });
      report(
        'validate: stand-in (moto profile)',
        plan,
        standinIds.map((id) => accountModel(plan, id)),
        fn,
        1,
        standinRun,
        standin,
        'moto',
        { harnessMs: 0 },
      );
      const byStatus = (list: string[]) =>
        list.reduce<Record<string, number>>((acc, x) => {
          const status = x.split(' | ')[3] ?? '?';
          acc[status] = (acc[status] ?? 0) + 1;
          return acc;
        }, {});
      console.log(
        `\nfindings sent: moto ${a.length} ${JSON.stringify(byStatus(a))}, stand-in ${b.length} ${JSON.stringify(byStatus(b))}`,
      );
      for (const x of missing.slice(0, 20)) console.log(`  only with moto:     ${x}`);
      for (const x of extra.slice(0, 20)) console.log(`  only with stand-in: ${x}`);
      const same = comparison.same;
      console.log(
        same
          ? 'validation: the same findings (checks, statuses, resources) from both backends'
          : 'validation: DIFFERENT findings',
      );
      return same;
    } finally {
      await viaMoto.close();
      await standin.close();
    }
  } finally {
    await moto.stop();
  }
}

async function bench(): Promise<boolean> {
  const kind = values.backend === 'moto' ? 'moto' : 'standin';
  const plan = planOf(Number(values.accounts), kind === 'moto');
  const latency = latencyOf(values.latency);
  const requested = values.concurrency === undefined ? undefined : Number(values.concurrency);
  const fn = await synthesize(plan.regions, requested);
  const concurrency = requested ?? fn.maxConcurrency;
  const backendOptions = {
    plan,
    latency,
    seed: Number(values.seed),
    securityHubLimits: values['rate-limits'],
  };
  if (kind === 'moto') {
    const moto = await startMoto();
    try {
      const seedStart = performance.now();
      const ids = await seedMotoOrganization(moto.endpoint, plan);
      console.log(`seeded moto in ${seconds(performance.now() - seedStart)}`);
      const backend = await startBackend({
        ...backendOptions,
        target: { kind: 'moto', endpoint: moto.endpoint },
      });
      try {
        const cpu = process.cpuUsage();
        const run = await runFanOut(fn, backend.endpoint, concurrency);
        const used = process.cpuUsage(cpu);
        const models = ids.map((id, i) => accountModel(plan, id, i));
        return report('moto backend', plan, models, fn, concurrency, run, backend, 'moto', {
          harnessMs: (used.user + used.system) / 1000,
        });
      } finally {
        await backend.close();
      }
    } finally {
      await moto.stop();
    }
  }
  const backend = await startBackend({ ...backendOptions, target: { kind: 'standin', profile: 'aws' } });
  try {
    const cpu = process.cpuUsage();
    const run = await runFanOut(fn, backend.endpoint, concurrency);
    const used = process.cpuUsage(cpu);
    const models = Array.from({ length: plan.accounts }, (_, i) => accountModel(plan, accountIdOf(i)));
    return report('stand-in backend', plan, models, fn, concurrency, run, backend, 'aws', {
      harnessMs: (used.user + used.system) / 1000,
    });
  } finally {
    await backend.close();
  }
}

const passed = values.validate === undefined ? await bench() : await validate(Number(values.validate));
process.exitCode = passed ? 0 : 1;
