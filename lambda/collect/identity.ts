import {
  type AttachedPolicy,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
  type PolicyDetail,
  paginateGetAccountAuthorizationDetails,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { describeAwsError, TargetError } from '../errors';
import { compareText } from '../model/order';
import { known, type Readout, unknown } from '../model/readout';
import { GLOBAL_REGION } from '../model/report';
import type { AccountIdentitySnapshot, PolicySnapshot, RoleSnapshot } from '../model/snapshot';
import { type PermissionPolicy, readPermissionPolicy } from '../policy/permission-document';
import { readTrustPolicy } from '../policy/trust-document';
import { isAwsManagedPolicy, type ManagedPolicyCache } from './managed-policies';

/** AWS-managed policies of one account read at once (IAM's rate limit is per account). */
const MANAGED_POLICY_READS = 4;

/**
 * Every role with its trust policy, every OIDC provider of the account, and what the EKS-trusted
 * roles may do. One listing gives it all: `GetAccountAuthorizationDetails` with the Role and
 * LocalManagedPolicy filters returns each role's trust document, inline policies, attached policies
 * and boundary, and the customer-managed policies with their versions, 1,000 items a page
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
 * Only AWS-managed policies are read on their own, once per run, through `managedPolicies`.
 */
export async function collectIdentity(
  iam: IAMClient,
  accountId: string,
  managedPolicies: ManagedPolicyCache,
): Promise<AccountIdentitySnapshot> {
  // Asked beside the listing: only the stale-access check reads users, and their failure fails nothing else.
  const users = listUsers(iam);
  const roles: { readonly role: RoleSnapshot; readonly grants?: Grants }[] = [];
  /** The default version of each customer-managed policy, as listed (undefined: the listing named none). */
  const local = new Map<string, string | undefined>();
  try {
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1000 },
      { Filter: ['Role', 'LocalManagedPolicy'] },
    )) {
      for (const detail of page.RoleDetailList ?? []) {
        if (!detail.Arn || !detail.RoleName) continue; // IAM always names a role; an entry without one is no role
        const trustPolicy = detail.AssumeRolePolicyDocument ?? '';
        // Decoded and parsed here, once: every check and the publisher read the same result.
        const { text, policy } = readTrustPolicy(trustPolicy);
        const role: RoleSnapshot = {
          accountId,
          arn: detail.Arn,
          name: detail.RoleName,
          trustPolicy,
          trustDocument: text,
          trust: policy,
          // The role's details for the ASFF resource; these pages carry no MaxSessionDuration.
          ...(detail.RoleId ? { roleId: detail.RoleId } : {}),
          ...(detail.Path ? { path: detail.Path } : {}),
          ...(detail.CreateDate ? { createDate: detail.CreateDate } : {}),
        };
        // Permissions are kept only for the roles the IRSA and Pod Identity checks judge: an
        // organization has thousands of roles, and the rest are never read for what they may do.
        roles.push(
          isEksTrusted(text.known ? text.value : trustPolicy)
            ? {
                role,
                grants: {
                  inline: inlinePolicies(detail.RolePolicyList ?? []),
                  attached: detail.AttachedManagedPolicies ?? [],
                  ...(detail.PermissionsBoundary?.PermissionsBoundaryArn
                    ? { boundaryArn: detail.PermissionsBoundary.PermissionsBoundaryArn }
                    : {}),
                },
              }
            : { role },
        );
      }
      for (const policy of page.Policies ?? []) {
        if (!policy.Arn) continue;
        const versions = policy.PolicyVersionList ?? [];
        const current =
          versions.find((v) => v.IsDefaultVersion) ??
          versions.find((v) => v.VersionId === policy.DefaultVersionId);
        local.set(policy.Arn, current?.Document);
      }
    }
  } catch (error) {
    throw new TargetError(accountId, GLOBAL_REGION, 'iam:GetAccountAuthorizationDetails', error);
  }
  let oidcProviderArns: string[];
  try {
    const answer = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    oidcProviderArns = (answer.OpenIDConnectProviderList ?? []).flatMap((p) => (p.Arn ? [p.Arn] : [])).sort();
  } catch (error) {
    throw new TargetError(accountId, GLOBAL_REGION, 'iam:ListOpenIDConnectProviders', error);
  }
  const documents = await managedDocuments(roles, local, (arn) => managedPolicies.document(iam, arn));
  return {
    accountId,
    roles: roles.map(({ role, grants }) => {
      if (!grants) return role;
      const managed = (arn: string, name: string): PolicySnapshot => ({
        name,
        arn,
        kind: isAwsManagedPolicy(arn) ? 'aws-managed' : 'customer-managed',
        document: documents.get(arn) ?? { known: false, reason: 'not read' },
      });
      const attached = grants.attached
        .flatMap((a) => (a.PolicyArn ? [managed(a.PolicyArn, a.PolicyName ?? policyName(a.PolicyArn))] : []))
        .sort((a, b) => compareText(a.name, b.name) || compareText(a.arn ?? '', b.arn ?? ''));
      const { boundaryArn } = grants;
      return {
        ...role,
        permissions: {
          policies: [...grants.inline, ...attached],
          ...(boundaryArn ? { boundary: managed(boundaryArn, policyName(boundaryArn)) } : {}),
        },
      };
    }),
    oidcProviderArns,
    users: await users,
  };
}

