/**
 * One account region, read in full: every cluster with its description, access entries, node
 * groups, Pod Identity associations, add-ons and upgrade insights; the KMS keys the clusters name;
 * the EC2 network all of them use and the launch templates of their node groups, read once for the
 * region; the region's EKS log groups and GuardDuty detectors. What cannot be read is kept with the
 * reason, in its place.
 *
 * The reads are pipelined: each starts as soon as the answers it needs are in, never behind a
 * barrier over unrelated work. The critical path is four round trips:
 *   1. ListClusters
 *   2. DescribeCluster, ListNodegroups (needs only the name), DescribeClusterVersions,
 *      DescribeLogGroups and ListDetectors (need only to know that the region has clusters)
 *   3. ListAccessEntries (needs the authentication mode), ListPodIdentityAssociations, ListAddons,
 *      ListInsights, DescribeNodegroup, DescribeKey and DescribeSecurityGroups (need the
 *      description), GetDetector
 *   4. ListAssociatedAccessPolicies, DescribePodIdentityAssociation, DescribeAddon and
 *      DescribeAddonVersions (the latter once per region, add-on and Kubernetes version for the run),
 *      DescribeInsight (insights that do not pass), DescribeSubnets (needs the node groups' subnet
 *      ids), DescribeRouteTables (by the clusters' VPCs, see `collectSubnetRoutes`) and
 *      DescribeLaunchTemplateVersions (the node groups' templates)
 * A fifth only when a node-group subnet lies outside the VPCs DescribeCluster named (or it named
 * none, as moto does): that VPC's route tables are then read once the subnets are known.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { clusterArn } from '../model/arn';
import { known, type Readout, unknown } from '../model/readout';
import type { Listed, ListedCluster, NodegroupSnapshot, RegionSnapshot } from '../model/snapshot';
import { securityGroupsOf } from '../model/snapshot';
import { collectAccessEntries } from './access-entries';
import { type AddonOffers, describeAddons, listAddons } from './addons';
import type { AccountClients } from './clients';
import { type ClusterDescription, describeCluster, listClusterNames, type RegionTarget } from './clusters';
import { collectUpgradeInsights } from './insights';
import { KeyStates } from './keys';
import { collectLaunchTemplates } from './launch-templates';
import { collectSecurityGroups, collectSubnetRoutes } from './network';
import { describeNodegroups, listNodegroups } from './nodegroups';
import { collectPodIdentity } from './pod-identity';
import { collectDetectors, collectLogGroups, GUARDDUTY_SERVICE, LOGS_SERVICE } from './region-services';
import type { VersionSupport } from './version-support';

export interface RegionOptions {
  /**
   * Clusters read at once at each stage (description, node groups, access entries with Pod
   * Identity, add-ons and insights), and KMS keys described at once. 20 lets a region of 20 clusters
   * go through each stage in one round trip; past that the clusters queue, so that one region has at
   * most 20 x 35 EKS calls in flight (a description, 4 node-group reads, 4 access-entry and 4
   * association reads, and a listing and 10 descriptions each of add-ons and insights a cluster;
   * `DescribeAddonVersions` is shared by the run and asked once per add-on and version),
   * of which the account's HTTP agent (one for all its clients) sends 50 at a time to each endpoint;
   * throttling backs off adaptively.
   * @default 20
   */
  readonly clusterConcurrency?: number;
}

/**
 * A failed cluster listing fails the region (it throws a `TargetError`); anything after it that
 * fails is kept as the reason, and the region is still scanned. Version support, key states and the
 * rest are only read where clusters exist.
 */
/** What every region of the run reads through, so that the organization reads it once. */
export interface RegionShared {
  readonly versions: VersionSupport;
  readonly addonOffers: AddonOffers;
}

