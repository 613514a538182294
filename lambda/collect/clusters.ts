import { DescribeClusterCommand, type EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import { z } from 'zod';
import { describeAwsError, TargetError } from '../errors';
import type { ClusterSnapshot, UndescribedCluster } from '../model/snapshot';

/** The parts of a DescribeCluster answer the checks read; anything else is ignored, anything missing stays missing. */
const ClusterShape = z.object({
  name: z.string().min(1),
  arn: z.string().startsWith('arn:'),
  status: z.string().optional(),
  version: z.string().optional(),
  platformVersion: z.string().optional(),
  roleArn: z.string().optional(),
  resourcesVpcConfig: z
    .object({
      endpointPublicAccess: z.boolean().optional(),
      endpointPrivateAccess: z.boolean().optional(),
      publicAccessCidrs: z.array(z.string()).optional(),
      vpcId: z.string().optional(),
      clusterSecurityGroupId: z.string().optional(),
      securityGroupIds: z.array(z.string()).optional(),
    })
    .optional(),
  encryptionConfig: z
    .array(
      z.object({
        resources: z.array(z.string()).optional(),
        provider: z.object({ keyArn: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  logging: z
    .object({
      clusterLogging: z
        .array(z.object({ types: z.array(z.string()).optional(), enabled: z.boolean().optional() }))
        .optional(),
    })
    .optional(),
  identity: z.object({ oidc: z.object({ issuer: z.string().optional() }).optional() }).optional(),
  accessConfig: z.object({ authenticationMode: z.string().optional() }).optional(),
  deletionProtection: z.boolean().optional(),
});

export interface RegionClusters {
  readonly clusters: ClusterSnapshot[];
  readonly undescribed: UndescribedCluster[];
}

export interface ClusterTarget {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

/**
 * Lists and describes every cluster of one account and region. A failed listing fails the target;
 * a cluster that cannot be described (deleted meanwhile, denied, invalid) is kept with the reason.
 */
export async function collectClusters(
  eks: EKSClient,
  target: ClusterTarget,
  describeConcurrency = 8,
): Promise<RegionClusters> {
  const names: string[] = [];
  try {
    for await (const page of paginateListClusters({ client: eks, pageSize: 100 }, {})) {
      names.push(...(page.clusters ?? []));
    }
  } catch (error) {
    throw new TargetError(target.accountId, target.region, 'eks:ListClusters', error);
  }
  const limit = pLimit(describeConcurrency);
  const described = await Promise.all(names.map((name) => limit(() => describe(eks, target, name))));
  const clusters: ClusterSnapshot[] = [];
  const undescribed: UndescribedCluster[] = [];
  for (const item of described) {
    if ('reason' in item) undescribed.push(item);
    else clusters.push(item);
  }
  return { clusters, undescribed };
}

async function describe(
  eks: EKSClient,
  target: ClusterTarget,
  name: string,
): Promise<ClusterSnapshot | UndescribedCluster> {
  const fallbackArn = `arn:${target.partition}:eks:${target.region}:${target.accountId}:cluster/${name}`;
  const undescribed = (reason: string): UndescribedCluster => ({
    accountId: target.accountId,
    region: target.region,
    name,
    arn: fallbackArn,
    reason,
  });
  let answer: unknown;
  try {
    answer = (await eks.send(new DescribeClusterCommand({ name }))).cluster;
  } catch (error) {
    return undescribed(`eks:DescribeCluster failed: ${describeAwsError(error)}`);
  }
  const parsed = ClusterShape.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return undescribed(
      `eks:DescribeCluster returned an invalid cluster (${issue?.path.join('.') || 'cluster'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return toSnapshot(parsed.data, target);
}

function toSnapshot(cluster: z.infer<typeof ClusterShape>, target: ClusterTarget): ClusterSnapshot {
  const vpc = cluster.resourcesVpcConfig;
  const hasEndpoint = vpc?.endpointPublicAccess !== undefined && vpc.endpointPrivateAccess !== undefined;
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    accountId: target.accountId,
    region: target.region,
    name: cluster.name,
    arn: cluster.arn,
    ...optional('status', cluster.status),
    ...optional('version', cluster.version),
    ...optional('platformVersion', cluster.platformVersion),
    ...optional('roleArn', cluster.roleArn),
    ...(hasEndpoint
      ? {
          endpointAccess: {
            publicAccess: vpc.endpointPublicAccess === true,
            privateAccess: vpc.endpointPrivateAccess === true,
            ...optional('publicAccessCidrs', vpc.publicAccessCidrs),
          },
        }
      : {}),
    ...optional(
      'encryptionConfig',
      cluster.encryptionConfig?.map((entry) => ({
        resources: entry.resources ?? [],
        ...optional('keyArn', entry.provider?.keyArn),
      })),
    ),
    ...optional(
      'logging',
      cluster.logging?.clusterLogging?.map((entry) => ({
        types: entry.types ?? [],
        enabled: entry.enabled === true,
      })),
    ),
    ...optional('oidcIssuer', cluster.identity?.oidc?.issuer),
    ...optional('authenticationMode', cluster.accessConfig?.authenticationMode),
    ...optional('deletionProtection', cluster.deletionProtection),
    ...optional('vpcId', vpc?.vpcId || undefined),
    ...optional('clusterSecurityGroupId', vpc?.clusterSecurityGroupId || undefined),
    ...optional('securityGroupIds', vpc?.securityGroupIds),
  };
}
