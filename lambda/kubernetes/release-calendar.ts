/**
 * The EKS release calendar, bundled for endpoints without `DescribeClusterVersions` (emulators,
 * older partitions). Source: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 * Standard support lasts 14 months from release, extended support 12 more.
 */
import type { VersionCatalog, VersionInfo, VersionStatus } from '../model/snapshot';

export const CALENDAR_DATA_DATE = '2026-04-24';

/** [version, end of standard support, end of extended support] */
const CALENDAR: readonly (readonly [string, string, string])[] = [
  ['1.23', '2023-10-11', '2024-10-11'],
  ['1.24', '2024-01-31', '2025-01-31'],
  ['1.25', '2024-05-01', '2025-05-01'],
  ['1.26', '2024-06-11', '2025-06-11'],
  ['1.27', '2024-07-24', '2025-07-24'],
  ['1.28', '2024-11-26', '2025-11-26'],
  ['1.29', '2025-03-23', '2026-03-23'],
  ['1.30', '2025-07-23', '2026-07-23'],
  ['1.31', '2025-11-26', '2026-11-26'],
  ['1.32', '2026-03-23', '2027-03-23'],
  ['1.33', '2026-07-29', '2027-07-29'],
  ['1.34', '2026-12-02', '2027-12-02'],
  ['1.35', '2027-03-27', '2028-03-27'],
];

export function statusOn(now: Date, endOfStandard?: Date, endOfExtended?: Date): VersionStatus | undefined {
  if (endOfStandard === undefined) return undefined;
  if (now < endOfStandard) return 'STANDARD_SUPPORT';
  if (endOfExtended !== undefined && now < endOfExtended) return 'EXTENDED_SUPPORT';
  return 'UNSUPPORTED';
}

/** The bundled calendar as a catalog, statuses computed for `now`. */
export function calendarCatalog(now: Date, why: string): VersionCatalog {
  const versions: VersionInfo[] = CALENDAR.map(([version, standard, extended]) => {
    const endOfStandardSupport = new Date(`${standard}T00:00:00Z`);
    const endOfExtendedSupport = new Date(`${extended}T00:00:00Z`);
    return {
      version,
      status: statusOn(now, endOfStandardSupport, endOfExtendedSupport) ?? 'UNSUPPORTED',
      endOfStandardSupport,
      endOfExtendedSupport,
    };
  });
  return {
    source: 'calendar',
    note: `support dates from the bundled EKS calendar (data as of ${CALENDAR_DATA_DATE}) because ${why}`,
    versions,
  };
}
