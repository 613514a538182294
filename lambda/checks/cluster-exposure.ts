/**
 * Exposure paths: from the outside to AWS power through one cluster. Each trait is a verdict of
 * another check (its result is where the trait came from) with what the snapshots say of it; a
 * path is a combination of traits, each known true, false or unknown, and the worst proven path
 * sets the severity.
 */
import { arnAccount, arnName } from '../model/arn';
import { findingId } from '../model/finding-id';
import {
  type CheckResult,
  failed,
  notAvailable,
  type Outcome,
  passed,
  type RelatedResult,
  type Severity,
  severityRank,
} from '../model/result';
import type { ClusterSnapshot, NodegroupSnapshot } from '../model/snapshot';
import { readCidrs } from '../net/cidr';
import { issuerFromUrl } from '../policy/eks-oidc';
import { readsAssumableByMany } from '../policy/role-reach';
import { TIER_TEXT, TRUST_GRADE_TEXT } from '../policy/role-severity';
import { clusterAdmins, IAM_USER } from './cluster-admin-access';
import { type CheckContext, type ClusterCheck, NO_PRIOR, type PriorResults } from './types';

export const TRAITS = ['reach', 'entry', 'escalation', 'weakness'] as const;
export type Trait = (typeof TRAITS)[number];

/** The paths, worst first: each needs every trait it names. */
export const EXPOSURE_PATHS: readonly {
  readonly traits: readonly Trait[];
  readonly severity: Exclude<Severity, 'INFORMATIONAL'>;
}[] = [
  { traits: ['reach', 'escalation'], severity: 'CRITICAL' },
  { traits: ['reach', 'entry', 'weakness'], severity: 'CRITICAL' },
  { traits: ['reach', 'entry'], severity: 'HIGH' },
  { traits: ['escalation'], severity: 'HIGH' },
  { traits: ['reach', 'weakness'], severity: 'MEDIUM' },
];

const SOURCES = {
  endpoint: 'endpoint-public-access',
  remoteAccess: 'nodegroup-remote-access',
  publicSubnets: 'nodegroup-public-subnets',
  securityGroup: 'cluster-security-group',
  authenticationMode: 'authentication-mode',
  clusterAdmin: 'cluster-admin-access',
  irsa: 'irsa-trust-policy',
  podIdentity: 'pod-identity-trust-policy',
  version: 'supported-version',
  secrets: 'secrets-encryption',
  logging: 'control-plane-logging',
} as const;

/** One trait found: how it reads in a chain, and the result it came from. */
interface Finding {
  readonly label: string;
  readonly from: readonly CheckResult[];
}

/** What is known of one trait: what proves it, and what could not be judged. */
interface TraitState {
  readonly found: readonly Finding[];
  readonly unknown: readonly string[];
}

type Truth = 'yes' | 'no' | 'unknown';

const truth = (state: TraitState): Truth =>
  state.found.length > 0 ? 'yes' : state.unknown.length > 0 ? 'unknown' : 'no';

/** An IPv4 block of /8 or wider, an IPv6 block of /32 or wider: more of the internet than any one organisation holds. */
const LARGE_RANGE: Readonly<Record<4 | 6, bigint>> = { 4: 1n << 24n, 6: 1n << 96n };

const ESCALATING_TIERS = new Set(['administrator', 'privilege-escalation']);

