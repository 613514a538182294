/**
 * `npm run demo`: a full scan of a seeded AWS emulator, for anyone without an AWS account.
 * Starts moto_server, seeds a demo account, runs the `eks-posture` CLI against it, stops moto.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedClients } from '../scripts/emulator/clients';
import { demoMutelist, seedDemoAccount } from '../scripts/emulator/demo-account';
import { MOTO_CREDENTIALS, startMoto } from '../scripts/emulator/moto';

// The demo runs on the Node of the machine; the SDK's notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function demo(): Promise<number> {
  process.stderr.write('Starting the AWS emulator (moto_server)…\n');
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), 'eks-posture-demo-'));
  try {
    process.stderr.write(
      'Seeding a demo account: 6 clusters in us-east-1 and eu-west-1, KMS keys, IRSA roles…\n',
    );
    await seedDemoAccount(seedClients(moto.endpoint));
    const mutelist = join(dir, 'mutelist.yaml');
    await writeFile(mutelist, demoMutelist(new Date()));
    process.stderr.write('Scanning every enabled region with eks-posture, one accepted risk muted…\n\n');
    const cli = fileURLToPath(new URL('./eks-posture.ts', import.meta.url));
    const args = [
      '--import',
      'tsx',
      cli,
      '--format',
      'table',
      '--mutelist',
      mutelist,
      ...process.argv.slice(2),
    ];
    const child = spawn(process.execPath, args, {
      stdio: 'inherit',
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_PROFILE: '',
        AWS_SESSION_TOKEN: '',
      },
    });
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    // The demo account is built to fail checks: exit 1 (findings) is the expected outcome.
    return code === 1 || code === 0 ? 0 : code;
  } finally {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
