import { compareText } from '../model/order';
import { failed, notAvailable, passed } from '../model/result';
import { analyseIrsaTrust } from '../policy/irsa-trust';
import type { CheckContext, OidcProviderCheck, OidcProviderSubject } from './types';

/** How many roles a detail names before it says how many more there are. */
const LISTED = 10;

export const oidcProviderInUse: OidcProviderCheck = {
  metadata: {
    id: 'oidc-provider-in-use',
    title: 'IAM OIDC provider for an EKS issuer belongs to a cluster that still exists',
    resourceType: 'AwsIamOidcProvider',
    severities: ['LOW'],
    severityRules:
      "Judges each IAM OIDC provider registered for an EKS issuer (oidc.eks.<region>.amazonaws.com/id/<id>). PASSED when a scanned cluster, in any scanned account, has that issuer; the detail names the clusters. FAILED LOW when no scanned cluster has it and every cluster of every scanned account in the issuer's region is known (listed, described, with its issuer): the provider was left behind by a deleted cluster. The detail names the roles of the account whose trust policy grants web identity to the issuer (so their trust can be removed first), or says none does. A cluster of an account outside this scan may still issue it (cross-account IRSA): mute the finding then. NOT_AVAILABLE when no scanned cluster has the issuer and the clusters of that region are not all known, in the provider's account or another scanned one (the region is not scanned, its listing failed, a cluster could not be described or named no issuer).",
    remediation: {
      text: 'Remove the trust in the provider from the roles named (or delete those roles), then delete the provider: aws iam delete-open-id-connect-provider --open-id-connect-provider-arn <arn>',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html',
    },
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html',
    ],
  },
  evaluate(provider, context) {
    const issuer = provider.issuer.toLowerCase();
    const clusters = context.clustersWithIssuer(issuer);
    const [first] = clusters;
    if (first !== undefined) {
      return {
        ...passed(`Issuer ${issuer} is the OIDC issuer of cluster(s) ${clusters.join(', ')}.`),
        clusterArn: first,
      };
    }
    // Any scanned account's cluster may issue it (cross-account IRSA): all of the region's must be known.
    const unknownClusters =
      context.clustersUnknown(provider.accountId, provider.region) ?? context.issuersUnknown(provider.region);
    if (unknownClusters !== undefined) {
      return notAvailable(
        `No scanned cluster has issuer ${issuer}, but the clusters of ${provider.region} are not all known: ${unknownClusters}.`,
      );
    }
    return failed(
      'LOW',
      `No cluster of account ${provider.accountId} in ${provider.region}, nor any other scanned cluster, has issuer ${issuer}: the provider was left behind by a deleted cluster. ${trustingRoles(provider, issuer, context)} If a cluster of an account outside this scan issues it (cross-account IRSA), mute this finding.`,
    );
  },
};

/** The roles of the provider's account whose trust policy grants web identity to the issuer, in a sentence. */
function trustingRoles(provider: OidcProviderSubject, issuer: string, context: CheckContext): string {
  const unread = context.identityUnread(provider.accountId);
  if (unread !== undefined) return `The roles that trust it are not known: ${unread}.`;
  const providers = context.providersOf(provider.accountId);
  const trusting: string[] = [];
  let unparsed = 0;
  for (const role of context.rolesOf(provider.accountId)) {
    if (!role.trust.known) {
      unparsed += 1;
      continue;
    }
    const analysis = analyseIrsaTrust(role.trust.value, providers);
    if (analysis.grants.some((g) => g.issuer === issuer)) trusting.push(role.name);
  }
  const unparsedNote =
    unparsed > 0 ? ` ${unparsed} role(s) whose trust policy could not be parsed were not checked.` : '';
  if (trusting.length === 0) return `No role of the account trusts it.${unparsedNote}`;
  const sorted = trusting.sort(compareText);
  const shown = sorted.slice(0, LISTED).join(', ');
  const more = sorted.length > LISTED ? ` and ${sorted.length - LISTED} more` : '';
  return `Role(s) that still trust it: ${shown}${more}.${unparsedNote}`;
}