export const clusterExposure: ClusterCheck = {
  metadata: {
    id: 'cluster-exposure',
    title: 'No exposure path leads from the internet or a pod to AWS power through the cluster',
    resourceType: 'AwsEksCluster',
    severities: ['CRITICAL', 'HIGH', 'MEDIUM'],
    severityRules:
      "Combines the other checks' verdicts into traits. Reach: the public endpoint admits the internet (endpoint-public-access FAILED HIGH) or a large range (an IPv4 block of /8 or wider, IPv6 /32 or wider), or a node group in public subnets with SSH/RDP open to the internet or a cluster security group open to it. Entry: CONFIG_MAP authentication (aws-auth only), or AmazonEKSClusterAdminPolicy held by an IAM user or by a role that anyone, or every principal of an account, may assume. Escalation: an IRSA role trusted by the cluster's issuer, or a role of the cluster's Pod Identity associations, whose trust is wider than named service accounts and whose tier is administrator or privilege escalation. Weakness: an unsupported Kubernetes version, secrets without a customer key before 1.28, or the audit log off. Paths, worst first: reach + escalation CRITICAL; reach + entry + weakness CRITICAL; reach + entry HIGH; escalation alone HIGH; reach + weakness MEDIUM. FAILED with the worst proven path; the detail lists each path as a chain and the finding of every trait is a related finding. PASSED when no path can form. NOT_AVAILABLE when no path is proven but one could form with a trait that could not be judged (the detail names it).",
    remediation: {
      text: 'Break each path at its cheapest link: restrict the public endpoint to known CIDRs or turn it off, move to API authentication with named access entries, limit IRSA and Pod Identity roles to named service accounts and least privilege, keep the version supported and the audit log on.',
      url: 'https://docs.aws.amazon.com/eks/latest/best-practices/security.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/exposure-findings.html',
    ],
    derivedFrom: Object.values(SOURCES),
  },
  evaluate(cluster, context, prior = NO_PRIOR) {
    const own = prior.ofCluster(cluster.arn);
    const states: Record<Trait, TraitState> = {
      reach: reach(cluster, own),
      entry: entry(cluster, own, context),
      escalation: escalation(cluster, prior, context),
      weakness: weakness(cluster, own),
    };
    const truths = Object.fromEntries(TRAITS.map((t) => [t, truth(states[t])])) as Record<Trait, Truth>;
    const proven = EXPOSURE_PATHS.filter((p) => p.traits.every((t) => truths[t] === 'yes'));
    const traitsText = TRAITS.map((t) => `${t}: ${describe(states[t])}`).join('; ');
    if (proven.length > 0) {
      const [worst] = proven;
      const severity = worst?.severity ?? 'MEDIUM';
      // A path through the cluster's API passes its entry traits on the way when they are proven;
      // a path whose chain another already holds, at a severity as high, is not told again.
      const told = proven.map((p) => ({
        ...p,
        links: TRAITS.filter(
          (t) =>
            p.traits.includes(t) ||
            (t === 'entry' &&
              truths.entry === 'yes' &&
              p.traits.includes('reach') &&
              p.traits.includes('escalation')),
        ),
      }));
      const chains = told
        .filter(
          (p) =>
            !told.some(
              (q) =>
                q !== p &&
                q.links.length > p.links.length &&
                p.links.every((t) => q.links.includes(t)) &&
                severityRank(q.severity) >= severityRank(p.severity),
            ),
        )
        .map((p) => `[${p.severity}] ${chain(p.links, states)}`);
      const used = new Set(proven.flatMap((p) => p.traits));
      // Interleaved by trait, so that Security Hub's limit on related findings keeps one of each trait.
      const related = relatedOf(interleave(TRAITS.filter((t) => used.has(t)).map((t) => states[t].found)));
      return {
        ...failed(severity, `Exposure paths: ${chains.join('; ')}. Traits: ${traitsText}.`),
        ...(related.length > 0 ? { related } : {}),
      } satisfies Outcome;
    }
    const open = EXPOSURE_PATHS.filter((p) => p.traits.every((t) => truths[t] !== 'no'));
    if (open.length > 0) {
      const missing = TRAITS.filter((t) => open.some((p) => p.traits.includes(t)) && truths[t] === 'unknown');
      return notAvailable(
        `No exposure path is proven, but one could form through what could not be judged (${missing
          .map((t) => `${t}: ${states[t].unknown.join(', ')}`)
          .join('; ')}). Traits: ${traitsText}.`,
      );
    }
    return passed(`No exposure path: no combination of traits leads to AWS power. Traits: ${traitsText}.`);
  },
};

function describe(state: TraitState): string {
  const parts = [...state.found.map((f) => f.label), ...state.unknown.map((u) => `unknown (${u})`)];
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** A path as one line: the first finding of each trait, from the outside in. */
function chain(traits: readonly Trait[], states: Record<Trait, TraitState>): string {
  const link = (t: Trait) => {
    const [first, ...rest] = states[t].found;
    return `${first?.label ?? t}${rest.length > 0 ? ` (+${rest.length} more)` : ''}`;
  };
  const start = traits.includes('reach') ? 'internet' : 'a pod of the cluster';
  return [start, ...TRAITS.filter((t) => traits.includes(t)).map(link)].join(' → ');
}

/** The first item of each list, then the second of each, and so on. */
function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const longest = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((l) => l.slice(i, i + 1))).flat();
}

function relatedOf(findings: readonly Finding[]): RelatedResult[] {
  const seen = new Map<string, RelatedResult>();
  for (const from of findings.flatMap((f) => f.from)) {
    if (from.resource.id === undefined) continue;
    const ref: RelatedResult = {
      accountId: from.accountId,
      checkId: from.checkId,
      region: from.region,
      resource: { ...from.resource, id: from.resource.id },
      ...(from.oidcIssuer === undefined ? {} : { oidcIssuer: from.oidcIssuer }),
    };
    seen.set(findingId(ref), ref);
  }
  return [...seen.values()];
}

/** A result that says nothing: absent, or NOT_AVAILABLE. */
const unjudged = (result: CheckResult | undefined) =>
  result === undefined || result.status === 'NOT_AVAILABLE';

