import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import pLimit, { type LimitFunction } from 'p-limit';
import { describeAwsError } from '../errors';
import { arnRegion } from '../model/arn';
import type { KeyState } from '../model/snapshot';
import type { AccountClients } from './clients';

/**
 * The state of each KMS key, asked in the key's own region as soon as a cluster names it, once per
 * key however many clusters name it. A key that cannot be described (another account's key, access
 * denied) is reported with the reason, not guessed.
 */
export class KeyStates {
  private readonly states = new Map<string, Promise<KeyState>>();
  private readonly limit: LimitFunction;

  /** @param concurrency keys described at once; a cluster names one secrets key at most. */
  constructor(
    private readonly clients: AccountClients,
    private readonly defaultRegion: string,
    concurrency = 20,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Starts reading the key's state, unless it is read already. */
  read(keyArn: string): Promise<KeyState> {
    let state = this.states.get(keyArn);
    if (state === undefined) {
      state = this.limit(() => this.describe(keyArn));
      this.states.set(keyArn, state);
    }
    return state;
  }

  /** The states of these keys, in their order, each read once. */
  async of(keyArns: readonly string[]): Promise<Map<string, KeyState>> {
    const unique = [...new Set(keyArns)];
    const states = await Promise.all(unique.map((keyArn) => this.read(keyArn)));
    return new Map(unique.map((keyArn, i) => [keyArn, states[i] as KeyState]));
  }

  private async describe(keyArn: string): Promise<KeyState> {
    const region = arnRegion(keyArn) ?? this.defaultRegion;
    try {
      const answer = await this.clients.kms(region).send(new DescribeKeyCommand({ KeyId: keyArn }));
      const state = answer.KeyMetadata?.KeyState;
      return state
        ? { known: true, value: state }
        : { known: false, reason: 'kms:DescribeKey returned no key state' };
    } catch (error) {
      return { known: false, reason: `kms:DescribeKey failed: ${describeAwsError(error)}` };
    }
  }
}
