/**
 * What a role trust policy lets EKS Pod Identity do. Pod Identity assumes roles as the service
 * principal `pods.eks.amazonaws.com`, with `aws:SourceAccount` and `aws:SourceArn` (the cluster) in
 * the request context and session tags naming the cluster, namespace and service account. Without
 * a condition on them, any Pod Identity association in the account can use the role.
 *
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
 */
import { type ConditionClause, coversAction, type ParsedTrustPolicy, type Statement } from './trust-document';

export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
const ASSUME_ROLE = 'sts:AssumeRole';

const SOURCE_ACCOUNT = 'aws:sourceaccount';
const SOURCE_ARN = 'aws:sourcearn';
const TAG = {
  clusterArn: 'aws:requesttag/eks-cluster-arn',
  clusterName: 'aws:requesttag/eks-cluster-name',
  namespace: 'aws:requesttag/kubernetes-namespace',
  serviceAccount: 'aws:requesttag/kubernetes-service-account',
} as const;

export interface PodIdentityGrant {
  readonly statement: number;
  /** How the grant is limited, when it is. */
  readonly limitedBy?: string;
  /** Why it is not, when it is not. */
  readonly gap?: string;
}

export interface PodIdentityTrustAnalysis {
  readonly applies: boolean;
  readonly grants: readonly PodIdentityGrant[];
  /** Statements naming Pod Identity that cannot be judged (IAM would have refused them). */
  readonly unjudged: readonly string[];
}

export function analysePodIdentityTrust(policy: ParsedTrustPolicy): PodIdentityTrustAnalysis {
  // A Deny for every principal covers the Pod Identity service too.
  const denies = policy.statements.filter(
    (s) => s.effect === 'Deny' && (admitsPodIdentity(s) || (isEveryone(s) && coversAction(s, ASSUME_ROLE))),
  );
  const narrowing = denyNarrowing(denies);
  const grants = policy.statements
    .filter((s) => s.effect === 'Allow' && admitsPodIdentity(s))
    .map((statement) => judge(statement, [...statement.conditions, ...narrowing]));
  const unjudged = policy.malformed
    .filter((m) => m.source.toLowerCase().includes(POD_IDENTITY_SERVICE))
    .map((m) => `statement ${m.index} cannot be judged: ${m.reason}`);
  return { applies: grants.length > 0 || unjudged.length > 0, grants, unjudged };
}

function isEveryone(statement: Statement): boolean {
  return statement.principal.kind === 'any' || statement.principal.aws.includes('*');
}

/** A statement naming the Pod Identity service principal for sts:AssumeRole. */
function admitsPodIdentity(statement: Statement): boolean {
  const principal = statement.principal;
  if (principal.kind !== 'listed') return false;
  if (!principal.service.some((s) => s.toLowerCase() === POD_IDENTITY_SERVICE)) return false;
  return coversAction(statement, ASSUME_ROLE);
}

const NEGATED: Readonly<Record<string, ConditionClause['base']>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/**
 * A Deny whose only condition is a negated operator on one key denies every request outside its
 * list: for that key it limits the grants like the positive operator. Other Denies are left out;
 * they can only narrow further.
 */
function denyNarrowing(denies: readonly Statement[]): ConditionClause[] {
  return denies.flatMap((deny) => {
    const [only] = deny.conditions;
    const positive = only && deny.conditions.length === 1 ? NEGATED[only.base] : undefined;
    if (!only || !positive || only.ifExists || only.qualifier !== undefined) return [];
    return [{ ...only, base: positive, operator: `${only.operator} (Deny statement ${deny.index})` }];
  });
}

function judge(statement: Statement, clauses: readonly ConditionClause[]): PodIdentityGrant {
  const pinned = (key: string) => clauses.some((clause) => pins(clause, key));
  const byCluster = pinned(SOURCE_ACCOUNT) && pinned(SOURCE_ARN);
  const byTags =
    (pinned(TAG.clusterArn) || pinned(TAG.clusterName)) &&
    pinned(TAG.namespace) &&
    pinned(TAG.serviceAccount);
  if (byTags) {
    return {
      statement: statement.index,
      limitedBy: 'the eks-cluster, kubernetes-namespace and kubernetes-service-account request tags',
    };
  }
  if (byCluster) return { statement: statement.index, limitedBy: 'aws:SourceAccount and aws:SourceArn' };
  const missing = [
    ...(pinned(SOURCE_ACCOUNT) ? [] : ['aws:SourceAccount']),
    ...(pinned(SOURCE_ARN) ? [] : ['aws:SourceArn']),
  ];
  const tags = [
    ...(pinned(TAG.clusterArn) || pinned(TAG.clusterName) ? [] : ['eks-cluster-arn or eks-cluster-name']),
    ...(pinned(TAG.namespace) ? [] : ['kubernetes-namespace']),
    ...(pinned(TAG.serviceAccount) ? [] : ['kubernetes-service-account']),
  ];
  return {
    statement: statement.index,
    gap: `statement ${statement.index} trusts ${POD_IDENTITY_SERVICE} without limiting ${missing.join(' and ')}, nor the request tags ${tags.join(', ')}`,
  };
}

/**
 * Whether a clause limits a key to named values: a positive string or ARN operator that fails when
 * the key is absent, with no value that matches everything (for cluster ARNs: every cluster).
 */
function pins(clause: ConditionClause, key: string): boolean {
  if (clause.key.toLowerCase() !== key) return false;
  if (clause.ifExists || clause.qualifier === 'ForAllValues') return false;
  const like = clause.base === 'StringLike' || clause.base === 'ArnLike';
  const positive = like || ['StringEquals', 'StringEqualsIgnoreCase', 'ArnEquals'].includes(clause.base);
  if (!positive || clause.values.length === 0) return false;
  return clause.values.every((value) => {
    // A cluster ARN pattern must name clusters, not match every cluster.
    const name =
      key === SOURCE_ARN || key === TAG.clusterArn ? (/:cluster\/(.*)$/.exec(value)?.[1] ?? '') : value;
    return name !== '' && !(like && /^[*?]*$/.test(name));
  });
}
