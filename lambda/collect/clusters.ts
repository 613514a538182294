import { DescribeClusterCommand, type EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import * as z from 'zod/mini';
import '../zod-messages';
import { describeAwsError, TargetError } from '../errors';
import { known, type Readout, unknown } from '../model/readout';
import type { ClusterSnapshot } from '../model/snapshot';

const optionalStrings = () => z.optional(z.array(z.string()));

/** The parts of a DescribeCluster answer the checks read; anything else is ignored, anything missing stays missing. */
const ClusterShape = z.object({
  name: z.string().check(z.minLength(1)),
  arn: z.string().check(z.startsWith('arn:')),
  status: z.optional(z.string()),
  version: z.optional(z.string()),
  platformVersion: z.optional(z.string()),
  roleArn: z.optional(z.string()),
  resourcesVpcConfig: z.optional(
    z.object({
      endpointPublicAccess: z.optional(z.boolean()),
      endpointPrivateAccess: z.optional(z.boolean()),
      publicAccessCidrs: optionalStrings(),
      vpcId: z.optional(z.string()),
      clusterSecurityGroupId: z.optional(z.string()),
      securityGroupIds: optionalStrings(),
    }),
  ),
  encryptionConfig: z.optional(
    z.array(
      z.object({
        resources: optionalStrings(),
        provider: z.optional(z.object({ keyArn: z.optional(z.string()) })),
      }),
    ),
  ),
  logging: z.optional(
    z.object({
      clusterLogging: z.optional(
        z.array(z.object({ types: optionalStrings(), enabled: z.optional(z.boolean()) })),
      ),
    }),
  ),
  identity: z.optional(z.object({ oidc: z.optional(z.object({ issuer: z.optional(z.string()) })) })),
  accessConfig: z.optional(
    z.object({
      authenticationMode: z.optional(z.string()),
      bootstrapClusterCreatorAdminPermissions: z.optional(z.boolean()),
    }),
  ),
  deletionProtection: z.optional(z.boolean()),
  tags: z.optional(z.record(z.string(), z.string())),
});

/** What DescribeCluster says of a cluster; the reads that follow it complete the snapshot. */
export type ClusterDescription = Omit<
  ClusterSnapshot,
  'accessEntries' | 'nodegroups' | 'podIdentityAssociations' | 'addons' | 'upgradeInsights'
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
    ...optional('bootstrapCreatorAdmin', cluster.accessConfig?.bootstrapClusterCreatorAdminPermissions),
    ...optional('deletionProtection', cluster.deletionProtection),
    ...optional('vpcId', vpc?.vpcId || undefined),
    ...optional('clusterSecurityGroupId', vpc?.clusterSecurityGroupId || undefined),
    ...optional('securityGroupIds', vpc?.securityGroupIds),
    ...optional('tags', cluster.tags),
  };
}