const resultOf = (results: readonly CheckResult[], checkId: string, resourceId?: string) =>
  results.find((r) => r.checkId === checkId && (resourceId === undefined || r.resource.id === resourceId));

function reach(cluster: ClusterSnapshot, own: readonly CheckResult[]): TraitState {
  const found: Finding[] = [];
  const unknown: string[] = [];
  const endpoint = resultOf(own, SOURCES.endpoint, cluster.arn);
  const cidrs = cluster.endpointAccess?.publicAccessCidrs ?? [];
  if (endpoint?.status === 'FAILED') {
    const large = readCidrs(cidrs).blocks.filter(
      (b) => b.range.last - b.range.first + 1n >= LARGE_RANGE[b.range.family],
    );
    if (endpoint.severity === 'HIGH' || large.length > 0) {
      const shown =
        endpoint.severity === 'HIGH' ? (cidrs.length > 0 ? cidrs : ['0.0.0.0/0']) : large.map((b) => b.cidr);
      found.push({ label: `public endpoint (${shown.join(', ')})`, from: [endpoint] });
    }
  } else if (endpoint === undefined || endpoint.status === 'NOT_AVAILABLE') {
    unknown.push('the endpoint access could not be judged');
  }
  // Nodes are reachable when they sit in a public subnet and SSH/RDP or the cluster security group admits the internet.
  const group = resultOf(own, SOURCES.securityGroup, cluster.arn);
  const groupOpen = group?.status === 'FAILED' && group.severity === 'HIGH';
  const groupUnjudged = unjudged(group);
  if (!cluster.nodegroups.known) unknown.push('the node groups could not be listed');
  for (const listed of cluster.nodegroups.known ? cluster.nodegroups.value : []) {
    const ng: NodegroupSnapshot | undefined = listed.description.known ? listed.description.value : undefined;
    const ofNodegroup = own.filter(
      (r) => r.resource.type === 'AwsEksNodegroup' && r.resource.name === `${cluster.name}/${listed.name}`,
    );
    const subnets = resultOf(ofNodegroup, SOURCES.publicSubnets);
    const ssh = resultOf(ofNodegroup, SOURCES.remoteAccess);
    const sshOpen = ssh?.status === 'FAILED' && ssh.severity === 'HIGH';
    const isPublic = subnets?.status === 'FAILED';
    if (isPublic && (sshOpen || groupOpen)) {
      found.push({
        label: `nodes of ${listed.name} (public subnet, ${sshOpen ? 'SSH/RDP' : 'cluster security group'} open to the internet)`,
        from: [subnets, ...(sshOpen ? [ssh] : []), ...(groupOpen && group ? [group] : [])],
      });
      continue;
    }
    // Not proven: unknown unless one side is proven closed (private subnets, or SSH/RDP and the group shut).
    const subnetsUnjudged = ng === undefined || unjudged(subnets);
    const openUnjudged = !sshOpen && !groupOpen && (unjudged(ssh) || groupUnjudged);
    if ((isPublic || subnetsUnjudged) && (sshOpen || groupOpen || openUnjudged)) {
      const missing = [
        ...(subnetsUnjudged ? ['whether its subnets are public'] : []),
        ...(openUnjudged ? ['whether SSH/RDP or the cluster security group admit the internet'] : []),
      ];
      unknown.push(`the nodes of ${listed.name} (${missing.join(', and ')} could not be judged)`);
    }
  }
  return { found: dedupe(found), unknown };
}

function entry(cluster: ClusterSnapshot, own: readonly CheckResult[], context: CheckContext): TraitState {
  const found: Finding[] = [];
  const unknown: string[] = [];
  const mode = resultOf(own, SOURCES.authenticationMode, cluster.arn);
  if (mode?.status === 'FAILED') found.push({ label: 'aws-auth only (CONFIG_MAP)', from: [mode] });
  const admin = resultOf(own, SOURCES.clusterAdmin, cluster.arn);
  if (admin?.status === 'FAILED' && cluster.accessEntries.known) {
    for (const principal of clusterAdmins(cluster.accessEntries.value, context.config).others) {
      if (IAM_USER.test(principal)) {
        found.push({ label: `cluster-admin held by IAM user ${arnName(principal)}`, from: [admin] });
        continue;
      }
      const role = context.role(principal);
      if (role === undefined) {
        // A role of a read account that is not there cannot be assumed; one that was not read may be wide.
        const owner = arnAccount(principal);
        const unread =
          owner === undefined
            ? 'its ARN names no account'
            : (context.identityUnread(owner) ??
              (context.isScanned(owner) ? undefined : `account ${owner} is not scanned`));
        if (unread !== undefined) unknown.push(`who may assume ${arnName(principal)} (${unread})`);
        continue;
      }
      const many = readsAssumableByMany(role);
      if (many.known && many.value !== undefined) {
        found.push({ label: `cluster-admin role ${role.name} assumable by ${many.value}`, from: [admin] });
      } else if (!many.known) {
        unknown.push(`who may assume ${role.name} (${many.reason})`);
      }
    }
  } else if (mode?.status !== 'FAILED' && (admin === undefined || admin.status === 'NOT_AVAILABLE')) {
    unknown.push('the cluster administrators could not be read');
  }
  return { found, unknown };
}

