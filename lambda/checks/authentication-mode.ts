import { failed, notAvailable, passed } from '../model/result';
import type { ClusterCheck } from './types';

export const authenticationMode: ClusterCheck = {
  metadata: {
    id: 'authentication-mode',
    title: 'EKS cluster grants access with access entries, not only the aws-auth ConfigMap',
    resourceType: 'AwsEksCluster',
    severities: ['MEDIUM', 'LOW'],
    severityRules:
      'PASSED when accessConfig.authenticationMode is API or API_AND_CONFIG_MAP. FAILED LOW when it is CONFIG_MAP: access is managed only through the aws-auth ConfigMap, which is deprecated for access management, invisible to IAM and easy to break. FAILED MEDIUM when it is CONFIG_MAP and accessConfig.bootstrapClusterCreatorAdminPermissions is true: the principal that created the cluster holds administrator rights that appear neither in aws-auth nor in access entries. NOT_AVAILABLE when DescribeCluster returns no access configuration (as emulators without the field do).',
    remediation: {
      text: 'Move to access entries: aws eks update-cluster-config --name <cluster> --access-config authenticationMode=API_AND_CONFIG_MAP, create access entries for the principals in aws-auth, then switch to API. Then review the principals that hold AmazonEKSClusterAdminPolicy (cluster-admin-access lists them).',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
    ],
  },
  evaluate(cluster) {
    const mode = cluster.authenticationMode;
    if (mode === undefined)
      return notAvailable(
        'DescribeCluster returned no access configuration (accessConfig.authenticationMode)',
      );
    if (mode === 'API' || mode === 'API_AND_CONFIG_MAP')
      return passed(`Authentication mode is ${mode}: access entries are in use.`);
    if (mode === 'CONFIG_MAP' && cluster.bootstrapCreatorAdmin === true) {
      return failed(
        'MEDIUM',
        "Authentication mode is CONFIG_MAP and the cluster's creator was made an administrator at creation (bootstrapClusterCreatorAdminPermissions): that principal holds cluster-admin rights that appear neither in the aws-auth ConfigMap nor in access entries, and access is managed only through the deprecated aws-auth ConfigMap.",
      );
    }
    if (mode === 'CONFIG_MAP') {
      return failed(
        'LOW',
        'Authentication mode is CONFIG_MAP: cluster access is managed only through the aws-auth ConfigMap, which is deprecated for access management.',
      );
    }
    return notAvailable(`Authentication mode '${mode}' is not one EKS documents; it cannot be judged.`);
  },
};