/** The ARNs of the account's IAM users, or why they could not be listed. */
async function listUsers(iam: IAMClient): Promise<Readout<string[]>> {
  const arns: string[] = [];
  try {
    for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
      arns.push(...(page.Users ?? []).flatMap((user) => (user.Arn ? [user.Arn] : [])));
    }
  } catch (error) {
    return unknown(`iam:ListUsers failed: ${describeAwsError(error)}`);
  }
  return known(arns.sort(compareText));
}

/** What an EKS-trusted role's listing entry says it may do, before the managed documents are resolved. */
interface Grants {
  readonly inline: readonly PolicySnapshot[];
  readonly attached: readonly AttachedPolicy[];
  readonly boundaryArn?: string;
}

/** The roles the IRSA (an EKS OIDC issuer) and Pod Identity (`pods.eks.amazonaws.com`) checks judge. */
function isEksTrusted(trustDocument: string): boolean {
  return /oidc\.eks\.|pods\.eks\.amazonaws\.com/i.test(trustDocument);
}

function inlinePolicies(list: readonly PolicyDetail[]): PolicySnapshot[] {
  return list
    .map(
      (p): PolicySnapshot => ({
        name: p.PolicyName ?? '',
        kind: 'inline',
        document:
          p.PolicyDocument === undefined
            ? { known: false, reason: 'iam:GetAccountAuthorizationDetails returned no document' }
            : readPermissionPolicy(p.PolicyDocument),
      }),
    )
    .sort((a, b) => compareText(a.name, b.name));
}

/**
 * The document of every managed policy the EKS-trusted roles use, by ARN, each parsed once: the
 * customer's own from the listing, AWS's through the run's cache.
 */
async function managedDocuments(
  roles: readonly { readonly grants?: Grants }[],
  local: ReadonlyMap<string, string | undefined>,
  awsManaged: (arn: string) => Promise<Readout<PermissionPolicy>>,
): Promise<Map<string, Readout<PermissionPolicy>>> {
  const arns = new Set(
    roles.flatMap(({ grants }) =>
      grants
        ? [
            ...grants.attached.flatMap((a) => (a.PolicyArn ? [a.PolicyArn] : [])),
            ...(grants.boundaryArn ? [grants.boundaryArn] : []),
          ]
        : [],
    ),
  );
  const documents = new Map<string, Readout<PermissionPolicy>>();
  const limit = pLimit(MANAGED_POLICY_READS);
  await Promise.all(
    [...arns].map(async (arn) => {
      if (isAwsManagedPolicy(arn)) {
        documents.set(arn, await limit(() => awsManaged(arn)));
        return;
      }
      const document = local.get(arn);
      documents.set(
        arn,
        document !== undefined
          ? readPermissionPolicy(document)
          : {
              known: false,
              reason: local.has(arn)
                ? 'iam:GetAccountAuthorizationDetails listed the policy without its default version'
                : // Attached while the listing ran, after its policy pages were read.
                  'iam:GetAccountAuthorizationDetails did not list the policy (created during the scan?)',
            },
      );
    }),
  );
  return documents;
}

/** The name of a managed policy: the last part of its ARN (`arn:aws:iam::aws:policy/path/Name`). */
function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
