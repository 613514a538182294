/**
 * What a role trust policy lets EKS Pod Identity do. Pod Identity assumes roles as the service
 * principal `pods.eks.amazonaws.com`, with `aws:SourceAccount` and `aws:SourceArn` (the cluster) in
 * the request context and session tags naming the cluster, namespace and service account. Without
 * a condition on them, any Pod Identity association in the account can use the role.
 *
 * No key is taken as always present: an association can turn its session tags off
 * (`disableSessionTags`), and which context keys the service sets is not documented as a contract.
 * A condition that fails without its key makes the key present for the requests it admits, and a
 * request carrying one session tag carries all six.
 *
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_PodIdentityAssociation.html (disableSessionTags)
 */
import {
  clauseTruth,
  type DenyNarrowing,
  hasPolicyVariable,
  holdsOnAbsentKey,
  type KeyKnowledge,
  knowledgeFrom,
  narrowByDenies,
} from './condition-truth';
import { type ConditionClause, coversAction, type ParsedTrustPolicy, type Statement } from './trust-document';

export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
const ASSUME_ROLE = 'sts:AssumeRole';
const TAG_SESSION = 'sts:TagSession';

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
  // Without sts:TagSession, EKS Pod Identity cannot attach its session tags (pod-id-role.html). Any
  // Allow that lets the service tag sessions counts, in its own statement or under a wildcard principal.
  const tags = policy.statements.some(
    (s) => s.effect === 'Allow' && (namesPodIdentity(s) || isEveryone(s)) && coversAction(s, TAG_SESSION),
  );
  const grants = policy.statements
    .filter((s) => s.effect === 'Allow' && admitsPodIdentity(s))
    .map((statement) => {
      const narrowing = denyNarrowing(denies, statement, tags);
      if (narrowing.blockedBy !== undefined) {
        return {
          statement: statement.index,
          limitedBy: `Deny statement ${narrowing.blockedBy}, which refuses it`,
        };
      }
      const clauses = [...statement.conditions, ...narrowing.clauses];
      const never = clauses.find(
        (clause) => clauseTruth(clause, knowledgeOf(clause.key, clauses, tags)) === 'never',
      );
      if (never !== undefined) {
        return {
          statement: statement.index,
          limitedBy: `conditions no request meets (${never.operator} on ${never.key})`,
        };
      }
      return judge(statement, clauses);
    });
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
  return namesPodIdentity(statement) && coversAction(statement, ASSUME_ROLE);
}

/** A statement whose principal names the Pod Identity service. */
function namesPodIdentity(statement: Statement): boolean {
  const principal = statement.principal;
  return (
    principal.kind === 'listed' && principal.service.some((s) => s.toLowerCase() === POD_IDENTITY_SERVICE)
  );
}

/** What the Deny statements do to the requests one Allow admits (see `narrowByDenies`). */
function denyNarrowing(denies: readonly Statement[], allow: Statement, tags: boolean): DenyNarrowing {
  return narrowByDenies(denies, allow.conditions, (key, clauses) => knowledgeOf(key, clauses, tags));
}

const SESSION_TAGS = new Set(
  [
    'eks-cluster-arn',
    'eks-cluster-name',
    'kubernetes-namespace',
    'kubernetes-service-account',
    'kubernetes-pod-name',
    'kubernetes-pod-uid',
  ].map((tag) => `aws:requesttag/${tag}`),
);

function isSessionTag(key: string): boolean {
  return SESSION_TAGS.has(key.toLowerCase());
}

/**
 * EKS Pod Identity attaches its six session tags together or, with `disableSessionTags`, none of
 * them: a request that must carry one carries all.
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
 */
function requiresSessionTags(clauses: readonly ConditionClause[]): boolean {
  return clauses.some((c) => isSessionTag(c.key) && !holdsOnAbsentKey(c));
}

/**
 * What the requests that pass `clauses` carry under `key`; `tags` says whether the trust policy
 * lets Pod Identity tag its sessions at all.
 */
function knowledgeOf(key: string, clauses: readonly ConditionClause[], tags: boolean): KeyKnowledge {
  if (!isSessionTag(key)) return knowledgeFrom(key, clauses, 'unknown');
  if (!tags) return { presence: 'absent' };
  return knowledgeFrom(key, clauses, requiresSessionTags(clauses) ? 'present' : 'unknown');
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
 * `ArnEquals` takes `*` and `?` as wildcards just as `ArnLike` does:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
function pins(clause: ConditionClause, key: string): boolean {
  if (clause.key.toLowerCase() !== key) return false;
  if (clause.ifExists || clause.qualifier === 'ForAllValues') return false;
  const like = clause.base === 'StringLike' || clause.base === 'ArnLike' || clause.base === 'ArnEquals';
  const positive = like || ['StringEquals', 'StringEqualsIgnoreCase'].includes(clause.base);
  if (!positive || clause.values.length === 0) return false;
  // A policy variable becomes a request value: it names nothing in advance.
  if (clause.values.some(hasPolicyVariable)) return false;
  return clause.values.every((value) => {
    // A cluster ARN pattern must name clusters, not match every cluster.
    const name =
      key === SOURCE_ARN || key === TAG.clusterArn ? (/:cluster\/(.*)$/.exec(value)?.[1] ?? '') : value;
    return name !== '' && !(like && /^[*?]*$/.test(name));
  });
}
