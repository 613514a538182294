/**
 * Warm Lambda containers as node child processes (lambda-container.mjs): each loads the bundle once
 * with the function's environment and handles one invocation at a time, as Lambda runs a function
 * at concurrency C with C containers.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface InvocationDone {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
  readonly durationMs: number;
  /** The container's peak RSS so far (sampled every 25 ms and after each invocation), bytes. */
  readonly peakRss: number;
  /** process.resourceUsage().maxRSS, bytes. */
  readonly maxRss: number;
  /** The container's CPU time (user + system) since it started, ms. */
  readonly cpuMs: number;
}

export interface Container {
  readonly id: number;
  readonly initMs: number;
  /** CPU time the bundle load took, ms (not part of any invocation). */
  readonly initCpuMs: number;
  invoke(event: unknown): Promise<InvocationDone>;
  /** Peak RSS (bytes) over the container's life so far. */
  peakRss(): number;
  stop(): void;
}

const SCRIPT = fileURLToPath(new URL('./lambda-container.mjs', import.meta.url));

export async function startContainer(
  id: number,
  fn: { entry: string; exported: string; environment: Record<string, string> },
  logFd: number | 'ignore' = 'ignore',
  /** Write a V8 CPU profile of the container here when it exits. */
  cpuProfileDir?: string,
): Promise<Container> {
  const child: ChildProcess = fork(SCRIPT, [], {
    execArgv: cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [],
    // A clean environment, as Lambda gives one: the function's variables and a PATH.
    env: { PATH: process.env.PATH ?? '', ...fn.environment },
    stdio: ['ignore', logFd, logFd, 'ipc'],
  });
  let peak = 0;
  let next = 0;
  const pending = new Map<number, (done: InvocationDone) => void>();
  const initCpuMs = 0;
  const ready = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`container ${id} exited (${code}) before it was ready`)));
    child.on(
      'message',
      (message: { type: string; id?: number; initMs?: number; rss?: number } & InvocationDone) => {
        if (message.type === 'ready') {
          peak = Math.max(peak, message.rss ?? 0);
          resolve(message.initMs ?? 0);
        } else if (message.type === 'done' && message.id !== undefined) {
          peak = Math.max(peak, message.peakRss, message.maxRss);
          pending.get(message.id)?.(message);
          pending.delete(message.id);
        }
      },
    );
  });
  child.send({ type: 'init', ...fn });
  const initMs = await ready;
  child.removeAllListeners('exit');
  child.on('exit', (code) => {
    for (const resolve of pending.values()) {
      resolve({
        ok: false,
        error: `container exited (${code})`,
        durationMs: 0,
        peakRss: peak,
        maxRss: peak,
        cpuMs: 0,
      });
    }
    pending.clear();
  });
  return {
    id,
    initMs,
    get initCpuMs() {
      return initCpuMs;
    },
    invoke(event) {
      const invocation = next++;
      return new Promise((resolve) => {
        pending.set(invocation, resolve);
        child.send({ type: 'invoke', id: invocation, event });
      });
    },
    peakRss: () => peak,
    stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      // Asked to exit, so that a CPU profile is written; killed if it does not within 10 s.
      const pid = child.pid;
      child.send({ type: 'exit' });
      setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGTERM'), 10_000).unref();
    },
  };
}
