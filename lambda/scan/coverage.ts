/**
 * Coverage, decided once from what each account gave: which checks completed in each scanned
 * region, and which resources there were seen but not settled.
 */
import type { Check } from '../checks/types';
import type { Coverage, ScopeCoverage, UnsettledResource } from '../model/coverage';
import { compareText } from '../model/order';
import type { AccountSnapshot, RegionSnapshot } from '../model/snapshot';

/**
 * Cluster and node-group checks complete in every region scanned in full. Role checks complete in a
 * region only when the account's IAM data was read too, and every cluster there was described: an
 * IRSA result names the cluster of its issuer, which a cluster missing from the picture would drop.
 */
export function coverageOf(
  accounts: readonly AccountSnapshot[],
  checks: readonly Check[],
  provenEmpty: readonly ProvenEmptyRegion[] = [],
): Coverage {
  const regionChecks = checks
    .filter((c) => c.metadata.resourceType !== 'AwsIamRole')
    .map((c) => c.metadata.id);
  const roleChecks = checks.filter((c) => c.metadata.resourceType === 'AwsIamRole').map((c) => c.metadata.id);
  const scopes = accounts.flatMap((account) =>
    account.regions.map((region): ScopeCoverage => {
      const unsettled = unsettledIn(region);
      const undescribed = unsettled.filter((u) => u.type === 'AwsEksCluster');
      const roleGap =
        account.identity === undefined
          ? "the account's IAM data could not be read"
          : undescribed.length > 0
            ? `${undescribed.length} cluster(s) of the region could not be described`
            : undefined;
      return {
        accountId: account.accountId,
        region: region.region,
        partition: account.partition,
        completedChecks: roleGap === undefined ? [...regionChecks, ...roleChecks] : regionChecks,
        skippedChecks:
          roleGap === undefined ? [] : roleChecks.map((checkId) => ({ checkId, reason: roleGap })),
        unsettled,
      };
    }),
  );
  // A region discovery proved empty completes its role checks (the account's IAM data is read in full)
  // but not the cluster checks: the proof is the aggregator's picture, which can lag behind the account
  // (a recorder stopped without a last item, a cluster created since the last sync), so a run that did
  // not list the region never archives a finding of a cluster there. A listing run does.
  const byId = new Map(accounts.map((a) => [a.accountId, a]));
  const notListed = 'not listed: discovery found no cluster here, so the findings of clusters here are kept';
  const empty = provenEmpty.flatMap(({ accountId, region }): ScopeCoverage[] => {
    const account = byId.get(accountId);
    if (!account) return [];
    const roleGap = account.identity === undefined ? "the account's IAM data could not be read" : undefined;
    return [
      {
        accountId,
        region,
        partition: account.partition,
        completedChecks: roleGap === undefined ? roleChecks : [],
        skippedChecks: [
          ...regionChecks.map((checkId) => ({ checkId, reason: notListed })),
          ...(roleGap === undefined ? [] : roleChecks.map((checkId) => ({ checkId, reason: roleGap }))),
        ],
        unsettled: [],
        provenEmpty: true,
      },
    ];
  });
  return {
    scopes: [...scopes, ...empty].sort(
      (a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region),
    ),
  };
}

/** An account region that discovery proved holds no cluster, and that was therefore not listed. */
export interface ProvenEmptyRegion {
  readonly accountId: string;
  readonly region: string;
}

function unsettledIn(region: RegionSnapshot): UnsettledResource[] {
  return region.clusters.flatMap((listed): UnsettledResource[] => {
    const cluster = listed.description;
    if (!cluster.known) {
      const reason = `the cluster could not be described: ${cluster.reason}`;
      return [
        { type: 'AwsEksCluster', arn: listed.arn, reason },
        // Its node groups were not listed either: none of their findings may be archived.
        { type: 'AwsEksNodegroup', clusterArn: listed.arn, reason },
      ];
    }
    const nodegroups = cluster.value.nodegroups;
    if (!nodegroups.known)
      return [{ type: 'AwsEksNodegroup', clusterArn: listed.arn, reason: nodegroups.reason }];
    return nodegroups.value.flatMap((nodegroup): UnsettledResource[] =>
      nodegroup.description.known
        ? []
        : [
            {
              type: 'AwsEksNodegroup',
              clusterArn: listed.arn,
              name: nodegroup.name,
              reason: nodegroup.description.reason,
            },
          ],
    );
  });
}
