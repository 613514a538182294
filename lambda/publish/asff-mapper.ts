/** Results to ASFF findings: a pure function of the result, the resource it names, and the clock. */
import type { CheckResult } from '../model/result';
import {
  type ClusterSnapshot,
  type NodegroupSnapshot,
  type RoleSnapshot,
  securityGroupsOf,
} from '../model/snapshot';
import { decodePolicyDocument } from '../policy/trust-document';
import type { Inventory } from '../scan/scan';
import { SCANNER_VERSION } from '../scanner-version';
import { type AsffFinding, SCHEMA_VERSION } from './asff-schema';
import { findingId, GENERATOR_PREFIX, generatorId } from './finding-id';

export const FINDING_TYPES = ['Software and Configuration Checks/AWS Security Best Practices'];

/** When the finding was first seen, kept from the copy already in Security Hub. */
export interface FirstSeen {
  readonly createdAt: string;
  readonly firstObservedAt: string;
}

type Resource = AsffFinding['Resources'][number];

export function partitionOf(arn: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  const partition = arn.split(':')[1];
  return partition === 'aws-cn' || partition === 'aws-us-gov' ? partition : 'aws';
}

export function productArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** Product field that marks a FAILED finding as new or worse than before; the alert rule matches it. */
export const NEW_OR_WORSE_FIELD = `${GENERATOR_PREFIX}NewOrWorse`;

/**
 * @param newOrWorse the result is FAILED and was not, or was less severe, when last published
 */
export function toFinding(
  result: CheckResult,
  inventory: Inventory,
  now: Date,
  firstSeen?: FirstSeen,
  newOrWorse = result.status === 'FAILED',
): AsffFinding {
  const partition = partitionOf(result.resource.id);
  const observed = now.toISOString();
  const resources: Resource[] = [primaryResource(result, inventory)];
  if (result.resource.type !== 'AwsEksCluster' && result.clusterArn) {
    resources.push(
      clusterResource(
        result.clusterArn,
        result.clusterArn.split('/').pop() ?? '',
        inventory.clusters.get(result.clusterArn),
      ),
    );
  }
  const severity = { Label: result.severity, Original: result.severity };
  return {
    SchemaVersion: SCHEMA_VERSION,
    Id: findingId(result),
    ProductArn: productArn(partition, result.region, result.accountId),
    GeneratorId: generatorId(result.checkId),
    AwsAccountId: result.accountId,
    Region: result.region,
    Types: FINDING_TYPES,
    CreatedAt: firstSeen?.createdAt ?? observed,
    FirstObservedAt: firstSeen?.firstObservedAt ?? observed,
    UpdatedAt: observed,
    LastObservedAt: observed,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: FINDING_TYPES },
    Title: cut(result.title, 256),
    Description: cut(result.detail, 1024),
    Remediation: { Recommendation: { Text: cut(result.remediation.text, 512), Url: result.remediation.url } },
    ProductFields: {
      [`${GENERATOR_PREFIX}CheckId`]: result.checkId,
      [`${GENERATOR_PREFIX}ScannerVersion`]: SCANNER_VERSION,
      [`${GENERATOR_PREFIX}ResourceArn`]: cut(result.resource.id, 2048),
      ...(result.clusterArn ? { [`${GENERATOR_PREFIX}ClusterArn`]: result.clusterArn } : {}),
      [NEW_OR_WORSE_FIELD]: String(newOrWorse),
    },
    Compliance: { Status: result.status },
    RecordState: 'ACTIVE',
    Resources: resources,
  };
}

function primaryResource(result: CheckResult, inventory: Inventory): Resource {
  const { id, name, type } = result.resource;
  switch (type) {
    case 'AwsEksCluster':
      return clusterResource(id, name, inventory.clusters.get(id));
    case 'AwsEksNodegroup':
      return nodegroupResource(id, name, inventory.nodegroups.get(id));
    case 'AwsIamRole':
      return roleResource(result, inventory.roles.get(id));
  }
}

