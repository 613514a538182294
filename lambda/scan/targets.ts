/**
 * Which accounts a run scans and with which clients: the one of the credentials, named ones, or
 * the whole organization. Shared by the CLI and the Lambda handler.
 */
import { resolveCallerAccount } from '../collect/account';
import type { ApiCallCounter } from '../collect/api-calls';
import { type AccountClients, type ClientOptions, createAccountClients } from '../collect/clients';
import { ConfigError } from '../errors';
import type { AccountTarget } from './scan';

export interface TargetOptions {
  readonly homeRegion: string;
  readonly apiCalls: ApiCallCounter;
  /** Every ACTIVE account of the organization. */
  readonly organization?: boolean;
  /** These accounts. */
  readonly accounts?: readonly string[];
  /** Role assumed in every account other than the caller's. Required with `organization` or `accounts`. */
  readonly roleName?: string;
  readonly externalId?: string;
  /** Makes each account's clients. @default createAccountClients */
  readonly createClients?: (options: ClientOptions) => AccountClients;
}

export interface ResolvedTargets {
  readonly accounts: readonly AccountTarget[];
  /** The clients of the caller's own account. */
  readonly caller: AccountClients;
  /** The clients of each account, for publishing into its own Security Hub. */
  clientsOf(accountId: string): AccountClients | undefined;
}

export async function resolveTargets(options: TargetOptions): Promise<ResolvedTargets> {
  const createClients = options.createClients ?? createAccountClients;
  const caller = createClients({ homeRegion: options.homeRegion, apiCalls: options.apiCalls });
  const multi = options.organization || (options.accounts?.length ?? 0) > 0;
  if (multi && !options.roleName)
    throw new ConfigError('a role name is needed to scan other accounts (--role-name)');
  // Without an identity nothing can be scanned: this throws, with the credentials' own error as cause.
  const { accountId: callerId, partition } = await resolveCallerAccount(caller.sts());
  if (!multi || !options.roleName) {
    return {
      accounts: [{ accountId: callerId, partition, clients: caller }],
      caller,
      clientsOf: () => caller,
    };
  }
  // Only runs over several accounts load the Organizations SDK and the role assumption.
  const { listOrganizationAccounts, memberRoleCredentials, ORGANIZATIONS } = await import(
    '../collect/organization'
  );
  const ids = options.organization
    ? await listOrganizationAccounts(caller.service(ORGANIZATIONS, options.homeRegion))
    : [...new Set(options.accounts)].sort();
  const role = {
    partition,
    roleName: options.roleName,
    ...(options.externalId ? { externalId: options.externalId } : {}),
  };
  const clients = new Map<string, AccountClients>(
    ids.map((id) => [
      id,
      id === callerId
        ? caller
        : createClients({
            homeRegion: options.homeRegion,
            apiCalls: options.apiCalls,
            credentials: memberRoleCredentials(caller.sts(), id, role),
          }),
    ]),
  );
  return {
    accounts: ids.map((accountId) => ({
      accountId,
      clients: clients.get(accountId) as AccountClients,
      partition,
    })),
    caller,
    clientsOf: (accountId) => clients.get(accountId),
  };
}

/** The clients of a scanned account; every account a report names was resolved here. */
export function clientsFor(targets: ResolvedTargets, accountId: string): AccountClients {
  const clients = targets.clientsOf(accountId);
  if (!clients) throw new Error(`account ${accountId} was not among the scan's targets`);
  return clients;
}
