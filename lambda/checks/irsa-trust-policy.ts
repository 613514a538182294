import { notAvailable, type Outcome, passed, severityRank } from '../model/result';
import type { RoleSnapshot } from '../model/snapshot';
import { issuerRegion } from '../policy/eks-oidc';
import {
  analyseIrsaTrust,
  type Grant,
  type IrsaTrustAnalysis,
  STS_AUDIENCE,
  type TrustProblem,
} from '../policy/irsa-trust';
import type { CheckContext, RoleCheck } from './types';

const ISSUER_IN_TEXT = /oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com/i;

export const irsaTrustPolicy: RoleCheck = {
  metadata: {
    id: 'irsa-trust-policy',
    title: 'IAM role trusted by an EKS OIDC provider is limited to named service accounts',
    resourceType: 'AwsIamRole',
    severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'],
    severityRules:
      'Applies to every role whose trust policy lets an EKS OIDC provider call sts:AssumeRoleWithWebIdentity, judged with IAM condition semantics: one result per role and OIDC issuer it trusts, judged on the grants of that issuer alone and placed in its region. PASSED when every such grant pins <issuer>:sub to exact service accounts and <issuer>:aud to sts.amazonaws.com. FAILED CRITICAL when :sub is not effectively restricted (no condition, "*", "system:serviceaccount:*", only negated operators, or a wildcard principal). FAILED HIGH for a wildcard across namespaces, MEDIUM for a wildcard inside one namespace, LOW for a missing :aud pin or a provider that no scanned account registers and no scanned cluster issues (dangling). The worst grant of the issuer sets the result; the detail names every problem. NOT_AVAILABLE when the policy cannot be parsed.',
    remediation: {
      text: 'Give each IRSA role one statement per provider with StringEquals on "<issuer>:sub": "system:serviceaccount:<namespace>:<service-account>" and "<issuer>:aud": "sts.amazonaws.com"; remove trust in providers whose cluster is gone.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html',
    },
    references: [
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
    ],
  },
  evaluate(role, context) {
    if (!role.trust.known) return unparseable(role, role.trust.reason, context);
    const analysis = analyseIrsaTrust(role.trust.value, context.providersOf(role.accountId));
    if (!analysis.applies) return undefined;
    const issuers = [...new Set(analysis.grants.map((g) => g.issuer))].sort();
    // Statements that mention EKS web identity but name no issuer IAM would accept: nothing to place per issuer.
    if (issuers.length === 0) {
      return { ...notAvailable(analysis.unjudged.join('; ')), region: regionInText(role, context) };
    }
    // One result per issuer, judged on that issuer's grants alone: its place never depends on another.
    const outcomes = issuers.map((issuer) => judgeIssuer(issuer, analysis, context));
    return outcomes.length === 1 ? outcomes[0] : outcomes;
  },
};

function judgeIssuer(issuer: string, analysis: IrsaTrustAnalysis, context: CheckContext): Outcome {
  const grants = analysis.grants.filter((g) => g.issuer === issuer);
  const effective = grants.filter((g) => g.ineffective === undefined);
  const problems = [
    ...analysis.problems.filter((p) => p.issuer === issuer),
    ...danglingProblems(effective, context),
  ].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.statement - b.statement);
  const [worst] = problems;
  const place = { ...locate(issuer, context), oidcIssuer: issuer };
  const unjudged = analysis.unjudgedFor(issuer);
  const notes = [
    ...unjudged,
    ...grants
      .filter((g) => g.ineffective !== undefined)
      .map((g) => `statement ${g.statement} grants ${g.issuer} nothing: ${g.ineffective}`),
  ];
  if (worst !== undefined) {
    return {
      status: 'FAILED',
      severity: worst.severity,
      detail: [...problems.map((p) => `[${p.severity}] ${p.message}`), ...notes].join('; '),
      ...place,
    };
  }
  if (unjudged.length > 0) return { ...notAvailable(notes.join('; ')), ...place };
  const trusted = effective.map((g) => `${g.subjects.join(', ')} via ${g.issuer}`);
  const summary =
    trusted.length > 0
      ? `Trusts only ${trusted.join('; ')}, audience ${STS_AUDIENCE}.`
      : 'No statement grants web identity.';
  return { ...passed([summary, ...notes].join(' ')), ...place };
}

/** A provider is dangling when no scanned account registers it and no scanned cluster issues its tokens. */
function danglingProblems(grants: readonly Grant[], context: CheckContext): TrustProblem[] {
  return grants
    .filter((g) => g.providerArn !== undefined)
    .filter(
      (g) =>
        !context.isRegisteredProvider(g.providerArn ?? '') &&
        context.clustersWithIssuer(g.issuer).length === 0,
    )
    .map((g) => ({
      severity: 'LOW',
      statement: g.statement,
      issuer: g.issuer,
      message: `statement ${g.statement}: provider ${g.providerArn} is registered in no scanned account and issues no scanned cluster's tokens (dangling trust)`,
    }));
}

function locate(issuer: string, context: CheckContext): Pick<Outcome, 'region' | 'clusterArn'> {
  const [clusterArn] = context.clustersWithIssuer(issuer);
  return { region: issuerRegion(issuer), ...(clusterArn === undefined ? {} : { clusterArn }) };
}

function unparseable(role: RoleSnapshot, reason: string, context: CheckContext): Outcome {
  return {
    ...notAvailable(`The trust policy cannot be judged: ${reason}.`),
    region: regionInText(role, context),
  };
}

/** Where no grant names an issuer: the region of the first EKS issuer the document mentions, else the account's home. */
function regionInText(role: RoleSnapshot, context: CheckContext): string {
  return ISSUER_IN_TEXT.exec(role.trustPolicy)?.[1]?.toLowerCase() ?? context.homeRegion(role.accountId);
}
