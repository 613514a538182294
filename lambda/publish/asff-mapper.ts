/**
 * Results to ASFF findings: a pure function of the result, the account's partition, the snapshot
 * of the resource it names, and the clock.
 */
import { createHash } from 'node:crypto';
import { accountResourceId, arnName, arnRegion, type Partition, productArn } from '../model/arn';
import { findingId, GENERATOR_PREFIX, generatorId } from '../model/finding-id';
import type { PublishableResult } from '../model/result';
import {
  type AddonSnapshot,
  type ClusterSnapshot,
  type DetectorSnapshot,
  type NodegroupSnapshot,
  type Readout,
  type RoleSnapshot,
  type ScanSnapshot,
  secretsEncryptionOf,
  securityGroupsOf,
} from '../model/snapshot';
import { SCANNER_VERSION } from '../scanner-version';
import { type AsffFinding, MAX_RELATED_FINDINGS, SCHEMA_VERSION } from './asff-schema';

export const FINDING_TYPES = ['Software and Configuration Checks/AWS Security Best Practices'];

/**
 * The finding type of an accepted (muted) risk, naming the mutelist's reason. Security Hub insights
 * can group by type and automation rules can match it, while neither can group by or match product
 * fields; the type stays in the finding's own category.
 */
export const ACCEPTED_RISK_TYPE_PREFIX = `${FINDING_TYPES[0]}/Accepted risk: `;
/** ASFF types are namespace/category/classifier: a slash in the reason would add a level. */
const TYPE_LENGTH = 256;

export function acceptedRiskType(reason: string): string {
  const classifier = reason.replaceAll('/', '-').replace(/\s+/g, ' ').trim();
  return cut(`${ACCEPTED_RISK_TYPE_PREFIX}${classifier}`, TYPE_LENGTH);
}

/** When the finding was first seen, kept from the copy already in Security Hub. */
export interface FirstSeen {
  readonly createdAt: string;
  readonly firstObservedAt: string;
}

type Resource = AsffFinding['Resources'][number];

/** The snapshots a scan read, by ARN, for findings to describe their resources. */
export interface ResourceDescriptions {
  cluster(arn: string): ClusterSnapshot | undefined;
  nodegroup(arn: string): NodegroupSnapshot | undefined;
  addon(arn: string): AddonSnapshot | undefined;
  role(arn: string): RoleSnapshot | undefined;
  /** The GuardDuty detectors read in an account's region. */
  detectors(accountId: string, region: string): Readout<readonly DetectorSnapshot[]> | undefined;
}

export function describeResources(snapshot: ScanSnapshot): ResourceDescriptions {
  const clusters = new Map<string, ClusterSnapshot>();
  const nodegroups = new Map<string, NodegroupSnapshot>();
  const addons = new Map<string, AddonSnapshot>();
  const roles = new Map<string, RoleSnapshot>();
  const detectors = new Map<string, Readout<readonly DetectorSnapshot[]>>();
  for (const account of snapshot.accounts) {
    for (const role of account.identity?.roles ?? []) roles.set(role.arn, role);
    for (const region of account.regions)
      detectors.set(`${account.accountId}/${region.region}`, region.threatDetection);
    for (const listed of account.regions.flatMap((r) => r.clusters)) {
      if (!listed.description.known) continue;
      const cluster = listed.description.value;
      clusters.set(cluster.arn, cluster);
      for (const nodegroup of cluster.nodegroups.known ? cluster.nodegroups.value : []) {
        if (nodegroup.description.known)
          nodegroups.set(nodegroup.description.value.arn, nodegroup.description.value);
      }
      for (const addon of cluster.addons.known ? cluster.addons.value : []) {
        if (addon.description.known) addons.set(addon.description.value.arn, addon.description.value);
      }
    }
  }
  return {
    cluster: (arn) => clusters.get(arn),
    nodegroup: (arn) => nodegroups.get(arn),
    addon: (arn) => addons.get(arn),
    role: (arn) => roles.get(arn),
    detectors: (accountId, region) => detectors.get(`${accountId}/${region}`),
  };
}

