/**
 * What a region with clusters reads once beside them: the EKS control-plane log groups
 * (CloudWatch Logs) and the GuardDuty detectors. Neither is read where there is no cluster.
 */
import { CloudWatchLogsClient, paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';
import { GetDetectorCommand, GuardDutyClient, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { describeAwsError } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { DetectorSnapshot, LogGroupInfo } from '../model/snapshot';
import type { OptionalService } from '../service';

export const LOGS_SERVICE: OptionalService<CloudWatchLogsClient> = {
  id: 'logs',
  Client: CloudWatchLogsClient,
};
export const GUARDDUTY_SERVICE: OptionalService<GuardDutyClient> = {
  id: 'guardduty',
  Client: GuardDutyClient,
};

/** Where EKS sends a cluster's control-plane logs. */
export const EKS_LOG_GROUP_PREFIX = '/aws/eks/';

export function clusterLogGroupName(clusterName: string): string {
  return `${EKS_LOG_GROUP_PREFIX}${clusterName}/cluster`;
}

/** Every log group under `/aws/eks/`, by name, with its retention. A failed page makes them all unknown. */
export async function collectLogGroups(
  logs: CloudWatchLogsClient,
): Promise<Readout<ReadonlyMap<string, LogGroupInfo>>> {
  const groups = new Map<string, LogGroupInfo>();
  try {
    for await (const page of paginateDescribeLogGroups(
      { client: logs, pageSize: 50 },
      { logGroupNamePrefix: EKS_LOG_GROUP_PREFIX },
    )) {
      for (const group of page.logGroups ?? []) {
        if (!group.logGroupName) continue;
        groups.set(group.logGroupName, {
          name: group.logGroupName,
          ...(group.retentionInDays === undefined ? {} : { retentionInDays: group.retentionInDays }),
        });
      }
    }
  } catch (error) {
    return unknown(`logs:DescribeLogGroups failed: ${describeAwsError(error)}`);
  }
  return known(groups);
}

/** The region's GuardDuty detectors (one at most, on AWS), each with its features. */
export async function collectDetectors(guardduty: GuardDutyClient): Promise<Readout<DetectorSnapshot[]>> {
  const ids: string[] = [];
  try {
    for await (const page of paginateListDetectors({ client: guardduty, pageSize: 50 }, {})) {
      ids.push(...(page.DetectorIds ?? []));
    }
  } catch (error) {
    return unknown(`guardduty:ListDetectors failed: ${describeAwsError(error)}`);
  }
  const detectors: DetectorSnapshot[] = [];
  for (const id of ids) {
    try {
      const detector = await guardduty.send(new GetDetectorCommand({ DetectorId: id }));
      detectors.push({
        id,
        ...(detector.Status ? { status: detector.Status } : {}),
        features: (detector.Features ?? []).flatMap((feature) =>
          feature.Name
            ? [
                {
                  name: feature.Name,
                  ...(feature.Status ? { status: feature.Status } : {}),
                  additionalConfiguration: (feature.AdditionalConfiguration ?? []).flatMap((extra) =>
                    extra.Name
                      ? [{ name: extra.Name, ...(extra.Status ? { status: extra.Status } : {}) }]
                      : [],
                  ),
                },
              ]
            : [],
        ),
      });
    } catch (error) {
      // A detector that cannot be read could be the enabled one: the region's coverage is unknown.
      return unknown(`guardduty:GetDetector failed for detector ${id}: ${describeAwsError(error)}`);
    }
  }
  return known(detectors);
}
