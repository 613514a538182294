import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type AwsProxy, startAwsProxy } from './aws-proxy';
import { type Moto, startMoto } from './moto';

/**
 * One moto_server for the test file: started before its tests, stopped after them, and reset
 * before each test when asked. The returned handle is usable inside tests and hooks.
 */
export function useMoto(options: { resetEachTest?: boolean } = {}): Moto {
  let current: Moto | undefined;
  beforeAll(async () => {
    current = await startMoto();
  });
  afterAll(async () => {
    await current?.stop();
  });
  if (options.resetEachTest) {
    beforeEach(async () => {
      await current?.reset();
    });
  }
  const started = (): Moto => {
    if (!current) throw new Error('moto_server is not running: use it inside tests and hooks');
    return current;
  };
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
  let current: AwsProxy | undefined;
  beforeAll(async () => {
    current = await startAwsProxy({ target: moto.endpoint });
  });
  afterAll(async () => {
    await current?.close();
  });
  const started = (): AwsProxy => {
    if (!current) throw new Error('the proxy is not running: use it inside tests and hooks');
    return current;
  };
  return {
    get endpoint() {
      return started().endpoint;
    },
    stats: () => started().stats(),
    configure: (rules, seed) => started().configure(rules, seed),
    close: () => started().close(),
  };
}
