import { createHash } from 'node:crypto';
import type { PublishableResult } from './result';

/** Every GeneratorId and finding Id of this scanner starts with this; it is how its findings are told apart. */
export const GENERATOR_PREFIX = 'eks-posture/';

export function generatorId(checkId: string): string {
  return `${GENERATOR_PREFIX}${checkId}`;
}

/**
 * The finding Id: `eks-posture/<account>/<region>/<check-id>/<digest>`, where `<digest>` is the
 * first 32 hex digits of SHA-256 over the resource ARN, a newline, and the OIDC issuer the result
 * judges (IRSA results, one per role and issuer; empty otherwise). A newline cannot occur in an ARN
 * or an issuer, so different results never share an Id, and the length stays far below the 512
 * characters ASFF allows. The issuer, not the cluster that issues its tokens, keeps the Id where it
 * is when that cluster's account could not be scanned.
 *
 * This format is a published contract. Findings of the format before it (the issuer's cluster in
 * place of the issuer) are ours too: the first run after the upgrade archives them in each scope it
 * completes, as it archives any finding no result matches.
 */
export function findingId(
  result: Pick<PublishableResult, 'accountId' | 'region' | 'checkId' | 'resource' | 'oidcIssuer'>,
): string {
  const related = result.resource.type === 'AwsIamRole' ? (result.oidcIssuer ?? '') : '';
  const digest = createHash('sha256').update(`${result.resource.id}\n${related}`).digest('hex').slice(0, 32);
  return `${GENERATOR_PREFIX}${result.accountId}/${result.region}/${result.checkId}/${digest}`;
}
