import { DescribeClusterCommand, type EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import * as z from 'zod';
import { describeAwsError, TargetError } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { ClusterSnapshot } from '../model/snapshot';

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
  tags: z.record(z.string(), z.string()).optional(),
});

/** What DescribeCluster says of a cluster; the reads that follow it complete the snapshot. */
export type ClusterDescription = Omit<
  ClusterSnapshot,
  'accessEntries' | 'nodegroups' | 'podIdentityAssociations'
>;

export interface RegionTarget {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

/** Every cluster name of one account and region. A failed listing fails the target. */
export async function listClusterNames(eks: EKSClient, target: RegionTarget): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const page of paginateListClusters({ client: eks, pageSize: 100 }, {})) {
      names.push(...(page.clusters ?? []));
    }
  } catch (error) {
    throw new TargetError(target.accountId, target.region, 'eks:ListClusters', error);
  }
  return names;
}

/** One cluster's description, or why it could not be had (deleted meanwhile, denied, invalid). */
export async function describeCluster(
  eks: EKSClient,
  target: RegionTarget,
  name: string,
): Promise<Readout<ClusterDescription>> {
  let answer: unknown;
  try {
    answer = (await eks.send(new DescribeClusterCommand({ name }))).cluster;
  } catch (error) {
    return unknown(`eks:DescribeCluster failed: ${describeAwsError(error)}`);
  }
  const parsed = ClusterShape.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return unknown(
      `eks:DescribeCluster returned an invalid cluster (${issue?.path.join('.') || 'cluster'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return known(toDescription(parsed.data, target));
}

function toDescription(cluster: z.infer<typeof ClusterShape>, target: RegionTarget): ClusterDescription {
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
    ...optional('tags', cluster.tags),
  };
}
