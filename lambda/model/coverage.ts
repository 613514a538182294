/**
 * What a scan completed, said once by the scan and read by everything after it: for each account
 * and region, which checks completed there, and which resources were seen but not judged in full.
 * The publisher archives only what coverage says is gone; nothing downstream re-derives it.
 */
import { arnName, type Partition, parseAddonArn, parseNodegroupArn } from './arn';

export interface Coverage {
  /** Every account region that was scanned, sorted by account and region. */
  readonly scopes: readonly ScopeCoverage[];
}

export interface ScopeCoverage {
  readonly accountId: string;
  readonly region: string;
  /** The account's partition, decided once when the account was resolved. */
  readonly partition: Partition;
  /** Checks whose results here are complete: a finding of theirs that no result matches is gone. */
  readonly completedChecks: readonly string[];
  /** Checks that did not complete here, and why: none of their findings here may be touched. */
  readonly skippedChecks: readonly { readonly checkId: string; readonly reason: string }[];
  /** Resources seen but not judged in full: their findings are kept as they are. */
  readonly unsettled: readonly UnsettledResource[];
  /**
   * The region was not listed: discovery proved it holds no cluster (an AWS Config aggregator that
   * collects from it, synchronised recently, with a recorder there recording EKS clusters). Its role
   * checks completed; its cluster checks did not, so no finding of a cluster there is archived.
   */
  readonly provenEmpty?: true;
}

/**
 * A resource, or a set of them, that this scan could not settle: a cluster that could not be
 * described, a node group or add-on that could not be (its ARN is then unknown: only its cluster
 * and name are), or the node groups or add-ons of a cluster that could not be listed (`name` absent).
 */
export type UnsettledResource =
  | { readonly type: 'AwsEksCluster'; readonly arn: string; readonly reason: string }
  | {
      readonly type: 'AwsEksNodegroup' | 'AwsEksAddon';
      readonly clusterArn: string;
      /** Absent when the cluster's node groups (add-ons) could not be listed at all. */
      readonly name?: string;
      readonly reason: string;
    };

/** Whether the resource an ARN names is one that this scan could not settle. */
export function isUnsettled(unsettled: readonly UnsettledResource[], resourceArn: string): boolean {
  return unsettled.some((u) => {
    if (u.type === 'AwsEksCluster') return u.arn === resourceArn;
    const part = u.type === 'AwsEksNodegroup' ? parseNodegroupArn(resourceArn) : parseAddonArn(resourceArn);
    return (
      part !== undefined && part.clusterArn === u.clusterArn && (u.name === undefined || u.name === part.name)
    );
  });
}

/**
 * How reports name an unsettled resource: `cluster a`, `node group a/b`, `the node groups of
 * cluster a`, `add-on a/vpc-cni`, `the add-ons of cluster a`.
 */
export function unsettledName(resource: UnsettledResource): string {
  if (resource.type === 'AwsEksCluster') return `cluster ${arnName(resource.arn)}`;
  const cluster = arnName(resource.clusterArn);
  const [one, many] =
    resource.type === 'AwsEksNodegroup' ? ['node group', 'node groups'] : ['add-on', 'add-ons'];
  return resource.name === undefined
    ? `the ${many} of cluster ${cluster}`
    : `${one} ${cluster}/${resource.name}`;
}