export async function collectRegion(
  clients: AccountClients,
  target: RegionTarget,
  { versions, addonOffers }: RegionShared,
  options: RegionOptions = {},
): Promise<RegionSnapshot> {
  const eks = clients.eks(target.region);
  const ec2 = clients.ec2(target.region);
  const names = await listClusterNames(eks, target);
  // Version support, log groups and detectors need only to know that the region has clusters: asked
  // now, beside the rest, and not at all where there is none.
  if (names.length > 0) versions.offer(target.region, eks);
  const noClusters = unknown('not read: the region has no clusters');
  const logGroups: Promise<RegionSnapshot['logGroups']> =
    names.length > 0
      ? collectLogGroups(clients.service(LOGS_SERVICE, target.region))
      : Promise.resolve(noClusters);
  const threatDetection: Promise<RegionSnapshot['threatDetection']> =
    names.length > 0
      ? collectDetectors(clients.service(GUARDDUTY_SERVICE, target.region))
      : Promise.resolve(noClusters);
  const concurrency = options.clusterConcurrency ?? 20;
  const stages: Stages = {
    describe: pLimit(concurrency),
    nodegroups: pLimit(concurrency),
    resources: pLimit(concurrency),
  };
  const keys = new KeyStates(clients, target.region, concurrency);
  const reads = names.map((name) => readCluster(eks, target, name, stages, keys, addonOffers));
  // The one-call-per-region EC2 reads need every cluster's ids: each waits for the last answer
  // it needs, and no longer.
  const described = Promise.all(reads.map((r) => r.description)).then((all) =>
    all.flatMap((d) => (d.known ? [d.value] : [])),
  );
  const securityGroups = described.then((clusters) =>
    collectSecurityGroups(ec2, clusters.flatMap(securityGroupsOf)),
  );
  const nodegroupReads = Promise.all(reads.map((r) => r.nodegroups));
  const launchTemplates = nodegroupReads.then((all) =>
    collectLaunchTemplates(
      ec2,
      all.flatMap((read) =>
        read?.nodegroups.known
          ? read.nodegroups.value.flatMap((n) => (n.description.known ? [n.description.value] : []))
          : [],
      ),
    ),
  );
  const subnetRoutes = nodegroupReads.then((all) => {
    const used = all.flatMap((read) => {
      if (read === undefined || !read.nodegroups.known) return [];
      const subnets = read.nodegroups.value.flatMap((n) =>
        n.description.known ? (n.description.value.subnets ?? []) : [],
      );
      return subnets.length > 0 ? [{ subnets, vpcId: read.cluster.vpcId }] : [];
    });
    return collectSubnetRoutes(
      ec2,
      used.flatMap((u) => u.subnets),
      used.flatMap((u) => (u.vpcId ? [u.vpcId] : [])),
    );
  });
  const keyStates = described.then((clusters) => keys.of(clusters.flatMap(keyArnsOf)));
  const [clusters, keyMap, network, groups, templates, logs, detectors] = await Promise.all([
    Promise.all(reads.map((r) => r.cluster)),
    keyStates,
    subnetRoutes,
    securityGroups,
    launchTemplates,
    logGroups,
    threatDetection,
  ]);
  return {
    accountId: target.accountId,
    region: target.region,
    clusters,
    keys: keyMap,
    network: { ...network, securityGroups: groups },
    launchTemplates: templates,
    logGroups: logs,
    threatDetection: detectors,
  };
}

interface Stages {
  readonly describe: LimitFunction;
  readonly nodegroups: LimitFunction;
  readonly resources: LimitFunction;
}

type Nodegroups = Readout<Listed<NodegroupSnapshot>[]>;

interface ClusterReads {
  readonly description: Promise<Readout<ClusterDescription>>;
  /** With the description they were read for; a cluster that cannot be described has none read. */
  readonly nodegroups: Promise<{ cluster: ClusterDescription; nodegroups: Nodegroups } | undefined>;
  readonly cluster: Promise<ListedCluster>;
}

/**
 * One cluster's reads, each started as soon as what it needs is known. ListNodegroups needs only
 * the name, so it is asked beside DescribeCluster: the node groups' subnets, which the EC2 reads
 * wait for, are then known one round trip sooner. Every other read waits for the description, as
 * before (access entries are not listed in `CONFIG_MAP` mode), and nothing more is read of a
 * cluster that cannot be described: its node-group listing is the one call it spends for nothing.
 */
function readCluster(
  eks: ReturnType<AccountClients['eks']>,
  target: RegionTarget,
  name: string,
  stages: Stages,
  keys: KeyStates,
  addonOffers: AddonOffers,
): ClusterReads {
  const description = stages.describe(() => describeCluster(eks, target, name));
  const nodegroups = stages.nodegroups(async () => {
    const [listed, described] = await Promise.all([listNodegroups(eks, name), description]);
    if (!described.known) return undefined;
    return { cluster: described.value, nodegroups: await describeNodegroups(eks, described.value, listed) };
  });
  const cluster = description.then(async (described): Promise<ListedCluster> => {
    if (!described.known) {
      await nodegroups;
      return {
        name,
        arn: clusterArn(target.partition, target.region, target.accountId, name),
        description: described,
      };
    }
    for (const keyArn of keyArnsOf(described.value)) void keys.read(keyArn);
    const [groups, [accessEntries, podIdentityAssociations, addons, upgradeInsights]] = await Promise.all([
      nodegroups,
      stages.resources(() =>
        Promise.all([
          collectAccessEntries(eks, described.value),
          collectPodIdentity(eks, described.value),
          listAddons(eks, name).then((listed) => describeAddons(eks, described.value, listed, addonOffers)),
          collectUpgradeInsights(eks, name),
        ]),
      ),
    ]);
    return {
      name,
      arn: described.value.arn,
      description: known({
        ...described.value,
        accessEntries,
        nodegroups: groups?.nodegroups ?? unknown('the node groups were not read'),
        podIdentityAssociations,
        addons,
        upgradeInsights,
      }),
    };
  });
  return { description, nodegroups, cluster };
}

function keyArnsOf(cluster: ClusterDescription): string[] {
  return (cluster.encryptionConfig ?? []).flatMap((e) => (e.keyArn ? [e.keyArn] : []));
}
