import type { MiddlewareStack } from '@smithy/types';
import { compareText } from '../model/order';

/** Counts API operations by `<service>:<Operation>`, once per operation however many attempts it takes. */
export class ApiCallCounter {
  private readonly counts = new Map<string, number>();

  record(service: string, operation: string): void {
    const key = `${service}:${operation}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Counts sorted by key, for a deterministic report. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => compareText(a, b)));
  }

  attach<I extends object, O extends object>(
    client: { middlewareStack: MiddlewareStack<I, O> },
    service: string,
  ): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        this.record(service, String(context.commandName ?? 'Unknown').replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'eksPostureApiCallCounter', override: true },
    );
  }
}
