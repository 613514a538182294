/**
 * Coverage, decided once from what each account gave: which checks completed in each scanned
 * region, and which resources there were seen but not settled.
 */
import type { Check } from '../checks/types';
import type { Coverage, ScopeCoverage, UnsettledResource } from '../model/coverage';
import { compareText } from '../model/order';
import { isIdentityResource } from '../model/result';
import type { AccountSnapshot, Listed, Readout, RegionSnapshot } from '../model/snapshot';

/**
 * Cluster, node-group, add-on and account-region checks complete in every region scanned in full.
 * Role and OIDC-provider checks complete in a region only when the account's IAM data was read too,
 * and every cluster there was described: an IRSA result names the cluster of its issuer, and a
 * provider is in use by a cluster, which a cluster missing from the picture would hide.
 */
export function coverageOf(
  accounts: readonly AccountSnapshot[],
  checks: readonly Check[],
  provenEmpty: readonly ProvenEmptyRegion[] = [],
): Coverage {
  const regionChecks = checks
    .filter((c) => !isIdentityResource(c.metadata.resourceType))
    .map((c) => c.metadata.id);
  const roleChecks = checks
    .filter((c) => isIdentityResource(c.metadata.resourceType))
    .map((c) => c.metadata.id);
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
        // Its node groups and add-ons were not listed either: none of their findings may be archived.
        { type: 'AwsEksNodegroup', clusterArn: listed.arn, reason },
        { type: 'AwsEksAddon', clusterArn: listed.arn, reason },
      ];
    }
    return [
      ...unsettledParts('AwsEksNodegroup', listed.arn, cluster.value.nodegroups),
      ...unsettledParts('AwsEksAddon', listed.arn, cluster.value.addons),
    ];
  });
}

/** The node groups (add-ons) of a cluster that its listing, or their description, left unsettled. */
function unsettledParts(
  type: 'AwsEksNodegroup' | 'AwsEksAddon',
  clusterArn: string,
  parts: Readout<readonly Listed<unknown>[]>,
): UnsettledResource[] {
  if (!parts.known) return [{ type, clusterArn, reason: parts.reason }];
  return parts.value.flatMap((part): UnsettledResource[] =>
    part.description.known ? [] : [{ type, clusterArn, name: part.name, reason: part.description.reason }],
  );
}
