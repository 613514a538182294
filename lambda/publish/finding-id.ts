import { createHash } from 'node:crypto';
import type { PublishableResult } from '../model/result';

/** Every GeneratorId and finding Id of this scanner starts with this; it is how its findings are told apart. */
export const GENERATOR_PREFIX = 'eks-posture/';

export function generatorId(checkId: string): string {
  return `${GENERATOR_PREFIX}${checkId}`;
}

/**
 * The finding Id: `eks-posture/<account>/<region>/<check-id>/<digest>`, where `<digest>` is the
 * first 32 hex digits of SHA-256 over the resource ARN, a newline, and the related cluster ARN
 * (IRSA results only; empty otherwise). A newline cannot occur in an ARN, so different resources
 * never share an Id, and the length stays far below the 512 characters ASFF allows.
 *
 * This format is a published contract: changing it would orphan every finding already in Security Hub.
 */
export function findingId(
  result: Pick<PublishableResult, 'accountId' | 'region' | 'checkId' | 'resource' | 'clusterArn'>,
): string {
  const related = result.resource.type === 'AwsIamRole' ? (result.clusterArn ?? '') : '';
  const digest = createHash('sha256').update(`${result.resource.id}\n${related}`).digest('hex').slice(0, 32);
  return `${GENERATOR_PREFIX}${result.accountId}/${result.region}/${result.checkId}/${digest}`;
}
