import { DescribeNodegroupCommand, type EKSClient, paginateListNodegroups } from '@aws-sdk/client-eks';
import * as z from 'zod/mini';
import '../zod-messages';
import { describeAwsError, isNotFound } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { ClusterSnapshot, Listed, NodegroupSnapshot } from '../model/snapshot';
import { describeListed } from './read-each';

/** The parts of a DescribeNodegroup answer the checks read. */
const NodegroupShape = z.object({
  nodegroupName: z.string().check(z.minLength(1)),
  nodegroupArn: z.string().check(z.startsWith('arn:')),
  status: z.optional(z.string()),
  amiType: z.optional(z.string()),
  subnets: z.optional(z.array(z.string())),
  remoteAccess: z.optional(
    z.object({
      ec2SshKey: z.optional(z.string()),
      sourceSecurityGroups: z.optional(z.array(z.string())),
    }),
  ),
  launchTemplate: z.optional(
    z.object({ id: z.optional(z.string()), name: z.optional(z.string()), version: z.optional(z.string()) }),
  ),
});

type ClusterRef = Pick<ClusterSnapshot, 'accountId' | 'region' | 'name' | 'arn'>;

/**
 * The names of one cluster's managed node groups; it needs only the cluster's name. A failed
 * listing makes the list unknown, with the reason (the cluster's node-group findings are then left
 * as they are).
 */
export async function listNodegroups(eks: EKSClient, clusterName: string): Promise<Readout<string[]>> {
  const names: string[] = [];
  try {
    for await (const page of paginateListNodegroups({ client: eks, pageSize: 100 }, { clusterName })) {
      names.push(...(page.nodegroups ?? []));
    }
  } catch (error) {
    return unknown(`eks:ListNodegroups failed: ${describeAwsError(error)}`);
  }
  return known(names);
}

/**
 * Describes the node groups a listing named. One that cannot be described is listed with the
 * reason, like a cluster; one deleted since it was listed is gone.
 */
export async function describeNodegroups(
  eks: EKSClient,
  cluster: ClusterRef,
  listed: Readout<readonly string[]>,
  describeConcurrency = 4,
): Promise<Readout<Listed<NodegroupSnapshot>[]>> {
  return describeListed(listed, (name) => describe(eks, cluster, name), describeConcurrency);
}

async function describe(
  eks: EKSClient,
  cluster: ClusterRef,
  name: string,
): Promise<Readout<NodegroupSnapshot> | undefined> {
  let answer: unknown;
  try {
    answer = (
      await eks.send(new DescribeNodegroupCommand({ clusterName: cluster.name, nodegroupName: name }))
    ).nodegroup;
  } catch (error) {
    // Deleted since it was listed: gone, like a node group that was never listed.
    if (isNotFound(error)) return undefined;
    return unknown(`eks:DescribeNodegroup failed: ${describeAwsError(error)}`);
  }
  const parsed = NodegroupShape.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unknown(
      `eks:DescribeNodegroup returned an invalid node group (${issue?.path.join('.') || 'nodegroup'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const group = parsed.data;
  const template = group.launchTemplate;
  const templateName = template?.name ?? template?.id;
  return known({
    accountId: cluster.accountId,
    region: cluster.region,
    clusterName: cluster.name,
    clusterArn: cluster.arn,
    name: group.nodegroupName,
    arn: group.nodegroupArn,
    ...(group.status === undefined ? {} : { status: group.status }),
    ...(group.amiType === undefined ? {} : { amiType: group.amiType }),
    ...(group.subnets === undefined ? {} : { subnets: group.subnets }),
    ...(group.remoteAccess === undefined
      ? {}
      : {
          remoteAccess: {
            ...(group.remoteAccess.ec2SshKey ? { ec2SshKey: group.remoteAccess.ec2SshKey } : {}),
            sourceSecurityGroups: group.remoteAccess.sourceSecurityGroups ?? [],
          },
        }),
    ...(templateName === undefined ? {} : { launchTemplate: templateName }),
    ...(template?.id ? { launchTemplateId: template.id } : {}),
    ...(template?.version ? { launchTemplateVersion: template.version } : {}),
  });
}
