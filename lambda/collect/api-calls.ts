import type { MiddlewareStack } from '@smithy/types';
import { compareText } from '../model/order';

/** When one call ran, and for whom: what the bench needs to find the calls that waited for others. */
export interface ApiCallTiming {
  /** `<service>:<Operation>`, as counted. */
  readonly operation: string;
  /** The client's region. */
  readonly region: string;
  /** The access key the call was signed with: one per account in a scan, which tells the accounts apart. */
  readonly accessKeyId: string;
  /** From the call's start to its last attempt's end, in milliseconds of `performance.now()`. */
  readonly startMs: number;
  readonly endMs: number;
}

export interface ApiCallCounterOptions {
  /** Also keep each call's start and end (the bench); the counts stay the same. @default false */
  readonly timings?: boolean;
}

/** What a client's resolved configuration gives: its region and credentials, each as a provider. */
interface ResolvedConfig {
  readonly region?: unknown;
  readonly credentials?: unknown;
}

/** Counts API operations by `<service>:<Operation>`, once per operation however many attempts it takes. */
export class ApiCallCounter {
  private readonly counts = new Map<string, number>();
  private readonly timed: boolean;
  private readonly pending: Promise<ApiCallTiming>[] = [];

  constructor(options: ApiCallCounterOptions = {}) {
    this.timed = options.timings ?? false;
  }

  record(service: string, operation: string): void {
    const key = `${service}:${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Counts sorted by key, for a deterministic report. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => compareText(a, b)));
  }

  /** Every call's timing, in the order the calls ended; empty unless the counter was made with `timings`. */
  timings(): Promise<ApiCallTiming[]> {
    return Promise.all(this.pending);
  }

  attach<I extends object, O extends object>(
    client: { middlewareStack: MiddlewareStack<I, O>; config?: ResolvedConfig },
    service: string,
  ): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        this.record(service, operation);
        if (!this.timed) return next(args);
        const startMs = performance.now();
        try {
          return await next(args);
        } finally {
          const endMs = performance.now();
          this.pending.push(
            scopeOf(client.config).then((scope) => ({
              operation: `${service}:${operation}`,
              ...scope,
              startMs,
              endMs,
            })),
          );
        }
      },
      { step: 'initialize', name: 'eksPostureApiCallCounter', override: true },
    );
  }
}

/** The region and access key of a client; both providers are memoized by the SDK, and resolved after the call. */
async function scopeOf(config: ResolvedConfig | undefined): Promise<{ region: string; accessKeyId: string }> {
  const ask = async (provider: unknown): Promise<unknown> => {
    try {
      return typeof provider === 'function' ? await provider() : provider;
    } catch {
      return undefined;
    }
  };
  const [region, credentials] = await Promise.all([ask(config?.region), ask(config?.credentials)]);
  const accessKeyId =
    typeof credentials === 'object' && credentials !== null && 'accessKeyId' in credentials
      ? String(credentials.accessKeyId)
      : 'unknown';
  return { region: typeof region === 'string' ? region : 'unknown', accessKeyId };
}
