import { arnName } from '../model/arn';
import { failed, notAvailable, type Outcome, passed, type TrustGrade } from '../model/result';
import type { RoleSnapshot } from '../model/snapshot';
import { analysePodIdentityTrust, POD_IDENTITY_SERVICE } from '../policy/pod-identity-trust';
import { describePermissions, roleVerdict, TIER_TEXT } from '../policy/role-severity';
import type { CheckContext, PodIdentityUse, RoleCheck } from './types';

export const podIdentityTrustPolicy = {
  metadata: {
    id: 'pod-identity-trust-policy',
    title: 'IAM role trusted by EKS Pod Identity is limited to a cluster or service account',
    resourceType: 'AwsIamRole',
    severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'],
    severityRules:
      'Applies to every role whose trust policy lets pods.eks.amazonaws.com call sts:AssumeRole. PASSED when every such statement limits the request, with positive conditions that fail on an absent key and no match-all value, either by aws:SourceAccount and aws:SourceArn (the cluster ARN) or by the request tags eks-cluster-arn (or eks-cluster-name), kubernetes-namespace and kubernetes-service-account; a Deny counts as a limit on a key when its other conditions hold for every request the statement admits and the open one is a negated string or ARN operator on that key (IfExists and ForAllValues forms included; ForAnyValue only where the key is sure to be present). ArnEquals takes wildcards as ArnLike does, so arn:aws:eks:*:*:cluster/* limits nothing. A statement a Deny always refuses, or whose conditions no request meets, passes. Otherwise any Pod Identity association in the account can use the role (trust grade any-association), and its permission tier sets the severity (README table): CRITICAL for administrator or privilege escalation, HIGH for sensitive data, LOW for limited permissions, MEDIUM when the tier is unknown. A limited trust on a role that is administrator-equivalent or can escalate is FAILED LOW (over-privileged workload role). The detail names the tier, the three most important actions behind it, and the associations that use the role. NOT_AVAILABLE when the statements naming Pod Identity cannot be parsed.',
    remediation: {
      text: 'Add to the Pod Identity statement a condition StringEquals on aws:RequestTag/eks-cluster-arn, aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account (or on aws:SourceAccount and aws:SourceArn with the cluster ARN).',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    ],
  },
  evaluate(role: RoleSnapshot, context: CheckContext): Outcome | undefined {
    // Documents that cannot be read are judged only when they mention Pod Identity at all.
    if (!role.trustDocument.known) {
      return role.trustPolicy.toLowerCase().includes(POD_IDENTITY_SERVICE)
        ? notAvailable(
            `The trust policy mentions ${POD_IDENTITY_SERVICE} but cannot be decoded: ${role.trustDocument.reason}`,
          )
        : undefined;
    }
    if (!role.trust.known) {
      return role.trustDocument.value.toLowerCase().includes(POD_IDENTITY_SERVICE)
        ? notAvailable(
            `The trust policy mentions ${POD_IDENTITY_SERVICE} but cannot be parsed: ${role.trust.reason}`,
          )
        : undefined;
    }
    const analysis = analysePodIdentityTrust(role.trust.value);
    if (!analysis.applies) return undefined;
    const use = usage(context.podIdentityUse(role.arn));
    const gaps = analysis.grants.flatMap((g) => (g.gap === undefined ? [] : [g.gap]));
    const permissions = context.permissions(role);
    const power = describePermissions(permissions);
    const grade: TrustGrade = gaps.length > 0 ? 'any-association' : 'limited';
    const verdict = roleVerdict(grade, permissions);
    const fields = { trustGrade: grade, permissionTier: permissions.tier };
    if (verdict.kind === 'trust') {
      return {
        ...failed(
          verdict.severity,
          [
            `Any Pod Identity association in the account can use this role, whose permissions are ${TIER_TEXT[permissions.tier]} (${verdict.severity}): ${gaps.join('; ')}`,
            power,
            ...analysis.unjudged,
            use,
          ].join('. '),
        ),
        ...fields,
      };
    }
    if (analysis.grants.length === 0)
      return { ...notAvailable(`${analysis.unjudged.join('; ')}. ${use}`), ...fields };
    const limits = analysis.grants.map((g) => `Statement ${g.statement} is limited by ${g.limitedBy}`);
    if (verdict.kind === 'over-privileged') {
      return {
        ...failed(
          verdict.severity,
          [
            `Over-privileged workload role: Pod Identity is limited, but the role is ${TIER_TEXT[permissions.tier]}; grant the workload only the actions it needs`,
            power,
            ...limits,
            ...analysis.unjudged,
            use,
          ].join('. '),
        ),
        ...fields,
      };
    }
    return { ...passed([...limits, power, ...analysis.unjudged, use].join('. ')), ...fields };
  },
} satisfies RoleCheck;

function usage(use: PodIdentityUse): string {
  const named = use.associations.map((a) => `${arnName(a.clusterArn)}/${a.namespace}/${a.serviceAccount}`);
  const listed =
    named.length === 0
      ? `No Pod Identity association${use.unknown.length > 0 ? ' that could be read' : ''} uses the role`
      : `Used by Pod Identity associations (cluster/namespace/service account): ${named.join(', ')}`;
  const unknown =
    use.unknown.length === 0
      ? ''
      : `; the associations of ${use.unknown
          .map((u) => arnName(u.clusterArn))
          .sort()
          .join(', ')} could not be read (${[...new Set(use.unknown.map((u) => u.reason))].join('; ')})`;
  return `${listed}${unknown}.`;
}
