/**
 * Per-call latency, drawn from a seeded generator: most calls uniform in `base`, a share of them
 * (the tail) uniform in `tail`. It is a timer before the answer is sent, never busy CPU.
 */
import { seededRandom } from '../../../test/support/prng';
import type { Range } from './org-model';

export interface LatencyModel {
  readonly base: Range;
  readonly tail: Range;
  /** Share of calls drawn from the tail. */
  readonly tailShare: number;
}

export const REALISTIC_LATENCY: LatencyModel = { base: [50, 150], tail: [150, 1000], tailShare: 0.02 };
export const NO_LATENCY: LatencyModel = { base: [0, 0], tail: [0, 0], tailShare: 0 };

export function latencySampler(model: LatencyModel, seed: number): () => number {
  const random = seededRandom(seed);
  return () => {
    const inTail = random() < model.tailShare;
    const [low, high] = inTail ? model.tail : model.base;
    return low + (high - low) * random();
  };
}
