import { notAvailable, type Outcome, passed, severityRank, type TrustGrade } from '../model/result';
import type { RoleSnapshot } from '../model/snapshot';
import { issuerRegion } from '../policy/eks-oidc';
import {
  analyseIrsaTrust,
  type Grant,
  type IrsaTrustAnalysis,
  STS_AUDIENCE,
  type TrustProblem,
} from '../policy/irsa-trust';
import { describePermissions, roleVerdict, TIER_TEXT, TRUST_GRADE_TEXT } from '../policy/role-severity';
import type { CheckContext, RoleCheck } from './types';

const ISSUER_IN_TEXT = /oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com/i;

export const irsaTrustPolicy: RoleCheck = {
  metadata: {
    id: 'irsa-trust-policy',
    title: 'IAM role trusted by an EKS OIDC provider is limited to named service accounts',
    resourceType: 'AwsIamRole',
    severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'],
    severityRules:
      'Applies to every role whose trust policy lets an EKS OIDC provider call sts:AssumeRoleWithWebIdentity, judged with IAM condition semantics: one result per role and OIDC issuer it trusts, judged on the grants of that issuer alone and placed in its region. The trust grade is the widest reach of the issuer\'s grants: any-service-account when :sub is not effectively restricted (no condition, "*", "system:serviceaccount:*", only negated operators, or a wildcard principal), cross-namespace for a wildcard across namespaces, namespace for a wildcard inside one namespace, limited for exact service accounts. The role\'s permission tier (administrator, privilege-escalation, sensitive-data, limited, unknown; see How permissions are judged) and the grade set the severity together, by the table in the README: any-service-account with administrator or privilege escalation is CRITICAL, with sensitive data HIGH, with limited permissions MEDIUM; an unknown tier keeps the trust alone\'s severity (CRITICAL, HIGH, MEDIUM). PASSED when every grant pins <issuer>:sub to exact service accounts and <issuer>:aud to sts.amazonaws.com and the role is not administrator-equivalent or able to escalate. FAILED LOW for a missing :aud pin, a provider that no scanned account registers and no scanned cluster issues (dangling), or an over-privileged workload role (exact service accounts, administrator or privilege escalation). The detail names every problem, the tier and the three most important actions behind it. NOT_AVAILABLE when the policy cannot be parsed.',
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
    const outcomes = issuers.map((issuer) => judgeIssuer(role, issuer, analysis, context));
    return outcomes.length === 1 ? outcomes[0] : outcomes;
  },
};

function judgeIssuer(
  role: RoleSnapshot,
  issuer: string,
  analysis: IrsaTrustAnalysis,
  context: CheckContext,
): Outcome {
  const grants = analysis.grants.filter((g) => g.issuer === issuer);
  const effective = grants.filter((g) => g.ineffective === undefined);
  const trustProblems = [
    ...analysis.problems.filter((p) => p.issuer === issuer),
    ...danglingProblems(effective, context),
  ];
  const grade = trustGrade(trustProblems);
  const permissions = context.permissions(role);
  const verdict = roleVerdict(grade, permissions);
  const overPrivileged: TrustProblem[] =
    verdict.kind === 'over-privileged'
      ? [
          {
            severity: 'LOW',
            statement: 0,
            issuer,
            message: `over-privileged workload role: only named service accounts can assume it, but it is ${TIER_TEXT[permissions.tier]}; grant the workload only the actions it needs`,
          },
        ]
      : [];
  const problems = [...trustProblems, ...overPrivileged].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.statement - b.statement,
  );
  const place = {
    ...locate(issuer, context),
    oidcIssuer: issuer,
    trustGrade: grade,
    permissionTier: permissions.tier,
  };
  const unjudged = analysis.unjudgedFor(issuer);
  const notes = [
    ...unjudged,
    ...grants
      .filter((g) => g.ineffective !== undefined)
      .map((g) => `statement ${g.statement} grants ${g.issuer} nothing: ${g.ineffective}`),
  ];
  const power = describePermissions(permissions);
  const [worst] = problems;
  if (worst !== undefined) {
    // The trust grade and the tier set the severity together (ROLE_SEVERITY); a trust limited to named
    // service accounts fails only for its LOW problems.
    const severity = verdict.kind === 'trust' ? verdict.severity : worst.severity;
    const lead =
      verdict.kind === 'trust'
        ? [
            `${severity}: ${TRUST_GRADE_TEXT[grade]} can assume a role whose permissions are ${TIER_TEXT[permissions.tier]}`,
          ]
        : [];
    return {
      status: 'FAILED',
      severity,
      detail: [...lead, ...problems.map((p) => `[${p.severity}] ${p.message}`), power, ...notes].join('; '),
      ...place,
    };
  }
  if (unjudged.length > 0) return { ...notAvailable([...notes, power].join('; ')), ...place };
  const trusted = effective.map((g) => `${g.subjects.join(', ')} via ${g.issuer}`);
  const summary =
    trusted.length > 0
      ? `Trusts only ${trusted.join('; ')}, audience ${STS_AUDIENCE}.`
      : 'No statement grants web identity.';
  return { ...passed([summary, `${power}.`, ...notes].join(' ')), ...place };
}

/** Who may assume the role through this issuer: the widest reach any of its problems names. */
function trustGrade(problems: readonly TrustProblem[]): TrustGrade {
  const worst = problems.reduce((rank, p) => Math.max(rank, severityRank(p.severity)), 0);
  if (worst >= severityRank('CRITICAL')) return 'any-service-account';
  if (worst >= severityRank('HIGH')) return 'cross-namespace';
  if (worst >= severityRank('MEDIUM')) return 'namespace';
  return 'limited';
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
