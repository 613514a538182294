import { failed, notAvailable, passed } from '../model/result';
import type { ClusterCheck } from './types';

export const controlPlaneLogRetention: ClusterCheck = {
  metadata: {
    id: 'control-plane-log-retention',
    title: "EKS control-plane log group keeps the cluster's logs long enough for investigation",
    resourceType: 'AwsEksCluster',
    severities: ['MEDIUM', 'LOW'],
    severityRules:
      'Judges the CloudWatch log group EKS writes control-plane logs to, /aws/eks/<cluster-name>/cluster. The minimum is set with --min-log-retention-days (default 90). PASSED when the group never expires its events (no retention policy) or keeps them at least the minimum, and when no control-plane log type is enabled (nothing is sent to retain; control-plane-logging fails that). FAILED MEDIUM when some log type is enabled but the log group does not exist: EKS creates it when logging is enabled, so it was deleted and the logs sent are lost, or it is not created yet. FAILED LOW when its retention is shorter than the minimum. NOT_AVAILABLE when DescribeCluster returned no logging settings, when the log groups of the region could not be read, or when the retention is not a positive number of days.',
    remediation: {
      text: 'Set a retention of at least the minimum on the log group: aws logs put-retention-policy --log-group-name /aws/eks/<cluster>/cluster --retention-in-days 365',
      url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/auditing-and-logging.html',
    ],
  },
  evaluate(cluster, context) {
    if (cluster.logging === undefined) return notAvailable('DescribeCluster returned no logging settings.');
    // A type listed in any enabled entry may be sent, even when another entry also lists it disabled.
    const enabled = [...new Set(cluster.logging.filter((e) => e.enabled).flatMap((e) => e.types))].sort();
    if (enabled.length === 0) {
      return passed(
        'No control-plane log type is enabled, so nothing is retained; control-plane-logging judges that.',
      );
    }
    const name = `/aws/eks/${cluster.name}/cluster`;
    const groups = context.logGroups(cluster.accountId, cluster.region);
    if (groups === undefined) {
      return notAvailable(
        `The log groups of ${cluster.region} in account ${cluster.accountId} were not read, so the retention of ${name} is not known.`,
      );
    }
    if (!groups.known) {
      return notAvailable(`The log groups of ${cluster.region} could not be read: ${groups.reason}.`);
    }
    const group = groups.value.get(name);
    if (group === undefined) {
      return failed(
        'MEDIUM',
        `Control-plane logging is enabled (${enabled.join(', ')}) but log group ${name} does not exist: EKS creates it when logging is enabled, so it was deleted and the logs sent since are lost, or it is not created yet.`,
      );
    }
    const days = group.retentionInDays;
    const minimum = context.config.minLogRetentionDays;
    if (days === undefined) {
      return passed(`Log group ${name} has no retention policy: its events never expire.`);
    }
    if (!Number.isFinite(days) || days <= 0) {
      return notAvailable(
        `Log group ${name} reports a retention of ${days} days, which is not a valid retention.`,
      );
    }
    if (days >= minimum) {
      return passed(`Log group ${name} keeps events for ${days} days (the minimum is ${minimum}).`);
    }
    return failed(
      'LOW',
      `Log group ${name} keeps events for only ${days} days, less than the minimum of ${minimum} days: older control-plane logs are deleted before an investigation may need them.`,
    );
  },
};
