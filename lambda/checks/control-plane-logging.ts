import { failed, notAvailable, passed } from '../model/result';
import type { ClusterCheck } from './types';

export const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;
export const DEFAULT_REQUIRED_LOG_TYPES: readonly string[] = ['api', 'audit', 'authenticator'];

export const controlPlaneLogging: ClusterCheck = {
  metadata: {
    id: 'control-plane-logging',
    title: 'EKS control-plane logs required for investigation are sent to CloudWatch',
    resourceType: 'AwsEksCluster',
    severities: ['MEDIUM'],
    severityRules:
      'PASSED when every required log type (default api,audit,authenticator; set with --required-log-types) is enabled in some entry of logging.clusterLogging. FAILED MEDIUM otherwise, listing the missing types. A type that is both enabled and disabled in different entries counts as missing.',
    remediation: {
      text: 'Enable the missing log types: aws eks update-cluster-config --name <cluster> --logging \'{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]}\'',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
    },
    references: ['https://docs.aws.amazon.com/eks/latest/best-practices/auditing-and-logging.html'],
  },
  evaluate(cluster, context) {
    if (cluster.logging === undefined) return notAvailable('DescribeCluster returned no logging settings');
    // Read every entry: AWS splits enabled and disabled types into separate entries.
    const enabled = new Set(cluster.logging.filter((e) => e.enabled).flatMap((e) => e.types));
    const disabled = new Set(cluster.logging.filter((e) => !e.enabled).flatMap((e) => e.types));
    const required = context.config.requiredLogTypes;
    const missing = required.filter((type) => !enabled.has(type) || disabled.has(type));
    if (missing.length === 0) return passed(`Required log types enabled: ${required.join(', ')}.`);
    const conflicting = missing.filter((type) => enabled.has(type));
    const conflictNote =
      conflicting.length > 0 ? ` (${conflicting.join(', ')} listed as both enabled and disabled)` : '';
    return failed('MEDIUM', `Required log types not enabled: ${missing.join(', ')}${conflictNote}.`);
  },
};
