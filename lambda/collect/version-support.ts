import { type EKSClient, paginateDescribeClusterVersions } from '@aws-sdk/client-eks';
import { describeAwsError, isNotImplemented } from '../errors';
import { calendarCatalog, statusOn } from '../kubernetes/release-calendar';
import type { VersionCatalog, VersionInfo, VersionStatus } from '../model/snapshot';

const STATUSES: readonly VersionStatus[] = ['STANDARD_SUPPORT', 'EXTENDED_SUPPORT', 'UNSUPPORTED'];

/**
 * The region's version support data from `DescribeClusterVersions` (all versions, unsupported ones
 * included), or the bundled calendar with the reason when the API cannot answer.
 */
export async function collectVersions(eks: EKSClient, now: Date): Promise<VersionCatalog> {
  const versions: VersionInfo[] = [];
  try {
    for await (const page of paginateDescribeClusterVersions(
      { client: eks, pageSize: 100 },
      { includeAll: true },
    )) {
      for (const entry of page.clusterVersions ?? []) {
        if (!entry.clusterVersion) continue;
        const endOfStandardSupport = entry.endOfStandardSupportDate;
        const endOfExtendedSupport = entry.endOfExtendedSupportDate;
        const listed = STATUSES.find((s) => s === entry.versionStatus);
        const status = listed ?? statusOn(now, endOfStandardSupport, endOfExtendedSupport);
        if (status === undefined) continue; // neither a status nor dates: nothing to judge by
        versions.push({
          version: entry.clusterVersion,
          status,
          ...(endOfStandardSupport ? { endOfStandardSupport } : {}),
          ...(endOfExtendedSupport ? { endOfExtendedSupport } : {}),
        });
      }
    }
  } catch (error) {
    const why = isNotImplemented(error)
      ? 'the endpoint does not implement DescribeClusterVersions'
      : `DescribeClusterVersions failed (${describeAwsError(error)})`;
    return calendarCatalog(now, why);
  }
  if (versions.length === 0) return calendarCatalog(now, 'DescribeClusterVersions returned no versions');
  return { source: 'api', note: 'support status from DescribeClusterVersions', versions };
}
