import pLimit from 'p-limit';
import { describeAwsError, isNotFound } from '../errors';
import type { Listed, Readout } from '../model/snapshot';

/**
 * One read per listed item, a few at once. An item AWS says is gone (deleted since it was listed)
 * is left out; any other failure makes the whole list unknown, naming the operation and the item,
 * and stops the reads not yet started: a partial list could hide what the check looks for.
 */
export async function readEach<I, T>(
  items: readonly I[],
  operation: string,
  read: (item: I) => Promise<T | undefined>,
  concurrency = 4,
): Promise<Readout<T[]>> {
  const limit = pLimit(concurrency);
  try {
    const found = await Promise.all(
      items.map((item) =>
        limit(async (): Promise<T | undefined> => {
          try {
            return await read(item);
          } catch (error) {
            if (isNotFound(error)) return undefined;
            limit.clearQueue();
            throw new Error(`${operation} failed for ${String(item)}: ${describeAwsError(error)}`);
          }
        }),
      ),
    );
    return { known: true, value: found.filter((x) => x !== undefined) };
  } catch (error) {
    return { known: false, reason: (error as Error).message };
  }
}

/**
 * Describes each resource a listing named, a few at once. One that cannot be described is kept
 * with the reason, in its place; one deleted since it was listed (`describe` gives undefined) is
 * gone. A listing that failed stays unknown.
 */
export async function describeListed<T>(
  listed: Readout<readonly string[]>,
  describe: (name: string) => Promise<Readout<T> | undefined>,
  concurrency: number,
): Promise<Readout<Listed<T>[]>> {
  if (!listed.known) return listed;
  const limit = pLimit(concurrency);
  const described = await Promise.all(listed.value.map((name) => limit(() => describe(name))));
  return {
    known: true,
    value: listed.value.flatMap((name, i) => {
      const description = described[i];
      return description === undefined ? [] : [{ name, description }];
    }),
  };
}
