/**
 * The accounts of a scan and their credentials: the caller's own account with its own credentials,
 * every other one through `sts:AssumeRole` into the named member role, once per account per run.
 */
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { describeAwsError, ScanError } from '../errors';
import { roleArn } from '../model/arn';
import type { OptionalService } from './clients';

/** Organizations is global; only the management (or a delegated) account can list accounts. */
export const ORGANIZATIONS: OptionalService<OrganizationsClient> = {
  id: 'organizations',
  Client: OrganizationsClient,
  global: true,
};

/**
 * ACTIVE accounts of the organization, sorted. `ListAccounts` is rate limited; the client's
 * adaptive retry backs off when it is throttled.
 */
export async function listOrganizationAccounts(organizations: OrganizationsClient): Promise<string[]> {
  const accounts: string[] = [];
  try {
    for await (const page of paginateListAccounts({ client: organizations, pageSize: 20 }, {})) {
      for (const account of page.Accounts ?? []) {
        // `State` replaces the retiring `Status`; either says whether the account is active.
        const state = account.State ?? account.Status;
        if (account.Id && state === 'ACTIVE') accounts.push(account.Id);
      }
    }
  } catch (error) {
    throw new ScanError(`cannot list the organization's accounts: ${describeAwsError(error)}`, {
      cause: error,
    });
  }
  return accounts.sort();
}

export interface MemberRole {
  readonly partition: string;
  readonly roleName: string;
  readonly externalId?: string;
}

/** Refresh this long before the session expires, so no call runs on credentials about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface AssumeRetry {
  /** Tries of one AssumeRole when it fails for a transient reason (each already retried by the SDK). @default 3 */
  readonly attempts: number;
  /** Wait before the second try, doubled for each one after. @default 500 */
  readonly backoffMs: number;
  /**
   * After the last try failed, uses of the credentials within this time fail at once with that error
   * (so throttled STS is not asked again by every waiting client); the first use after it tries again.
   * @default 60000
   */
  readonly cooldownMs: number;
}

/**
 * Whether another try may succeed: throttling, a server error (5xx) or a timeout. A denial, a
 * missing role or a wrong external id is final.
 */
function isTransient(error: unknown): boolean {
  const shape = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (typeof error !== 'object' || error === null) return false;
  if (shape.name === 'TimeoutError' || shape.name === 'RequestTimeout') return true;
  // The classifiers read `name` and `$metadata`; any thrown value has at least those to read.
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
}

/**
 * Credentials of the member role in one account: assumed on first use with the caller's STS
 * client (so the call is counted), kept, and assumed again only shortly before they expire.
 * A transient failure is tried again (here, and again on the next use) before the account is given
 * up; a final one (denied) is remembered for the run, so a denied account is not asked again and again.
 */
export function memberRoleCredentials(
  sts: STSClient,
  accountId: string,
  role: MemberRole,
  clock: () => Date = () => new Date(),
  retry: AssumeRetry = { attempts: 3, backoffMs: 500, cooldownMs: 60_000 },
): AwsCredentialIdentityProvider {
  const memberRoleArn = roleArn(role.partition, accountId, role.roleName);
  let current: Promise<AwsCredentialIdentity> | undefined;
  let failed: ScanError | undefined;
  let cooling: { readonly error: ScanError; readonly until: number } | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await assumeOnce();
      } catch (error) {
        const cause = error instanceof ScanError ? error.cause : error;
        const wrapped = new ScanError(`cannot assume ${memberRoleArn}: ${describeAwsError(cause)}`, {
          cause,
        });
        if (!isTransient(cause)) {
          failed = wrapped;
          throw wrapped;
        }
        if (attempt >= retry.attempts) {
          // Not remembered for the run: the first use after the cool-down tries again.
          cooling = { error: wrapped, until: clock().getTime() + retry.cooldownMs };
          throw wrapped;
        }
        await new Promise((resolve) => setTimeout(resolve, retry.backoffMs * 2 ** (attempt - 1)));
      }
    }
  };
  const assumeOnce = async (): Promise<AwsCredentialIdentity> => {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: memberRoleArn,
        RoleSessionName: 'eks-posture',
        // Role chaining from a Lambda caps sessions at one hour.
        DurationSeconds: 3600,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
      }),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('sts:AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
  return async () => {
    if (failed) throw failed;
    if (cooling && clock().getTime() < cooling.until) throw cooling.error;
    const pending = current;
    const cached = pending ? await pending : undefined;
    const expiring =
      cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS <= clock().getTime();
    // Callers that waited on the same credentials refresh them once: the first replaces them.
    if (!current || (current === pending && expiring)) {
      const attempt = assume();
      current = attempt;
      // A failed attempt is forgotten (unless it was final, see `failed`), but never a newer one.
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
    }
    return current;
  };
}
