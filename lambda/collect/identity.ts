import { type IAMClient, ListOpenIDConnectProvidersCommand, paginateListRoles } from '@aws-sdk/client-iam';
import { TargetError } from '../errors';
import { GLOBAL_REGION } from '../model/report';
import type { AccountIdentitySnapshot, RoleSnapshot } from '../model/snapshot';
import { readTrustPolicy } from '../policy/trust-document';

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
        const trustPolicy = role.AssumeRolePolicyDocument ?? '';
        // Decoded and parsed here, once: every check and the publisher read the same result.
        const { text, policy } = readTrustPolicy(trustPolicy);
        roles.push({
          accountId,
          arn: role.Arn,
          name: role.RoleName,
          trustPolicy,
          trustDocument: text,
          trust: policy,
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