/** Product field that marks a FAILED finding as new or worse than before; the alert rule matches it. */
export const NEW_OR_WORSE_FIELD = `${GENERATOR_PREFIX}NewOrWorse`;
/** Product fields of a muted result: the reason (the alert rule excludes findings that have it), owner, last day. */
export const MUTED_FIELD = `${GENERATOR_PREFIX}Muted`;
export const MUTED_BY_FIELD = `${GENERATOR_PREFIX}MutedBy`;
export const MUTED_UNTIL_FIELD = `${GENERATOR_PREFIX}MutedUntil`;
/**
 * Product field holding a digest of what the finding says (everything sent but the timestamps, the
 * customer's members and the NewOrWorse mark): the lifecycle compares it with the stored copy's to
 * leave an unchanged finding alone until its refresh is due.
 */
/** Product fields of IRSA and Pod Identity findings: who may assume the role, and what it may do, to filter on apart. */
export const TRUST_GRADE_FIELD = `${GENERATOR_PREFIX}TrustGrade`;
export const PERMISSION_TIER_FIELD = `${GENERATOR_PREFIX}PermissionTier`;
export const CONTENT_DIGEST_FIELD = `${GENERATOR_PREFIX}ContentDigest`;

export interface FindingOptions {
  /** The partition of the result's account, decided once when the account was resolved. */
  readonly partition: Partition;
  readonly now: Date;
  /** Set when the finding is already in Security Hub: it is then an update, not a new finding. */
  readonly firstSeen?: FirstSeen;
  /** The result is FAILED and was not, or was less severe, when last published. @default result is FAILED */
  readonly newOrWorse?: boolean;
}

/**
 * A new finding carries Severity and Types at the top level as well; an update carries them only in
 * FindingProviderFields, since after creation the top-level ones belong to the customer
 * (BatchUpdateFindings) and Security Hub takes the provider's view from FindingProviderFields.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html
 */
export function toFinding(
  result: PublishableResult,
  descriptions: ResourceDescriptions,
  options: FindingOptions,
): AsffFinding {
  const { partition, firstSeen } = options;
  // An accepted risk is never news: it must not alert.
  const newOrWorse = !result.muted && (options.newOrWorse ?? result.status === 'FAILED');
  const observed = options.now.toISOString();
  const resources: Resource[] = [primaryResource(result, descriptions, partition)];
  if (result.resource.type !== 'AwsEksCluster' && result.clusterArn) {
    resources.push(
      clusterResource(
        result.clusterArn,
        arnName(result.clusterArn),
        descriptions.cluster(result.clusterArn),
        partition,
      ),
    );
  }
  const severity = { Label: result.severity, Original: result.severity };
  const types = result.muted ? [acceptedRiskType(result.muted.reason)] : FINDING_TYPES;
  // After creation RelatedFindings, like Severity, is the customer's (BatchUpdateFindings): the
  // scanner's view goes in FindingProviderFields, and at the top level only on a new finding.
  const related = (result.related ?? []).slice(0, MAX_RELATED_FINDINGS).map((r) => ({
    ProductArn: productArn(partition, r.region, r.accountId),
    Id: findingId(r),
  }));
  const relatedFindings = related.length > 0 ? { RelatedFindings: related } : {};
  const finding: AsffFinding = {
    SchemaVersion: SCHEMA_VERSION,
    Id: findingId(result),
    ProductArn: productArn(partition, result.region, result.accountId),
    GeneratorId: generatorId(result.checkId),
    AwsAccountId: result.accountId,
    Region: result.region,
    ...(firstSeen ? {} : { Types: types }),
    CreatedAt: firstSeen?.createdAt ?? observed,
    FirstObservedAt: firstSeen?.firstObservedAt ?? observed,
    UpdatedAt: observed,
    LastObservedAt: observed,
    ...(firstSeen ? {} : { Severity: severity, ...relatedFindings }),
    FindingProviderFields: { Severity: severity, Types: types, ...relatedFindings },
    Title: cut(result.title, 256),
    Description: cut(result.detail, 1024),
    Remediation: { Recommendation: { Text: cut(result.remediation.text, 512), Url: result.remediation.url } },
    ProductFields: {
      [`${GENERATOR_PREFIX}CheckId`]: result.checkId,
      [`${GENERATOR_PREFIX}ScannerVersion`]: SCANNER_VERSION,
      [`${GENERATOR_PREFIX}ResourceArn`]: cut(result.resource.id, 2048),
      ...(result.clusterArn ? { [`${GENERATOR_PREFIX}ClusterArn`]: result.clusterArn } : {}),
      ...(result.oidcIssuer ? { [`${GENERATOR_PREFIX}OidcIssuer`]: cut(result.oidcIssuer, 2048) } : {}),
      ...(result.trustGrade ? { [TRUST_GRADE_FIELD]: result.trustGrade } : {}),
      ...(result.permissionTier ? { [PERMISSION_TIER_FIELD]: result.permissionTier } : {}),
      ...(result.muted
        ? {
            [MUTED_FIELD]: cut(result.muted.reason, 2048),
            ...(result.muted.owner ? { [MUTED_BY_FIELD]: cut(result.muted.owner, 2048) } : {}),
            ...(result.muted.expires ? { [MUTED_UNTIL_FIELD]: result.muted.expires } : {}),
          }
        : {}),
      [NEW_OR_WORSE_FIELD]: String(newOrWorse),
    },
    Compliance: { Status: result.status },
    RecordState: 'ACTIVE',
    // No Workflow, even for a finding created muted: after creation Workflow is the people's
    // (BatchUpdateFindings), so one born SUPPRESSED would stay so when its acceptance ends, and could
    // not alert again. A muted finding is marked by its product fields alone, which the alert rule
    // excludes; the scanner does not call BatchUpdateFindings.
    Resources: resources,
  };
  const productFields = finding.ProductFields ?? {};
  return { ...finding, ProductFields: { ...productFields, [CONTENT_DIGEST_FIELD]: contentDigest(finding) } };
}

