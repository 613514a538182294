/** Result, description and coverage factories for publisher tests. */

import { CHECKS } from '../../lambda/checks/registry';
import type { Partition } from '../../lambda/model/arn';
import type { ScopeCoverage } from '../../lambda/model/coverage';
import {
  type CheckResult,
  isPublishable,
  type PublishableResult,
  type ResourceType,
} from '../../lambda/model/result';
import type {
  AddonSnapshot,
  ClusterSnapshot,
  DetectorSnapshot,
  NodegroupSnapshot,
  Readout,
  RoleSnapshot,
} from '../../lambda/model/snapshot';
import {
  describeResources,
  type FirstSeen,
  type ResourceDescriptions,
  toFinding,
} from '../../lambda/publish/asff-mapper';
import type { AsffFinding } from '../../lambda/publish/asff-schema';
import { ACCOUNT, aCluster, aRole, aScan, REGION } from './factories';

export const CLUSTER = aCluster();
export const ROLE = aRole(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/x' },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
    ],
  },
  'app-role',
);

export function aClusterResult(overrides: Partial<PublishableResult> = {}): PublishableResult {
  return {
    checkId: 'endpoint-public-access',
    status: 'FAILED',
    severity: 'HIGH',
    accountId: ACCOUNT,
    region: REGION,
    resource: { type: 'AwsEksCluster', id: CLUSTER.arn, name: CLUSTER.name },
    clusterArn: CLUSTER.arn,
    title: 'EKS API server endpoint is not reachable from the internet',
    detail: 'The public endpoint admits every IPv4 address (allowed CIDRs: 0.0.0.0/0).',
    remediation: {
      text: 'Turn off public access.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    },
    ...overrides,
  };
}

export function aRoleResult(overrides: Partial<PublishableResult> = {}): PublishableResult {
  return {
    checkId: 'irsa-trust-policy',
    status: 'FAILED',
    severity: 'CRITICAL',
    accountId: ACCOUNT,
    region: REGION,
    resource: { type: 'AwsIamRole', id: ROLE.arn, name: ROLE.name },
    clusterArn: CLUSTER.arn,
    title: 'IAM role trusted by an EKS OIDC provider is limited to named service accounts',
    detail: '[CRITICAL] statement 1: no condition restricts :sub',
    remediation: {
      text: 'Pin :sub.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html',
    },
    ...overrides,
  };
}

/** What the scan read of the results' resources: the cluster and the role. */
export const DESCRIPTIONS: ResourceDescriptions = describeResources(
  aScan({ clusters: [CLUSTER], roles: [ROLE] }),
);

/** Descriptions of exactly these resources (none by default). */
export function describedWith(resources: {
  clusters?: readonly ClusterSnapshot[];
  nodegroups?: readonly NodegroupSnapshot[];
  addons?: readonly AddonSnapshot[];
  roles?: readonly RoleSnapshot[];
  /** Detectors by `<account>/<region>`. */
  detectors?: Readonly<Record<string, Readout<readonly DetectorSnapshot[]>>>;
}): ResourceDescriptions {
  const clusters = new Map((resources.clusters ?? []).map((c) => [c.arn, c]));
  const nodegroups = new Map((resources.nodegroups ?? []).map((n) => [n.arn, n]));
  const addons = new Map((resources.addons ?? []).map((a) => [a.arn, a]));
  const roles = new Map((resources.roles ?? []).map((r) => [r.arn, r]));
  return {
    cluster: (arn) => clusters.get(arn),
    nodegroup: (arn) => nodegroups.get(arn),
    addon: (arn) => addons.get(arn),
    role: (arn) => roles.get(arn),
    detectors: (accountId, region) => resources.detectors?.[`${accountId}/${region}`],
  };
}

/** The finding a result maps to, for the factories' account in the `aws` partition unless told otherwise. */
export function mapFinding(
  result: CheckResult,
  now: Date,
  options: {
    descriptions?: ResourceDescriptions;
    partition?: Partition;
    firstSeen?: FirstSeen;
    newOrWorse?: boolean;
  } = {},
): AsffFinding {
  if (!isPublishable(result)) throw new Error('a result without a resource ARN has no finding');
  return toFinding(result, options.descriptions ?? DESCRIPTIONS, {
    partition: options.partition ?? 'aws',
    now,
    ...(options.firstSeen ? { firstSeen: options.firstSeen } : {}),
    ...(options.newOrWorse === undefined ? {} : { newOrWorse: options.newOrWorse }),
  });
}

export const ALL_CHECKS = CHECKS.map((c) => c.metadata.id);

/** The coverage of the factories' account and region: these checks completed, nothing unsettled unless told. */
export function aScope(
  completedChecks: readonly string[] = ALL_CHECKS,
  overrides: Partial<ScopeCoverage> = {},
): ScopeCoverage {
  return {
    accountId: ACCOUNT,
    region: REGION,
    partition: 'aws',
    completedChecks,
    skippedChecks: ALL_CHECKS.filter((id) => !completedChecks.includes(id)).map((checkId) => ({
      checkId,
      reason: 'not completed in this test',
    })),
    unsettled: [],
    ...overrides,
  };
}

/** How many checks of the registry judge one kind of resource: the results each such resource gets. */
export function checksPer(type: ResourceType): number {
  return CHECKS.filter((c) => c.metadata.resourceType === type).length;
}
