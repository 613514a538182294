import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import {
  type ClusterSnapshot,
  type RegionSnapshot,
  securityGroupsOf,
  type UndescribedCluster,
} from '../model/snapshot';
import { collectAccessEntries } from './access-entries';
import { collectSecurityGroups, collectSubnetRoutes } from './network';
import { collectNodegroups } from './nodegroups';
import { collectPodIdentity } from './pod-identity';

export type ClusterResources = Pick<
  RegionSnapshot,
  'clusters' | 'nodegroups' | 'undescribedNodegroups' | 'unlistedNodegroups' | 'network' | 'podIdentity'
>;

/**
 * What each described cluster of a region has beyond DescribeCluster: its access entries, node
 * groups and Pod Identity associations, and the EC2 network all of them use, read once for the
 * region (security groups at once, subnets and route tables once the node groups are known). A
 * cluster that could not be described has no node groups read: it is recorded as unlisted, so that
 * its node-group findings are kept as they are.
 */
export async function collectClusterResources(
  eks: EKSClient,
  ec2: EC2Client,
  clusters: readonly ClusterSnapshot[],
  undescribed: readonly UndescribedCluster[],
  concurrency = 4,
): Promise<ClusterResources> {
  // The security groups are known from DescribeCluster: read them while the clusters' own reads run.
  const securityGroups = collectSecurityGroups(ec2, clusters.flatMap(securityGroupsOf));
  const limit = pLimit(concurrency);
  const perCluster = await Promise.all(
    clusters.map((cluster) =>
      limit(async () => {
        const [accessEntries, nodegroups, podIdentity] = await Promise.all([
          collectAccessEntries(eks, cluster),
          collectNodegroups(eks, cluster),
          collectPodIdentity(eks, cluster),
        ]);
        return { cluster: { ...cluster, accessEntries }, nodegroups, podIdentity };
      }),
    ),
  );
  const nodegroups = perCluster.flatMap((c) => c.nodegroups.nodegroups);
  const network = {
    ...(await collectSubnetRoutes(
      ec2,
      nodegroups.flatMap((n) => n.subnets ?? []),
    )),
    securityGroups: await securityGroups,
  };
  return {
    clusters: perCluster.map((c) => c.cluster),
    nodegroups,
    undescribedNodegroups: perCluster.flatMap((c) => c.nodegroups.undescribed),
    unlistedNodegroups: [
      ...perCluster.flatMap((c) => (c.nodegroups.unlisted ? [c.nodegroups.unlisted] : [])),
      ...undescribed.map((c) => ({
        clusterArn: c.arn,
        reason: `the cluster could not be described: ${c.reason}`,
      })),
    ],
    network,
    podIdentity: {
      associations: perCluster.flatMap((c) => (c.podIdentity.known ? c.podIdentity.items : [])),
      unread: [
        ...perCluster.flatMap((c) =>
          c.podIdentity.known ? [] : [{ clusterArn: c.cluster.arn, reason: c.podIdentity.reason }],
        ),
        ...undescribed.map((c) => ({ clusterArn: c.arn, reason: 'the cluster could not be described' })),
      ],
    },
  };
}
