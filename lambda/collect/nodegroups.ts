import { DescribeNodegroupCommand, type EKSClient, paginateListNodegroups } from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import * as z from 'zod';
import { describeAwsError, isNotFound } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { ClusterSnapshot, Listed, NodegroupSnapshot } from '../model/snapshot';

/** The parts of a DescribeNodegroup answer the checks read. */
const NodegroupShape = z.object({
  nodegroupName: z.string().min(1),
  nodegroupArn: z.string().startsWith('arn:'),
  status: z.string().optional(),
  amiType: z.string().optional(),
  subnets: z.array(z.string()).optional(),
  remoteAccess: z
    .object({
      ec2SshKey: z.string().optional(),
      sourceSecurityGroups: z.array(z.string()).optional(),
    })
    .optional(),
  launchTemplate: z
    .object({ id: z.string().optional(), name: z.string().optional(), version: z.string().optional() })
    .optional(),
});

type ClusterRef = Pick<ClusterSnapshot, 'accountId' | 'region' | 'name' | 'arn'>;

/**
 * Lists and describes the managed node groups of one cluster. A failed listing makes the list
 * unknown, with the reason (the cluster's node-group findings are then left as they are); a node
 * group that cannot be described is listed with the reason, like a cluster; one deleted since it
 * was listed is gone.
 */
export async function collectNodegroups(
  eks: EKSClient,
  cluster: ClusterRef,
  describeConcurrency = 4,
): Promise<Readout<Listed<NodegroupSnapshot>[]>> {
  const names: string[] = [];
  try {
    for await (const page of paginateListNodegroups(
      { client: eks, pageSize: 100 },
      { clusterName: cluster.name },
    )) {
      names.push(...(page.nodegroups ?? []));
    }
  } catch (error) {
    return unknown(`eks:ListNodegroups failed: ${describeAwsError(error)}`);
  }
  const limit = pLimit(describeConcurrency);
  const described = await Promise.all(names.map((name) => limit(() => describe(eks, cluster, name))));
  return known(
    names.flatMap((name, i) => {
      const description = described[i];
      return description === undefined ? [] : [{ name, description }];
    }),
  );
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
  });
}
