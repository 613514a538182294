/**
 * The reads every region with clusters makes beside EKS (CloudWatch Logs and GuardDuty), mocked
 * empty for tests that mock the SDK: a test that judges them sets its own answers on top.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';

export function mockRegionServices() {
  const logs = mockClient(CloudWatchLogsClient);
  const guardduty = mockClient(GuardDutyClient);
  return {
    logs,
    guardduty,
    /** No EKS log group, no detector. */
    empty(): void {
      logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
      guardduty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    },
    reset(): void {
      logs.reset();
      guardduty.reset();
    },
  };
}
