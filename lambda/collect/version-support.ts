import { type EKSClient, paginateDescribeClusterVersions } from '@aws-sdk/client-eks';
import { describeAwsError, isNotImplemented } from '../errors';
import { calendarCatalog, statusOn } from '../kubernetes/release-calendar';
import type { VersionCatalog, VersionInfo, VersionStatus } from '../model/snapshot';

const STATUSES: readonly VersionStatus[] = ['STANDARD_SUPPORT', 'EXTENDED_SUPPORT', 'UNSUPPORTED'];

/**
 * Kubernetes version support is the same for every account: each region's is read once per run, by
 * the first account that has clusters there, and shared. When that account may not read it (denied,
 * throttled out, a network failure), the next account with clusters there tries with its own
 * credentials; only when none can, or the endpoint lacks the API, does the region use the calendar.
 */
export class VersionSupport {
  private readonly byRegion = new Map<string, { attempt: Promise<Attempt>; offers: number }>();

  /**
   * @param accountsPerRegion how many accounts may try a region: an organization that denies the call
   * everywhere (an SCP) costs this many calls a region, not one per account.
   */
  constructor(
    private readonly clock: () => Date,
    private readonly accountsPerRegion = 3,
  ) {}

  /** An account with clusters in the region offers its client; it is used if no account has read the data yet. */
  offer(region: string, eks: EKSClient): void {
    const previous = this.byRegion.get(region);
    if (previous && previous.offers >= this.accountsPerRegion) return;
    const attempt = previous
      ? previous.attempt.then((earlier) =>
          earlier.retryable ? readVersionSupport(eks, this.clock()) : earlier,
        )
      : readVersionSupport(eks, this.clock());
    this.byRegion.set(region, { attempt, offers: (previous?.offers ?? 0) + 1 });
  }

  /** The catalog of every region offered, once all offers have been tried. */
  async catalogs(): Promise<Map<string, VersionCatalog>> {
    const entries = await Promise.all(
      [...this.byRegion.entries()].map(
        async ([region, { attempt }]) => [region, (await attempt).catalog] as const,
      ),
    );
    return new Map(entries);
  }
}

interface Attempt {
  readonly catalog: VersionCatalog;
  /** True when other credentials might succeed where these failed. */
  readonly retryable: boolean;
}

/**
 * The region's version support data from `DescribeClusterVersions` (all versions, unsupported ones
 * included), or the bundled calendar with the reason when the API cannot answer.
 */
async function readVersionSupport(eks: EKSClient, now: Date): Promise<Attempt> {
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
    if (isNotImplemented(error)) {
      return {
        catalog: calendarCatalog(now, 'the endpoint does not implement DescribeClusterVersions'),
        retryable: false,
      };
    }
    return {
      catalog: calendarCatalog(now, `DescribeClusterVersions failed (${describeAwsError(error)})`),
      retryable: true,
    };
  }
  if (versions.length === 0) {
    return {
      catalog: calendarCatalog(now, 'DescribeClusterVersions returned no versions'),
      retryable: false,
    };
  }
  return {
    catalog: { source: 'api', note: 'support status from DescribeClusterVersions', versions },
    retryable: false,
  };
}