/** Members that change without the finding's content changing, or that are not the provider's to compare. */
const NOT_CONTENT = new Set([
  'CreatedAt',
  'FirstObservedAt',
  'UpdatedAt',
  'LastObservedAt',
  'Severity',
  'Types',
  'RelatedFindings',
  'Workflow',
]);

/** SHA-256 over the canonical JSON (keys sorted) of what the finding says, its NewOrWorse mark and digest aside. */
export function contentDigest(finding: AsffFinding): string {
  const content = Object.fromEntries(
    Object.entries(finding)
      .filter(([key]) => !NOT_CONTENT.has(key))
      .map(([key, value]) =>
        key === 'ProductFields'
          ? [
              key,
              Object.fromEntries(
                Object.entries(value as Record<string, string>).filter(
                  ([field]) => field !== NEW_OR_WORSE_FIELD && field !== CONTENT_DIGEST_FIELD,
                ),
              ),
            ]
          : [key, value],
      ),
  );
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function primaryResource(
  result: PublishableResult,
  descriptions: ResourceDescriptions,
  partition: Partition,
): Resource {
  const { id, name, type } = result.resource;
  switch (type) {
    case 'AwsEksCluster':
      return clusterResource(id, name, descriptions.cluster(id), partition);
    case 'AwsEksNodegroup':
      return nodegroupResource(id, name, descriptions.nodegroup(id), partition);
    case 'AwsEksAddon':
      return addonResource(id, name, descriptions.addon(id), partition);
    case 'AwsIamRole':
      return roleResource(result, descriptions.role(id), partition);
    case 'AwsIamOidcProvider':
      // ASFF has no OIDC provider type; IAM is global, so the resource names no region.
      return { Type: 'Other', Id: id, Partition: partition, Details: { Other: { issuer: cut(name, 1024) } } };
    case 'AwsAccount':
      return accountResource(result, descriptions.detectors(result.accountId, result.region), partition);
  }
}

/** ASFF has no add-on type: `Other`, with what the checks read in `Details.Other`. */
function addonResource(
  arn: string,
  name: string,
  addon: AddonSnapshot | undefined,
  partition: Partition,
): Resource {
  const other: Record<string, string> = { addonName: addon?.name ?? name.split('/').pop() ?? name };
  if (addon) {
    other.clusterName = addon.clusterName;
    if (addon.version) other.addonVersion = addon.version;
    if (addon.status) other.status = addon.status;
    if (addon.offer.known && addon.offer.value.defaultVersion) {
      other.defaultVersion = addon.offer.value.defaultVersion;
    }
    if (addon.healthIssues.length > 0) {
      other.healthIssues = cut(addon.healthIssues.map((i) => i.code ?? 'issue').join(','), 1024);
    }
  }
  const region = arnRegion(arn);
  return {
    Type: 'Other',
    Id: arn,
    Partition: partition,
    ...(region ? { Region: region } : {}),
    Details: { Other: other },
  };
}

/** The account (Security Hub's own `AwsAccount` resource), in the region judged, with its detectors there. */
function accountResource(
  result: PublishableResult,
  detectors: Readout<readonly DetectorSnapshot[]> | undefined,
  partition: Partition,
): Resource {
  const other: Record<string, string> = { region: result.region };
  if (detectors?.known) {
    other.detectorIds = cut(detectors.value.map((d) => d.id).join(',') || 'none', 1024);
    for (const detector of detectors.value.slice(0, 5)) {
      if (detector.status) other[`${detector.id.slice(0, 100)}.status`] = detector.status;
      const on = detector.features.filter((f) => f.status === 'ENABLED').map((f) => f.name);
      other[`${detector.id.slice(0, 100)}.enabledFeatures`] = cut(on.join(',') || 'none', 1024);
    }
  }
  return {
    Type: 'AwsAccount',
    Id: accountResourceId(result.accountId),
    Partition: partition,
    Region: result.region,
    Details: { Other: other },
  };
}

/** ASFF has no node group type: `Other`, with what the checks read in `Details.Other`. */
function nodegroupResource(
  arn: string,
  name: string,
  nodegroup: NodegroupSnapshot | undefined,
  partition: Partition,
): Resource {
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
  const region = arnRegion(arn);
  return {
    Type: 'Other',
    Id: arn,
    Partition: partition,
    ...(region ? { Region: region } : {}),
    Details: { Other: other },
  };
}

function clusterResource(
  arn: string,
  name: string,
  cluster: ClusterSnapshot | undefined,
  partition: Partition,
): Resource {
  const region = arnRegion(arn);
  const other: Record<string, string> = {};
  if (cluster?.endpointAccess) {
    other.endpointPrivateAccess = String(cluster.endpointAccess.privateAccess);
    if (cluster.endpointAccess.publicAccessCidrs) {
      other.publicAccessCidrs = cut(cluster.endpointAccess.publicAccessCidrs.join(','), 1024);
    }
  }
  const secretsKey = cluster ? secretsEncryptionOf(cluster)?.keyArn : undefined;
  if (secretsKey) other.secretsKeyArn = secretsKey;
  if (cluster?.oidcIssuer) other.oidcIssuer = cut(cluster.oidcIssuer, 1024);
  const groups = cluster ? securityGroupsOf(cluster) : [];
  return {
    Type: 'AwsEksCluster',
    Id: arn,
    Partition: partition,
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

function roleResource(
  result: PublishableResult,
  role: RoleSnapshot | undefined,
  partition: Partition,
): Resource {
  return {
    Type: 'AwsIamRole',
    Id: result.resource.id,
    Partition: partition,
    Details: {
      AwsIamRole: {
        RoleName: role?.name ?? result.resource.name,
        ...(role
          ? {
              AssumeRolePolicyDocument: role.trustDocument.known
                ? role.trustDocument.value
                : role.trustPolicy,
            }
          : {}),
        ...(role?.roleId ? { RoleId: role.roleId } : {}),
        ...(role?.path ? { Path: role.path } : {}),
        ...(role?.createDate ? { CreateDate: role.createDate.toISOString() } : {}),
        ...(role?.maxSessionDuration ? { MaxSessionDuration: role.maxSessionDuration } : {}),
      },
    },
  };
}

/** Cuts text to an ASFF length limit, marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
