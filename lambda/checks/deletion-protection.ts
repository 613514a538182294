import { failed, notAvailable, passed } from '../model/result';
import type { ClusterCheck } from './types';

export const deletionProtection: ClusterCheck = {
  metadata: {
    id: 'deletion-protection',
    title: 'EKS cluster is protected against deletion',
    resourceType: 'AwsEksCluster',
    severities: ['LOW'],
    severityRules:
      'PASSED when deletionProtection is true. FAILED LOW when it is false: one DeleteCluster call removes the control plane. NOT_AVAILABLE when DescribeCluster returns no deletionProtection field (as emulators without the field do).',
    remediation: {
      text: 'Turn deletion protection on: aws eks update-cluster-config --name <cluster> --deletion-protection',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html',
    },
    references: ['https://docs.aws.amazon.com/eks/latest/APIReference/API_Cluster.html'],
  },
  evaluate(cluster) {
    if (cluster.deletionProtection === undefined)
      return notAvailable('DescribeCluster returned no deletionProtection setting');
    return cluster.deletionProtection
      ? passed('Deletion protection is on.')
      : failed('LOW', 'Deletion protection is off: a single DeleteCluster call removes the cluster.');
  },
};