/** ASFF has no node group type: `Other`, with what the checks read in `Details.Other`. */
function nodegroupResource(arn: string, name: string, nodegroup?: NodegroupSnapshot): Resource {
  const other: Record<string, string> = { nodegroupName: nodegroup?.name ?? name.split('/').pop() ?? name };
  if (nodegroup) {
    other.clusterName = nodegroup.clusterName;
    if (nodegroup.status) other.status = nodegroup.status;
    if (nodegroup.subnets) other.subnets = cut(nodegroup.subnets.join(','), 1024);
    if (nodegroup.remoteAccess?.ec2SshKey) other.ec2SshKey = cut(nodegroup.remoteAccess.ec2SshKey, 1024);
    if (nodegroup.remoteAccess?.sourceSecurityGroups.length) {
      other.sourceSecurityGroups = cut(nodegroup.remoteAccess.sourceSecurityGroups.join(','), 1024);
    }
    if (nodegroup.launchTemplate) other.launchTemplate = cut(nodegroup.launchTemplate, 1024);
  }
  const region = arn.split(':')[3];
  return {
    Type: 'Other',
    Id: arn,
    Partition: partitionOf(arn),
    ...(region ? { Region: region } : {}),
    Details: { Other: other },
  };
}

function clusterResource(arn: string, name: string, cluster?: ClusterSnapshot): Resource {
  const region = arn.split(':')[3];
  const other: Record<string, string> = {};
  if (cluster?.endpointAccess) {
    other.endpointPrivateAccess = String(cluster.endpointAccess.privateAccess);
    if (cluster.endpointAccess.publicAccessCidrs) {
      other.publicAccessCidrs = cut(cluster.endpointAccess.publicAccessCidrs.join(','), 1024);
    }
  }
  const secretsKey = cluster?.encryptionConfig?.find((e) => e.resources.includes('secrets'))?.keyArn;
  if (secretsKey) other.secretsKeyArn = secretsKey;
  if (cluster?.oidcIssuer) other.oidcIssuer = cut(cluster.oidcIssuer, 1024);
  const groups = cluster ? securityGroupsOf(cluster) : [];
  return {
    Type: 'AwsEksCluster',
    Id: arn,
    Partition: partitionOf(arn),
    ...(region ? { Region: region } : {}),
    Details: {
      AwsEksCluster: {
        Arn: arn,
        Name: cluster?.name ?? name,
        ...(cluster?.version ? { Version: cluster.version } : {}),
        ...(cluster?.status ? { ClusterStatus: cluster.status } : {}),
        ...(cluster?.roleArn ? { RoleArn: cluster.roleArn } : {}),
        ...(cluster?.endpointAccess || groups.length > 0
          ? {
              ResourcesVpcConfig: {
                ...(cluster?.endpointAccess
                  ? { EndpointPublicAccess: cluster.endpointAccess.publicAccess }
                  : {}),
                ...(groups.length > 0 ? { SecurityGroupIds: groups } : {}),
              },
            }
          : {}),
        ...(cluster?.logging
          ? {
              Logging: {
                ClusterLogging: cluster.logging.map((l) => ({ Enabled: l.enabled, Types: [...l.types] })),
              },
            }
          : {}),
      },
      ...(Object.keys(other).length > 0 ? { Other: other } : {}),
    },
  };
}

function roleResource(result: CheckResult, role?: RoleSnapshot): Resource {
  return {
    Type: 'AwsIamRole',
    Id: result.resource.id,
    Partition: partitionOf(result.resource.id),
    Details: {
      AwsIamRole: {
        RoleName: role?.name ?? result.resource.name,
        ...(role ? { AssumeRolePolicyDocument: readableDocument(role.trustPolicy) } : {}),
        ...(role?.roleId ? { RoleId: role.roleId } : {}),
        ...(role?.path ? { Path: role.path } : {}),
        ...(role?.createDate ? { CreateDate: role.createDate.toISOString() } : {}),
        ...(role?.maxSessionDuration ? { MaxSessionDuration: role.maxSessionDuration } : {}),
      },
    },
  };
}

function readableDocument(document: string): string {
  try {
    return decodePolicyDocument(document);
  } catch {
    return document;
  }
}

/** Cuts text to an ASFF length limit, marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
