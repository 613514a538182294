/** Result and inventory factories for publisher tests. */

import { CHECKS } from '../../lambda/checks/registry';
import type { CheckResult, ResourceType } from '../../lambda/model/result';
import type { Inventory } from '../../lambda/scan/scan';
import { ACCOUNT, aCluster, aRole, REGION } from './factories';

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

export function aClusterResult(overrides: Partial<CheckResult> = {}): CheckResult {
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

export function aRoleResult(overrides: Partial<CheckResult> = {}): CheckResult {
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

export const INVENTORY: Inventory = {
  clusters: new Map([[CLUSTER.arn, CLUSTER]]),
  roles: new Map([[ROLE.arn, ROLE]]),
  partitions: new Map([[ACCOUNT, 'aws']]),
  undescribedScopes: new Set(),
  nodegroups: new Map(),
  unsettledNodegroupArns: [],
};

/** How many checks of the registry judge one kind of resource: the results each such resource gets. */
export function checksPer(type: ResourceType): number {
  return CHECKS.filter((c) => c.metadata.resourceType === type).length;
}
