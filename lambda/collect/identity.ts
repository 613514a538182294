import { type IAMClient, ListOpenIDConnectProvidersCommand, paginateListRoles } from '@aws-sdk/client-iam';
import { TargetError } from '../errors';
import type { AccountIdentitySnapshot, RoleSnapshot } from '../model/snapshot';

/** IAM is global: it is read once per account, and its target's region is this name. */
export const GLOBAL_REGION = 'global';

/**
 * Every role with its trust policy (ListRoles returns the document, so no GetRole per role) and
 * every OIDC provider of the account.
 */
export async function collectIdentity(iam: IAMClient, accountId: string): Promise<AccountIdentitySnapshot> {
  const roles: RoleSnapshot[] = [];
  try {
    for await (const page of paginateListRoles({ client: iam, pageSize: 1000 }, {})) {
      for (const role of page.Roles ?? []) {
        if (!role.Arn || !role.RoleName) continue; // ListRoles always names a role; an entry without one is no role
        roles.push({
          accountId,
          arn: role.Arn,
          name: role.RoleName,
          trustPolicy: role.AssumeRolePolicyDocument ?? '',
        });
      }
    }
  } catch (error) {
    throw new TargetError(accountId, GLOBAL_REGION, 'iam:ListRoles', error);
  }
  let oidcProviderArns: string[];
  try {
    const answer = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    oidcProviderArns = (answer.OpenIDConnectProviderList ?? []).flatMap((p) => (p.Arn ? [p.Arn] : [])).sort();
  } catch (error) {
    throw new TargetError(accountId, GLOBAL_REGION, 'iam:ListOpenIDConnectProviders', error);
  }
  return { accountId, roles, oidcProviderArns };
}
