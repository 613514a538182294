/**
 * `npm run bench:handler`: the bundled scanner function run the way Lambda runs it, a fresh Node
 * process per invocation with the template's environment, against a seeded moto account behind a
 * recording proxy. Prints, per run and as medians: the cold start (process start to the module
 * loaded, and to the first AWS request), the invocation's wall time and the peak memory, the figures
 * the function's memory and timeout are sized from.
 *
 *   npm run bench:handler -- [clusters=30] [roles=500] [runs=5]
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { buildApp, deployedFunction } from '../test/infra/app-support';
import { seedClients } from './emulator/clients';
import { createCluster, createRole, irsaTrust, seedDemoAccount } from './emulator/demo-account';
import { motoEnvironment, startMoto } from './emulator/moto';
import { startRecordingProxy } from './emulator/recording-proxy';

const clusters = Number(process.argv[2] ?? 30);
const roles = Number(process.argv[3] ?? 500);
const runs = Number(process.argv[4] ?? 5);
const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const moto = await startMoto();
const proxy = await startRecordingProxy({ target: moto.endpoint });
try {
  const seed = seedClients(moto.endpoint);
  await seedDemoAccount(seed);
  for (let i = 0; i < clusters; i++) {
    await createCluster(seed, {
      name: `load-${i}`,
      region: regions[i % regions.length] ?? 'eu-west-1',
      version: '1.33',
      publicAccess: true,
      privateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    });
  }
  const provider = `arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/LOAD${'0'.repeat(28)}`;
  for (let i = 0; i < roles; i++) await createRole(seed, `load-role-${i}`, irsaTrust(provider));

  const synthesized = buildApp({ scanner: { regions } });
  const { entry, environment } = deployedFunction(synthesized.outdir);
  // Times are epoch milliseconds: the child's start (performance.timeOrigin) and the proxy's clock meet there.
  const script = `
    const { performance } = await import('node:perf_hooks');
    const { handler } = await import(${JSON.stringify(`file://${entry}`)});
    const loaded = performance.timeOrigin + performance.now();
    const summary = await handler({ 'detail-type': 'Scheduled Event' });
    console.log(JSON.stringify({ started: performance.timeOrigin, loaded, ended: performance.timeOrigin + performance.now(), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), published: summary.published, targets: summary.targets }));
  `;
  const figures: { init: number; firstRequest: number; invocation: number; rss: number; calls: number }[] =
    [];
  // Run 0 warms the file cache and creates the findings; it is printed, not counted.
  for (let i = 0; i <= runs; i++) {
    // Asynchronous on purpose: moto's log pipe is read by this process, which must keep running while
    // the function does (a synchronous child would block it, moto would fill its pipe and stall).
    const run = await new Promise<{
      stdout: string;
      stderr: string;
      status: number | null;
      signal: string | null;
    }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          // Lambda has no extra CA bundle; this machine's would be parsed at every start.
          ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_EXTRA_CA_CERTS')),
          ...environment,
          ...motoEnvironment(proxy.endpoint, {
            AWS_REGION: 'us-east-1',
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            POWERTOOLS_METRICS_DISABLED: 'true',
          }),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('close', (status, signal) => resolve({ stdout, stderr, status, signal }));
    });
    const exchanges = proxy.take();
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line) {
      console.log(`run ${i}: ${run.stderr || `exit ${run.status ?? run.signal}`}`);
      process.exitCode = 1;
      break;
    }
    const result = JSON.parse(line) as { started: number; loaded: number; ended: number; maxRssMB: number };
    const first = exchanges[0] ? performance.timeOrigin + exchanges[0].receivedAt : Number.NaN;
    if (i > 0)
      figures.push({
        init: result.loaded - result.started,
        firstRequest: first - result.started,
        invocation: result.ended - result.loaded,
        rss: result.maxRssMB,
        calls: exchanges.length,
      });
    console.log(
      `${i === 0 ? 'warm-up' : `run ${i}`}: init ${(result.loaded - result.started).toFixed(0)} ms, first request at ${(first - result.started).toFixed(0)} ms, invocation ${(result.ended - result.loaded).toFixed(0)} ms, ${exchanges.length} calls, peak ${result.maxRssMB} MB`,
    );
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  console.log(
    `clusters=${clusters + 6} roles=${roles + 9} regions=${regions.length}, median of ${figures.length}: ` +
      `init ${median(figures.map((f) => f.init)).toFixed(0)} ms, first request at ${median(figures.map((f) => f.firstRequest)).toFixed(0)} ms, ` +
      `invocation ${median(figures.map((f) => f.invocation)).toFixed(0)} ms, peak ${median(figures.map((f) => f.rss))} MB`,
  );
} finally {
  await proxy.close();
  await moto.stop();
}
