/**
 * Runs the registry over snapshots. A check that throws yields NOT_AVAILABLE with the reason, never
 * a PASSED, and never stops the other checks or resources.
 */

import { compareText } from '../model/order';
import type { CheckResult, Outcome } from '../model/result';
import { notAvailable } from '../model/result';
import type {
  ClusterSnapshot,
  NodegroupSnapshot,
  RoleSnapshot,
  UndescribedCluster,
  UndescribedNodegroup,
} from '../model/snapshot';
import type { Check, CheckContext, CheckMetadata, ClusterCheck, NodegroupCheck, RoleCheck } from './types';

export interface CheckInput {
  readonly clusters: readonly ClusterSnapshot[];
  readonly undescribed: readonly UndescribedCluster[];
  readonly nodegroups: readonly NodegroupSnapshot[];
  readonly undescribedNodegroups: readonly UndescribedNodegroup[];
  readonly roles: readonly RoleSnapshot[];
}

export function runChecks(checks: readonly Check[], input: CheckInput, context: CheckContext): CheckResult[] {
  const results: CheckResult[] = [];
  const clusterChecks = checks.filter((c): c is ClusterCheck => c.metadata.resourceType === 'AwsEksCluster');
  const roleChecks = checks.filter((c): c is RoleCheck => c.metadata.resourceType === 'AwsIamRole');
  const nodegroupChecks = checks.filter(
    (c): c is NodegroupCheck => c.metadata.resourceType === 'AwsEksNodegroup',
  );

  for (const cluster of input.clusters) {
    for (const check of clusterChecks) {
      const outcome = guarded(check.metadata, () => check.evaluate(cluster, context));
      results.push(clusterResult(check.metadata, cluster, outcome));
    }
  }
  for (const cluster of input.undescribed) {
    for (const check of clusterChecks) {
      results.push(
        clusterResult(
          check.metadata,
          cluster,
          notAvailable(`The cluster could not be described: ${cluster.reason}`),
        ),
      );
    }
  }
  for (const nodegroup of input.nodegroups) {
    for (const check of nodegroupChecks) {
      const outcome = guarded(check.metadata, () => check.evaluate(nodegroup, context));
      results.push(nodegroupResult(check.metadata, nodegroup, outcome));
    }
  }
  for (const nodegroup of input.undescribedNodegroups) {
    for (const check of nodegroupChecks) {
      results.push(
        nodegroupResult(
          check.metadata,
          nodegroup,
          notAvailable(`The node group could not be described: ${nodegroup.reason}`),
        ),
      );
    }
  }
  for (const role of input.roles) {
    for (const check of roleChecks) {
      const outcome = guarded(check.metadata, () => check.evaluate(role, context));
      if (outcome === undefined) continue;
      results.push({
        ...base(check.metadata, outcome),
        accountId: role.accountId,
        region: outcome.region ?? context.homeRegion(role.accountId),
        resource: { type: 'AwsIamRole', id: role.arn, name: role.name },
      });
    }
  }
  return results.sort(compareResults);
}

function guarded<T extends Outcome | undefined>(metadata: CheckMetadata, evaluate: () => T): T | Outcome {
  try {
    return evaluate();
  } catch (error) {
    return notAvailable(`Check ${metadata.id} failed on this resource: ${(error as Error).message}`);
  }
}

function clusterResult(
  metadata: CheckMetadata,
  cluster: Pick<ClusterSnapshot, 'accountId' | 'region' | 'arn' | 'name'>,
  outcome: Outcome,
): CheckResult {
  return {
    ...base(metadata, outcome),
    accountId: cluster.accountId,
    region: cluster.region,
    resource: { type: 'AwsEksCluster', id: cluster.arn, name: cluster.name },
    clusterArn: cluster.arn,
  };
}

function nodegroupResult(
  metadata: CheckMetadata,
  nodegroup: Pick<NodegroupSnapshot, 'accountId' | 'region' | 'arn' | 'name' | 'clusterName' | 'clusterArn'>,
  outcome: Outcome,
): CheckResult {
  return {
    ...base(metadata, outcome),
    accountId: nodegroup.accountId,
    region: nodegroup.region,
    resource: {
      type: 'AwsEksNodegroup',
      id: nodegroup.arn,
      name: `${nodegroup.clusterName}/${nodegroup.name}`,
    },
    clusterArn: nodegroup.clusterArn,
  };
}

function base(metadata: CheckMetadata, outcome: Outcome) {
  return {
    checkId: metadata.id,
    status: outcome.status,
    severity: outcome.severity,
    title: metadata.title,
    detail: outcome.detail,
    remediation: metadata.remediation,
    ...(outcome.clusterArn === undefined ? {} : { clusterArn: outcome.clusterArn }),
  };
}

export function compareResults(a: CheckResult, b: CheckResult): number {
  return (
    compareText(a.accountId, b.accountId) ||
    compareText(a.region, b.region) ||
    compareText(a.resource.id, b.resource.id) ||
    compareText(a.checkId, b.checkId)
  );
}
