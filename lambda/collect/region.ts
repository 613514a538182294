/**
 * One account region, read in full: every cluster with its description, access entries, node
 * groups and Pod Identity associations; the KMS keys the clusters name; the EC2 network all of them
 * use, read once for the region. What cannot be read is kept with the reason, in its place.
 */
import pLimit from 'p-limit';
import { clusterArn } from '../model/arn';
import { known } from '../model/readout';
import type { ClusterSnapshot, ListedCluster, RegionSnapshot } from '../model/snapshot';
import { securityGroupsOf } from '../model/snapshot';
import { collectAccessEntries } from './access-entries';
import type { AccountClients } from './clients';
import { type ClusterDescription, describeCluster, listClusterNames, type RegionTarget } from './clusters';
import { collectKeyStates } from './keys';
import { collectSecurityGroups, collectSubnetRoutes } from './network';
import { collectNodegroups } from './nodegroups';
import { collectPodIdentity } from './pod-identity';
import type { VersionSupport } from './version-support';

export interface RegionOptions {
  /** Clusters described at once. @default 8 */
  readonly describeConcurrency?: number;
  /** Clusters whose own resources are read at once. @default 4 */
  readonly clusterConcurrency?: number;
}

/**
 * A failed cluster listing fails the region (it throws a `TargetError`); anything after it that
 * fails is kept as the reason, and the region is still scanned. Version support, key states and the
 * rest are only read where clusters exist.
 */
export async function collectRegion(
  clients: AccountClients,
  target: RegionTarget,
  versions: VersionSupport,
  options: RegionOptions = {},
): Promise<RegionSnapshot> {
  const eks = clients.eks(target.region);
  const ec2 = clients.ec2(target.region);
  const names = await listClusterNames(eks, target);
  if (names.length > 0) versions.offer(target.region, eks);
  const describeLimit = pLimit(options.describeConcurrency ?? 8);
  const descriptions = await Promise.all(
    names.map((name) =>
      describeLimit(async () => ({ name, description: await describeCluster(eks, target, name) })),
    ),
  );
  const described = descriptions.flatMap(({ description }) => (description.known ? [description.value] : []));
  const keyArns = described
    .flatMap((c) => c.encryptionConfig ?? [])
    .flatMap((e) => (e.keyArn ? [e.keyArn] : []));
  // The security groups are known from DescribeCluster: read them while the clusters' own reads run.
  const securityGroups = collectSecurityGroups(ec2, described.flatMap(securityGroupsOf));
  const keys = collectKeyStates(clients, keyArns, target.region);
  const clusterLimit = pLimit(options.clusterConcurrency ?? 4);
  const clusters = await Promise.all(
    descriptions.map(({ name, description }): Promise<ListedCluster> | ListedCluster =>
      description.known
        ? clusterLimit(async () => ({
            name,
            arn: description.value.arn,
            description: known(await completeCluster(eks, description.value)),
          }))
        : { name, arn: clusterArn(target.partition, target.region, target.accountId, name), description },
    ),
  );
  const subnets = clusters.flatMap(({ description: cluster }) =>
    cluster.known && cluster.value.nodegroups.known
      ? cluster.value.nodegroups.value.flatMap((n) =>
          n.description.known ? (n.description.value.subnets ?? []) : [],
        )
      : [],
  );
  const network = { ...(await collectSubnetRoutes(ec2, subnets)), securityGroups: await securityGroups };
  return { accountId: target.accountId, region: target.region, clusters, keys: await keys, network };
}

/** A described cluster with its access entries, node groups and Pod Identity associations. */
async function completeCluster(
  eks: ReturnType<AccountClients['eks']>,
  description: ClusterDescription,
): Promise<ClusterSnapshot> {
  const [accessEntries, nodegroups, podIdentityAssociations] = await Promise.all([
    collectAccessEntries(eks, description),
    collectNodegroups(eks, description),
    collectPodIdentity(eks, description),
  ]);
  return { ...description, accessEntries, nodegroups, podIdentityAssociations };
}
