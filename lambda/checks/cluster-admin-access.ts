import { failed, notAvailable, passed } from '../model/result';
import type { AccessEntrySnapshot } from '../model/snapshot';
import { globToRegExp } from '../policy/glob';
import type { ClusterCheck, ScanConfig } from './types';

const CLUSTER_ADMIN_POLICY = /:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/;
/** An IAM user's ARN: long-lived keys rather than a role's sessions. */
export const IAM_USER = /^arn:[^:]+:iam::\d{12}:user\//;

export const clusterAdminAccess: ClusterCheck = {
  metadata: {
    id: 'cluster-admin-access',
    title: 'Only approved principals are EKS cluster administrators through access entries',
    resourceType: 'AwsEksCluster',
    severities: ['HIGH', 'MEDIUM'],
    severityRules:
      'Reads the access entries and their associated access policies. PASSED when no access entry holds AmazonEKSClusterAdminPolicy at cluster scope, except principals matching --allowed-admin-principals (IAM ARN patterns with * and ?). FAILED MEDIUM listing every other principal with it; FAILED HIGH when one of them is an IAM user (long-lived keys) rather than a role. NOT_AVAILABLE when the access entries cannot be read, including in CONFIG_MAP mode, where administrators are in the aws-auth ConfigMap.',
    remediation: {
      text: 'Disassociate AmazonEKSClusterAdminPolicy from principals that do not need it (aws eks disassociate-access-policy), grant narrower access policies or namespace scope instead, replace IAM users with roles, and list approved administrators in --allowed-admin-principals.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
    ],
  },
  evaluate(cluster, context) {
    const entries = cluster.accessEntries;
    if (!entries.known) return notAvailable(`The access entries could not be read: ${entries.reason}.`);
    const { allowed, others } = clusterAdmins(entries.value, context.config);
    const allowedText = allowed.length > 0 ? ` Allowed administrators: ${allowed.join(', ')}.` : '';
    if (others.length === 0) {
      return passed(
        `No principal outside --allowed-admin-principals holds AmazonEKSClusterAdminPolicy at cluster scope (${entries.value.length} access entries).${allowedText}`,
      );
    }
    const users = others.filter((arn) => IAM_USER.test(arn));
    return failed(
      users.length > 0 ? 'HIGH' : 'MEDIUM',
      `${others.length} principal(s) hold AmazonEKSClusterAdminPolicy at cluster scope: ${others.join(', ')}.${
        users.length > 0 ? ` IAM users among them: ${users.join(', ')}.` : ''
      }${allowedText}`,
    );
  },
};

/**
 * The principals holding AmazonEKSClusterAdminPolicy at cluster scope, sorted: those
 * `--allowed-admin-principals` approves, and the others.
 */
export function clusterAdmins(
  entries: readonly AccessEntrySnapshot[],
  config: Pick<ScanConfig, 'allowedAdminPrincipals'>,
): { readonly allowed: readonly string[]; readonly others: readonly string[] } {
  const admins = entries
    .filter((entry) =>
      entry.policies.some((p) => CLUSTER_ADMIN_POLICY.test(p.policyArn) && p.scope === 'cluster'),
    )
    .map((entry) => entry.principalArn)
    .sort();
  const patterns = config.allowedAdminPrincipals.map((p) => globToRegExp(p, false));
  const allowed = admins.filter((arn) => patterns.some((p) => p.test(arn)));
  return { allowed, others: admins.filter((arn) => !allowed.includes(arn)) };
}
