/**
 * The accounts of a scan and their credentials: the caller's own account with its own credentials,
 * every other one through `sts:AssumeRole` into the named member role, once per account per run.
 */
import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { describeAwsError, ScanError } from '../errors';

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

/**
 * Credentials of the member role in one account: assumed on first use with the caller's STS
 * client (so the call is counted), kept, and assumed again only shortly before they expire.
 * A failure is remembered for the run: a denied account is not asked again and again.
 */
export function memberRoleCredentials(
  sts: STSClient,
  accountId: string,
  role: MemberRole,
  clock: () => Date = () => new Date(),
): AwsCredentialIdentityProvider {
  const roleArn = `arn:${role.partition}:iam::${accountId}:role/${role.roleName}`;
  let current: Promise<AwsCredentialIdentity> | undefined;
  let failed: ScanError | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    try {
      const answer = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
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
    } catch (error) {
      failed = new ScanError(`cannot assume ${roleArn}: ${describeAwsError(error)}`, { cause: error });
      throw failed;
    }
  };
  return async () => {
    if (failed) throw failed;
    const pending = current;
    const cached = pending ? await pending : undefined;
    const expiring =
      cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS <= clock().getTime();
    // Callers that waited on the same credentials refresh them once: the first replaces them.
    if (!current || (current === pending && expiring)) current = assume();
    return current;
  };
}
