import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Moto, type MotoOptions, startMoto } from '../../scripts/emulator/moto';
import { type AwsProxy, startAwsProxy } from './aws-proxy';

/**
 * A resource for the whole test file: started before its tests, ended after them. The getter
 * gives it inside tests and hooks, and says clearly when it is used outside them.
 */
function useForFile<T>(name: string, start: () => Promise<T>, end: (resource: T) => Promise<void>): () => T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    if (current !== undefined) await end(current);
  });
  return () => {
    if (current === undefined) throw new Error(`${name} is not running: use it inside tests and hooks`);
    return current;
  };
}

/**
 * One moto_server for the test file, reset before each test when asked. The returned handle is
 * usable inside tests and hooks.
 */
export function useMoto(options: { resetEachTest?: boolean } & MotoOptions = {}): Moto {
  const started = useForFile(
    'moto_server',
    () => startMoto(options),
    (moto) => moto.stop(),
  );
  if (options.resetEachTest) {
    beforeEach(async () => {
      await started().reset();
    });
  }
  return {
    get endpoint() {
      return started().endpoint;
    },
    get pid() {
      return started().pid;
    },
    reset: () => started().reset(),
    stop: () => started().stop(),
  };
}

/** A fault proxy in front of the file's moto, started and closed with it. */
export function useAwsProxy(moto: Moto): AwsProxy {
  const started = useForFile(
    'the proxy',
    () => startAwsProxy({ target: moto.endpoint }),
    (proxy) => proxy.close(),
  );
  return {
    get endpoint() {
      return started().endpoint;
    },
    stats: () => started().stats(),
    configure: (rules, seed) => started().configure(rules, seed),
    close: () => started().close(),
  };
}
