/**
 * A real AWS API emulator for integration tests: `moto_server` on a free loopback port, reset
 * between tests, stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  readonly endpoint: string;
  readonly pid: number;
  /** Clears every account and region (~10 ms). Build new clients after it. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Fake credentials: moto accepts any, and no real account is ever reachable from tests. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const MOTO_ACCOUNT_ID = '123456789012';

/**
 * The environment that points the default AWS chain at moto, as a user's environment points the
 * CLI or the Lambda at AWS: endpoint, fake credentials, no instance metadata. `extra` adds or overrides.
 */
export function motoEnvironment(
  endpoint: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface MotoOptions {
  /**
   * Load AWS's managed policies (`arn:aws:iam::aws:policy/...`), as `MOTO_IAM_LOAD_MANAGED_POLICIES`
   * does. They cost each account's first IAM call ~0.5 s, each reset ~0.1 s and the server ~64 MB,
   * so only the tests that read them turn them on. @default false
   */
  readonly managedPolicies?: boolean;
}

export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const managedPolicies = options.managedPolicies ? 'true' : 'false';
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: managedPolicies },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(endpoint, child, () => stderr);
      return handle(endpoint, child);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
    }
  }
  throw lastError;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`moto_server exited before it was ready: ${stderr().trim() || 'is it installed?'}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 20 s`);
}

function handle(endpoint: string, child: ChildProcess): Moto {
  if (child.pid === undefined) throw new Error('moto_server has no PID');
  const pid = child.pid;
  return {
    endpoint,
    pid,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered HTTP ${response.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
