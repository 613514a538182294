/**
 * Measures the bundled scanner function the way Lambda runs it: a fresh Node process, the
 * template's environment, one scheduled invocation against a seeded moto account. Prints wall
 * time and peak memory, the figures the function's memory and timeout are sized from.
 *
 *   npx tsx scripts/measure-handler.ts [clusters=30] [roles=500]
 */
import { spawn } from 'node:child_process';
import { buildApp, deployedFunction } from '../test/infra/app-support';
import { seedClients } from './emulator/clients';
import { createCluster, createRole, irsaTrust, seedDemoAccount } from './emulator/demo-account';
import { motoEnvironment, startMoto } from './emulator/moto';

const clusters = Number(process.argv[2] ?? 30);
const roles = Number(process.argv[3] ?? 500);
const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const moto = await startMoto();
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
  const script = `
    const started = Date.now();
    const { handler } = await import(${JSON.stringify(`file://${entry}`)});
    const summary = await handler({ 'detail-type': 'Scheduled Event' });
    console.log(JSON.stringify({ durationMs: Date.now() - started, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), published: summary.published, targets: summary.targets }));
  `;
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
        ...process.env,
        ...environment,
        ...motoEnvironment(moto.endpoint, {
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
  const line = run.stdout.trim().split('\n').pop() ?? '';
  console.log(
    `clusters=${clusters + 6} roles=${roles + 9} regions=${regions.length}: ${line || run.stderr || `exit ${run.status ?? run.signal}`}`,
  );
} finally {
  await moto.stop();
}
