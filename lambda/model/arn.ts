/**
 * ARNs, parsed and built in one place: `arn:<partition>:<service>:<region>:<account>:<resource>`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

export interface Arn {
  readonly partition: string;
  readonly service: string;
  /** Empty for global services (IAM). */
  readonly region: string;
  /** Empty for resources that belong to no account. */
  readonly accountId: string;
  /** Everything after the fifth colon, e.g. `cluster/prod` or `role/app`. */
  readonly resource: string;
}

/**
 * The partitions whose findings Security Hub takes (ASFF `Resources[].Partition` allows these only).
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Resource.html
 */
export const SECURITY_HUB_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof SECURITY_HUB_PARTITIONS)[number];

export function isPartition(text: string): text is Partition {
  return (SECURITY_HUB_PARTITIONS as readonly string[]).includes(text);
}

/** The parts of an ARN, or `undefined` when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  const match = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(text);
  if (!match) return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = match;
  return { partition, service, region, accountId, resource };
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;
}

/** The last path segment of an ARN's resource: a cluster's or role's name. */
export function arnName(text: string): string {
  const resource = parseArn(text)?.resource ?? text;
  return resource.split('/').pop() ?? resource;
}

/** The ARN's region, or `undefined` when it has none or is not an ARN. */
export function arnRegion(text: string): string | undefined {
  return parseArn(text)?.region || undefined;
}

/** The ARN's account, or `undefined` when it has none or is not an ARN. */
export function arnAccount(text: string): string | undefined {
  return parseArn(text)?.accountId || undefined;
}

/** An EKS cluster's ARN: fully determined by its partition, region, account and name. */
export function clusterArn(partition: string, region: string, accountId: string, name: string): string {
  return formatArn({ partition, service: 'eks', region, accountId, resource: `cluster/${name}` });
}

/** An IAM role's ARN from its account and name (a path, when the role has one, is not part of what IAM matches). */
export function roleArn(partition: string, accountId: string, name: string): string {
  return formatArn({ partition, service: 'iam', region: '', accountId, resource: `role/${name}` });
}

/**
 * The default product ARN of an account in a region: with it, only that account may import findings.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-custom-providers.html
 */
export function productArn(partition: string, region: string, accountId: string): string {
  return formatArn({
    partition,
    service: 'securityhub',
    region,
    accountId,
    resource: `product/${accountId}/default`,
  });
}

/**
 * The cluster and node group an EKS node group ARN names
 * (`arn:…:eks:<region>:<account>:nodegroup/<cluster>/<name>/<id>`), with the cluster's ARN.
 */
export function parseNodegroupArn(
  text: string,
): { readonly clusterArn: string; readonly name: string } | undefined {
  return parseClusterPartArn(text, 'nodegroup');
}

/**
 * The cluster and add-on an EKS add-on ARN names
 * (`arn:…:eks:<region>:<account>:addon/<cluster>/<name>/<id>`), with the cluster's ARN.
 */
export function parseAddonArn(
  text: string,
): { readonly clusterArn: string; readonly name: string } | undefined {
  return parseClusterPartArn(text, 'addon');
}

function parseClusterPartArn(
  text: string,
  kind: 'nodegroup' | 'addon',
): { readonly clusterArn: string; readonly name: string } | undefined {
  const arn = parseArn(text);
  if (arn?.service !== 'eks') return undefined;
  const [type, cluster, name, id] = arn.resource.split('/');
  if (type !== kind || !cluster || !name || !id) return undefined;
  return { clusterArn: clusterArn(arn.partition, arn.region, arn.accountId, cluster), name };
}

/** ASFF's Id for an AWS account (`AWS::::Account:<id>`): the resource of account-wide findings. */
export function accountResourceId(accountId: string): string {
  return `AWS::::Account:${accountId}`;
}
