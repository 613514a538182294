import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import pLimit from 'p-limit';
import { describeAwsError } from '../errors';
import { arnRegion } from '../model/arn';
import type { KeyState } from '../model/snapshot';
import type { AccountClients } from './clients';

/**
 * The state of each KMS key, asked in the key's own region. A key that cannot be described
 * (another account's key, access denied) is reported with the reason, not guessed.
 */
export async function collectKeyStates(
  clients: AccountClients,
  keyArns: readonly string[],
  defaultRegion: string,
): Promise<Map<string, KeyState>> {
  const limit = pLimit(4);
  const unique = [...new Set(keyArns)];
  const states = await Promise.all(
    unique.map((keyArn) =>
      limit(async (): Promise<KeyState> => {
        const region = arnRegion(keyArn) ?? defaultRegion;
        try {
          const answer = await clients.kms(region).send(new DescribeKeyCommand({ KeyId: keyArn }));
          const state = answer.KeyMetadata?.KeyState;
          return state
            ? { known: true, value: state }
            : { known: false, reason: 'kms:DescribeKey returned no key state' };
        } catch (error) {
          return { known: false, reason: `kms:DescribeKey failed: ${describeAwsError(error)}` };
        }
      }),
    ),
  );
  return new Map(unique.map((keyArn, i) => [keyArn, states[i] as KeyState]));
}