function escalation(cluster: ClusterSnapshot, prior: PriorResults, context: CheckContext): TraitState {
  const found: Finding[] = [];
  const unknown: string[] = [];
  const unread = context.identityUnread(cluster.accountId);
  if (unread !== undefined) unknown.push(unread);
  // A role of another account may trust this cluster's issuer (cross-account IRSA): an account whose
  // IAM data is missing could hold one.
  const others = context.unreadIdentities().filter((accountId) => accountId !== cluster.accountId);
  if (others.length > 0) {
    const named = `${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`;
    unknown.push(
      `the roles of account${others.length > 1 ? 's' : ''} ${named}, whose IAM data could not be read, may trust this cluster`,
    );
  }
  const consider = (result: CheckResult) => {
    if (result.trustGrade === undefined || result.trustGrade === 'limited') return;
    const tier = result.permissionTier ?? 'unknown';
    if (ESCALATING_TIERS.has(tier)) {
      found.push({
        label: `role ${result.resource.name} (${TRUST_GRADE_TEXT[result.trustGrade]}) → ${TIER_TEXT[tier]}`,
        from: [result],
      });
    } else if (tier === 'unknown') {
      unknown.push(
        `the permissions of ${result.resource.name}, which ${TRUST_GRADE_TEXT[result.trustGrade]} can assume`,
      );
    }
  };
  const issuer = cluster.oidcIssuer === undefined ? undefined : issuerFromUrl(cluster.oidcIssuer);
  if (issuer !== undefined) {
    for (const result of prior.ofIssuer(issuer)) if (result.checkId === SOURCES.irsa) consider(result);
  }
  const associations = cluster.podIdentityAssociations;
  if (associations.known) {
    for (const roleArn of new Set(associations.value.map((a) => a.roleArn))) {
      for (const result of prior.ofRole(roleArn))
        if (result.checkId === SOURCES.podIdentity) consider(result);
    }
  } else {
    // Without the associations, only a role any association may use, and that is powerful or unknown, could complete a path.
    const suspects = context
      .rolesOf(cluster.accountId)
      .flatMap((role) => prior.ofRole(role.arn))
      .filter(
        (r) =>
          r.checkId === SOURCES.podIdentity &&
          r.trustGrade === 'any-association' &&
          (r.permissionTier === undefined ||
            r.permissionTier === 'unknown' ||
            ESCALATING_TIERS.has(r.permissionTier)),
      );
    if (suspects.length > 0) {
      unknown.push(
        `the Pod Identity associations (${associations.reason}), while ${suspects.map((r) => r.resource.name).join(', ')} may be used by any association`,
      );
    }
  }
  return { found: dedupe(found), unknown };
}

function weakness(cluster: ClusterSnapshot, own: readonly CheckResult[]): TraitState {
  const found: Finding[] = [];
  const unknown: string[] = [];
  const version = resultOf(own, SOURCES.version, cluster.arn);
  if (version?.status === 'FAILED' && version.severity === 'CRITICAL')
    found.push({ label: `unsupported version ${cluster.version ?? ''}`.trim(), from: [version] });
  else if (version?.status === 'NOT_AVAILABLE') unknown.push('the version support could not be judged');
  const secrets = resultOf(own, SOURCES.secrets, cluster.arn);
  if (secrets?.status === 'FAILED' && secrets.severity === 'HIGH')
    found.push({
      label: `secrets without a customer key (Kubernetes ${cluster.version ?? 'version unknown'})`,
      from: [secrets],
    });
  if (cluster.logging === undefined) unknown.push('the control plane logging was not returned');
  else {
    const enabled = cluster.logging.some((e) => e.enabled && e.types.includes('audit'));
    const disabled = cluster.logging.some((e) => !e.enabled && e.types.includes('audit'));
    if (!enabled || disabled) {
      const logging = resultOf(own, SOURCES.logging, cluster.arn);
      found.push({ label: 'audit log off', from: logging?.status === 'FAILED' ? [logging] : [] });
    }
  }
  return { found, unknown };
}

function dedupe(found: readonly Finding[]): Finding[] {
  const labels = new Set<string>();
  return found.filter((f) => !labels.has(f.label) && labels.add(f.label));
}
