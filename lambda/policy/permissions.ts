/**
 * What an IAM role may do, judged from its identity policies and permissions boundary, and the
 * tier that puts it in: administrator, privilege escalation, sensitive data, limited, or unknown.
 * Pure and synchronous: the collector has read and parsed the documents (`RolePermissions`).
 *
 * Evaluation follows IAM's policy evaluation logic for one account, no resource policy, SCP or
 * session policy: an explicit Deny in any identity policy or in the boundary wins; otherwise the
 * request needs an Allow in some identity policy and, when a boundary is set, in the boundary too.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Conditions are judged for a request the scanner knows nothing of (condition-truth's semantics
 * on a key that may or may not be present): an Allow whose conditions may hold counts as possibly
 * true (`conditional`, and noted); a Deny counts only when its conditions hold for every request.
 * A Deny that may or may not apply removes nothing, and is noted: this over-, never under-states.
 *
 * "Broad" grants. A tier counts an action only when it is allowed on every resource of its kind.
 * Without each service's resource types, that is judged with probes: resource strings that only
 * wildcards match. A probe is a pattern of the policies with every wildcard replaced by a character
 * no ARN holds (U+0000), so `arn:aws:iam::*:role/*` gives `arn:aws:iam::\0:role/\0`, which that
 * pattern, `*` and `arn:aws:iam::123456789012:role/*` match, and `arn:aws:iam::*:role/admin` does
 * not. The probes of an action are one per kind-wide Resource pattern of the Allow statements (a
 * pattern whose resource part is wildcards after an optional type such as `role/`, or `*`), plus
 * `arn:aws:<service>:\0:\0:\0` for `*` and NotResource grants. The action is allowed broadly when
 * it is allowed on some probe. Known limit: a Deny (or NotResource) narrowed to one resource type,
 * say `arn:aws:iam::*:role/*`, against an Allow on `*` does not clear the grant, since without the
 * service's resource types the scanner cannot tell that this is the only type the action acts on.
 * A pattern's region and account parts are taken as they are: the role's account is not known here.
 */
import type { Readout } from '../model/readout';
import type { PermissionTier } from '../model/result';
import type { PolicySnapshot, RolePermissions } from '../model/snapshot';
import { SERVICE_ACTIONS } from './action-data';
import { clauseTruth, type Truth, UNKNOWN_KEY } from './condition-truth';
import { globToRegExp } from './glob';
import type { PermissionPolicy, PermissionStatement } from './permission-document';
import type { ConditionClause } from './trust-document';

export type { PermissionTier };

export interface PermissionAssessment {
  readonly tier: PermissionTier;
  /**
   * The actions that put the role in its tier, most important first (then those of lower tiers),
   * at most three, e.g. ['*', 'iam:PassRole with ec2:RunInstances', 'secretsmanager:GetSecretValue'];
   * empty for limited/unknown.
   */
  readonly evidence: readonly string[];
  /** unknown only: why. */
  readonly reason?: string;
  /** Caveats a reader needs: conditions not resolved, Denies not counted, statements left out, named grants. */
  readonly notes: readonly string[];
  /**
   * Set when Allow statements could not be read: the tier is only the least the role may do, and
   * the severity is never lower than that of an unknown tier.
   */
  readonly incomplete?: string;
}

export type Decision = 'allowed' | 'denied' | 'conditional';

/** One tier rule: the role matches when each group has an action it may perform broadly. */
export interface TierRule {
  readonly id: string;
  readonly tier: 'administrator' | 'privilege-escalation' | 'sensitive-data';
  /** Groups ANDed; within a group, any one action (as the service authorization reference spells it). */
  readonly allOf: readonly (readonly string[])[];
  /**
   * `any` (the default): one action per group, allowed broadly. `every-action`: every action the
   * patterns expand to in SERVICE_ACTIONS, allowed broadly. `s3-objects`: broadly, or on a
   * bucket-name wildcard, or on `S3_NAMED_BUCKETS` or more named buckets.
   */
  readonly match?: 'any' | 'every-action' | 's3-objects';
  readonly summary: string;
  readonly source: string;
}

const RHINO = 'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const IAM_VULNERABLE = 'https://github.com/BishopFox/iam-vulnerable';
const PASS_ROLE = 'iam:PassRole';

/** Object reads on this many named buckets count as sensitive data, as a wildcard would. */
export const S3_NAMED_BUCKETS = 10;

const escalation = (id: string, allOf: readonly (readonly string[])[], summary: string, source = RHINO) =>
  ({ id, tier: 'privilege-escalation', allOf, summary, source }) as const satisfies TierRule;
const passRoleTo = (id: string, service: readonly (readonly string[])[], summary: string, source = RHINO) =>
  escalation(id, [[PASS_ROLE], ...service], `iam:PassRole with ${summary}`, source);
const sensitive = (id: string, actions: readonly string[], summary: string, source: string) =>
  ({ id, tier: 'sensitive-data', allOf: [actions], summary, source }) as const satisfies TierRule;

/**
 * The rules, worst tier first; within a tier, the most direct path first. A role gets the tier of
 * the first rule it matches; its evidence lists the matched rules in this order.
 */
export const TIER_RULES: readonly TierRule[] = [
  {
    id: 'iam-full-control',
    tier: 'administrator',
    allOf: [['iam:*']],
    match: 'every-action',
    summary:
      'every IAM action on every resource: administrator-equivalent, since the role can attach AdministratorAccess to itself',
    source: RHINO,
  },
  escalation('attach-role-policy', [['iam:AttachRolePolicy']], 'attach any managed policy to a role'),
  escalation('put-role-policy', [['iam:PutRolePolicy']], 'write an inline policy on a role'),
  escalation('create-policy-version', [['iam:CreatePolicyVersion']], 'rewrite a managed policy'),
  escalation(
    'set-default-policy-version',
    [['iam:SetDefaultPolicyVersion']],
    'revert a policy to a wider version',
  ),
  escalation('update-assume-role-policy', [['iam:UpdateAssumeRolePolicy']], 'let itself assume any role'),
  escalation(
    'assume-any-role',
    [['sts:AssumeRole']],
    'assume any role that trusts the account',
    IAM_VULNERABLE,
  ),
  escalation('attach-user-policy', [['iam:AttachUserPolicy']], 'attach a managed policy to a user'),
  escalation('attach-group-policy', [['iam:AttachGroupPolicy']], 'attach a managed policy to a group'),
  escalation('put-user-policy', [['iam:PutUserPolicy']], 'write an inline policy on a user'),
  escalation('put-group-policy', [['iam:PutGroupPolicy']], 'write an inline policy on a group'),
  escalation('add-user-to-group', [['iam:AddUserToGroup']], 'join a user to a privileged group'),
  escalation('create-access-key', [['iam:CreateAccessKey']], 'mint keys for another user'),
  escalation('create-login-profile', [['iam:CreateLoginProfile']], 'set a console password for a user'),
  escalation('update-login-profile', [['iam:UpdateLoginProfile']], 'change a user’s console password'),
  passRoleTo('pass-role-ec2', [['ec2:RunInstances']], 'ec2:RunInstances'),
  passRoleTo(
    'pass-role-lambda',
    [['lambda:CreateFunction'], ['lambda:InvokeFunction', 'lambda:CreateEventSourceMapping']],
    'lambda:CreateFunction and InvokeFunction or CreateEventSourceMapping',
  ),
  passRoleTo('pass-role-cloudformation', [['cloudformation:CreateStack']], 'cloudformation:CreateStack'),
  passRoleTo('pass-role-glue', [['glue:CreateDevEndpoint']], 'glue:CreateDevEndpoint'),
  passRoleTo('pass-role-datapipeline', [['datapipeline:CreatePipeline']], 'datapipeline:CreatePipeline'),
  passRoleTo(
    'pass-role-ecs',
    [['ecs:RunTask', 'ecs:RegisterTaskDefinition']],
    'ecs:RunTask or RegisterTaskDefinition',
    IAM_VULNERABLE,
  ),
  passRoleTo('pass-role-codebuild', [['codebuild:CreateProject']], 'codebuild:CreateProject', IAM_VULNERABLE),
  passRoleTo(
    'pass-role-sagemaker',
    [['sagemaker:CreateNotebookInstance']],
    'sagemaker:CreateNotebookInstance',
    IAM_VULNERABLE,
  ),
  escalation('update-function-code', [['lambda:UpdateFunctionCode']], 'run code as any function’s role'),
  escalation(
    'update-glue-dev-endpoint',
    [['glue:UpdateDevEndpoint']],
    'log in to a dev endpoint and use its role',
  ),
  sensitive(
    'secrets-manager',
    ['secretsmanager:GetSecretValue'],
    'read every secret',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html',
  ),
  sensitive(
    'ssm-parameters',
    ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    'read every parameter (SecureString ones included, with kms:Decrypt)',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html',
  ),
  sensitive(
    'kms-decrypt',
    ['kms:Decrypt'],
    'decrypt with every key whose key policy defers to IAM',
    'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html',
  ),
  {
    ...sensitive(
      's3-objects',
      ['s3:GetObject'],
      `read the objects of every bucket, of buckets named by a wildcard, or of ${S3_NAMED_BUCKETS} or more named buckets`,
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html',
    ),
    match: 's3-objects',
  },
  sensitive(
    'eks-access-entries',
    ['eks:CreateAccessEntry', 'eks:AssociateAccessPolicy'],
    'grant itself Kubernetes access to every cluster',
    'https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html',
  ),
];

/** The services the rules name: what `scripts/action-catalog.ts` embeds in action-data.ts. */
export const RULE_SERVICES: readonly string[] = [
  ...new Set(TIER_RULES.flatMap((rule) => rule.allOf.flat().map((action) => serviceOf(action)))),
].sort();

function serviceOf(action: string): string {
  return action.slice(0, action.indexOf(':')).toLowerCase();
}

/** No ARN holds U+0000, so only a wildcard matches it. */
const SENTINEL = '\u0000';

/** The services whose ARNs an action's resources carry; sts:AssumeRole acts on `arn:aws:iam::…:role/…`. */
const RESOURCE_SERVICES: Readonly<Record<string, readonly string[]>> = { sts: ['iam', 'sts'] };

/**
 * The ARN of any resource of a service, as a probe: the region empty for global services, the
 * account too for S3, so that a Deny written as `arn:aws:iam::*:*` or `arn:aws:s3:::*` matches it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
const GLOBAL_SERVICES = new Set(['iam', 'sts', 's3', 'organizations', 'route53', 'cloudfront']);
function anyResourceOf(service: string): string {
  const region = GLOBAL_SERVICES.has(service) ? '' : SENTINEL;
  const account = service === 's3' ? '' : SENTINEL;
  return `arn:aws:${service}:${region}:${account}:${SENTINEL}`;
}

const regexCache = new Map<string, RegExp>();
function glob(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = regexCache.get(key);
  if (regex === undefined) {
    regex = globToRegExp(pattern, ignoreCase);
    regexCache.set(key, regex);
  }
  return regex;
}

/**
 * One regular expression for a whole Action/Resource list (a managed policy such as ReadOnlyAccess
 * lists thousands of patterns), built once per parsed list and case rule (actions ignore case, resources do not).
 */
const caseless = new WeakMap<readonly string[], RegExp>();
const caseful = new WeakMap<readonly string[], RegExp>();
function anyOf(patterns: readonly string[], ignoreCase: boolean): RegExp {
  const cache = ignoreCase ? caseless : caseful;
  let regex = cache.get(patterns);
  if (regex === undefined) {
    const sources = patterns.map((p) => globToRegExp(p, ignoreCase).source.slice(1, -1));
    regex = new RegExp(`^(?:${sources.join('|')})$`, ignoreCase ? 'is' : 's');
    cache.set(patterns, regex);
  }
  return regex;
}

interface NamedPolicy {
  /** How messages name it, e.g. `inline policy app`. */
  readonly label: string;
  readonly policy: PermissionPolicy;
}

interface StatementRef {
  readonly policy: string;
  readonly statement: number;
}

interface Evaluation {
  readonly decision: Decision;
  /** The Allow statements a conditional decision rests on. */
  readonly conditionalAllows: readonly StatementRef[];
  /** Deny statements that cover the request under conditions that may or may not hold: not counted. */
  readonly unresolvedDenies: readonly StatementRef[];
}

/** Action matching is case-insensitive with wildcards (as `coversAction`); resources case-sensitive. */
function coversAction(statement: PermissionStatement, action: string): boolean {
  const matches = (patterns: readonly string[]) => anyOf(patterns, true).test(action);
  if (statement.actions !== undefined) return matches(statement.actions);
  return statement.notActions !== undefined && !matches(statement.notActions);
}

function coversResource(statement: PermissionStatement, resource: string): boolean {
  const matches = (patterns: readonly string[]) => anyOf(patterns, false).test(resource);
  if (statement.resources !== undefined) return matches(statement.resources);
  return statement.notResources !== undefined && !matches(statement.notResources);
}

/** The conditions ANDed, for a request whose context is unknown. */
function conditionsTruth(conditions: readonly ConditionClause[]): Truth {
  const truths = conditions.map((clause) => clauseTruth(clause, UNKNOWN_KEY));
  if (truths.includes('never')) return 'never';
  return truths.every((t) => t === 'always') ? 'always' : 'depends';
}

interface PolicyVerdict {
  readonly allow: 'always' | 'depends' | 'none';
  readonly conditionalAllows: readonly StatementRef[];
  readonly denied: boolean;
  readonly unresolvedDenies: readonly StatementRef[];
}

function judgePolicy(named: NamedPolicy, action: string, resource: string): PolicyVerdict {
  let allow: PolicyVerdict['allow'] = 'none';
  let denied = false;
  const conditionalAllows: StatementRef[] = [];
  const unresolvedDenies: StatementRef[] = [];
  for (const statement of named.policy.statements) {
    if (!coversAction(statement, action) || !coversResource(statement, resource)) continue;
    const truth = conditionsTruth(statement.conditions);
    if (truth === 'never') continue;
    const ref = { policy: named.label, statement: statement.index };
    if (statement.effect === 'Deny') {
      if (truth === 'always') denied = true;
      else unresolvedDenies.push(ref);
    } else if (truth === 'always') {
      allow = 'always';
    } else {
      if (allow === 'none') allow = 'depends';
      conditionalAllows.push(ref);
    }
  }
  return { allow, conditionalAllows, denied, unresolvedDenies };
}

function evaluate(
  action: string,
  resource: string,
  identity: readonly NamedPolicy[],
  boundary: NamedPolicy | undefined,
): Evaluation {
  const verdicts = identity.map((p) => judgePolicy(p, action, resource));
  const bounded = boundary === undefined ? undefined : judgePolicy(boundary, action, resource);
  const all = bounded === undefined ? verdicts : [...verdicts, bounded];
  const unresolvedDenies = all.flatMap((v) => v.unresolvedDenies);
  if (all.some((v) => v.denied)) return { decision: 'denied', conditionalAllows: [], unresolvedDenies: [] };
  const granted: PolicyVerdict['allow'] = verdicts.some((v) => v.allow === 'always')
    ? 'always'
    : verdicts.some((v) => v.allow === 'depends')
      ? 'depends'
      : 'none';
  const ceiling = bounded?.allow ?? 'always';
  if (granted === 'none' || ceiling === 'none') {
    return { decision: 'denied', conditionalAllows: [], unresolvedDenies: [] };
  }
  const conditionalAllows = [
    ...(granted === 'depends' ? verdicts.flatMap((v) => v.conditionalAllows) : []),
    ...(ceiling === 'depends' ? (bounded?.conditionalAllows ?? []) : []),
  ];
  return {
    decision: granted === 'always' && ceiling === 'always' ? 'allowed' : 'conditional',
    conditionalAllows,
    unresolvedDenies,
  };
}

/**
 * IAM's decision for one request by a role with these identity policies and boundary, for a request
 * context the scanner does not know: `conditional` when it rests on an Allow whose conditions may
 * or may not hold. Malformed statements (which IAM would not have stored) are left out.
 */
export function decide(
  action: string,
  resource: string,
  identity: readonly PermissionPolicy[],
  boundary?: PermissionPolicy,
): Decision {
  const named = identity.map((policy, i) => ({ label: `policy ${i + 1}`, policy }));
  const bound = boundary === undefined ? undefined : { label: 'the permissions boundary', policy: boundary };
  return evaluate(action, resource, named, bound).decision;
}

const RANK: Readonly<Record<Decision, number>> = { denied: 0, conditional: 1, allowed: 2 };

/** Whether a Resource pattern names every resource of a type: `*`, or wildcards after the type. */
export function isKindWide(pattern: string, service: string): boolean {
  if (/^[*?]*\*[*?]*$/.test(pattern)) return true;
  const parts = pattern.split(':');
  const services = RESOURCE_SERVICES[service] ?? [service];
  const serviceMatches = (part: string | undefined) =>
    part !== undefined && services.some((s) => glob(part, false).test(s));
  if (parts.length < 6) {
    // `arn:*`, `arn:aws:iam::*`: a trailing wildcard-only part spans the rest of the ARN.
    const last = parts[parts.length - 1] ?? '';
    const spans = /^[*?]*\*[*?]*$/.test(last);
    return spans && parts[0] === 'arn' && (parts.length < 3 || serviceMatches(parts[2]));
  }
  if (!serviceMatches(parts[2])) return false;
  const id = parts.slice(5).join(':');
  // S3 ARNs have no type: `bucket/*` names a bucket, so only wildcards count there. Elsewhere a
  // type (or a part of one) followed by wildcards, with or without its separator (`role/*`, `role*`).
  const typed = services.includes('s3')
    ? /^[*?/]*\*[*?/]*$/
    : /^([A-Za-z][A-Za-z0-9-]*[/:]?)?[*?/:]*\*[*?/:]*$/;
  return typed.test(id);
}

function probeOf(pattern: string): string {
  return pattern.replace(/\*+/g, SENTINEL).replace(/\?/g, SENTINEL);
}

interface Scope {
  readonly identity: readonly NamedPolicy[];
  readonly boundary: NamedPolicy | undefined;
}

function allowPatterns(scope: Scope, action: string): string[] {
  return scope.identity.flatMap(({ policy }) =>
    policy.statements
      .filter((s) => s.effect === 'Allow' && s.resources !== undefined && coversAction(s, action))
      .flatMap((s) => s.resources ?? []),
  );
}

/** The best decision for an action over its probes (see the module comment). */
function broadly(scope: Scope, action: string): Evaluation {
  const service = serviceOf(action);
  const probes = new Set((RESOURCE_SERVICES[service] ?? [service]).map(anyResourceOf));
  // A kind-wide Allow adds its own probe; `*` alone is the resources above, which a Deny of `arn:*` matches.
  for (const pattern of allowPatterns(scope, action)) {
    const probe = probeOf(pattern);
    if (isKindWide(pattern, service) && probe.startsWith('arn:')) probes.add(probe);
  }
  let best: Evaluation | undefined;
  for (const probe of probes) {
    const result = evaluate(action, probe, scope.identity, scope.boundary);
    if (best === undefined || RANK[result.decision] > RANK[best.decision]) best = result;
    if (best.decision === 'allowed') break;
  }
  return best ?? { decision: 'denied', conditionalAllows: [], unresolvedDenies: [] };
}

/** The named (not kind-wide) Resource patterns the action is allowed on, judged on their probes. */
function namedGrants(scope: Scope, action: string): string[] {
  const service = serviceOf(action);
  return [
    ...new Set(
      allowPatterns(scope, action).filter(
        (p) =>
          !isKindWide(p, service) &&
          evaluate(action, probeOf(p), scope.identity, scope.boundary).decision !== 'denied',
      ),
    ),
  ];
}

/** Every action of the data that matches one of the patterns (case-insensitive, with wildcards). */
function expand(patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    const service = serviceOf(pattern);
    const names = SERVICE_ACTIONS[service] ?? [];
    const regex = glob(pattern, true);
    return names.map((name) => `${service}:${name}`).filter((action) => regex.test(action));
  });
}

interface Match {
  readonly rule: TierRule;
  readonly evidence: string;
  readonly evaluations: readonly (readonly [string, Evaluation])[];
}

function matchRule(scope: Scope, rule: TierRule, memo: (action: string) => Evaluation): Match | undefined {
  switch (rule.match) {
    case 'every-action': {
      const actions = expand(rule.allOf.flat());
      if (actions.length === 0) return undefined;
      const evaluations = actions.map((a) => [a, memo(a)] as const);
      if (evaluations.some(([, e]) => e.decision === 'denied')) return undefined;
      // `*` when the grant reaches past IAM to every action of every embedded service.
      const everything = Object.entries(SERVICE_ACTIONS).every(([service, names]) =>
        names.every((name) => memo(`${service}:${name}`).decision !== 'denied'),
      );
      return { rule, evidence: everything ? '*' : rule.allOf.flat().join(', '), evaluations };
    }
    case 's3-objects':
      return matchS3(scope, rule, memo);
    default: {
      const chosen: (readonly [string, Evaluation])[] = [];
      for (const group of rule.allOf) {
        const hit = group.map((a) => [a, memo(a)] as const).find(([, e]) => e.decision !== 'denied');
        if (hit === undefined) return undefined;
        chosen.push(hit);
      }
      const [first, ...rest] = chosen.map(([a]) => a);
      const evidence = rest.length === 0 ? (first ?? rule.id) : `${first} with ${rest.join(' and ')}`;
      return { rule, evidence, evaluations: chosen };
    }
  }
}

function matchS3(scope: Scope, rule: TierRule, memo: (action: string) => Evaluation): Match | undefined {
  for (const action of rule.allOf.flat()) {
    const broad = memo(action);
    if (broad.decision !== 'denied') return { rule, evidence: action, evaluations: [[action, broad]] };
    const grants = namedGrants(scope, action).filter((p) => p.startsWith('arn:') && p.split(':').length >= 6);
    const bucketOf = (p: string) => p.split(':').slice(5).join(':').split('/')[0] ?? '';
    const wildcard = grants.find((p) => /[*?]/.test(bucketOf(p)));
    if (wildcard !== undefined) return { rule, evidence: `${action} on ${wildcard}`, evaluations: [] };
    const buckets = new Set(grants.filter((p) => p.includes('/')).map(bucketOf));
    if (buckets.size >= S3_NAMED_BUCKETS) {
      return { rule, evidence: `${action} on ${buckets.size} named buckets`, evaluations: [] };
    }
  }
  return undefined;
}

function labelOf(snapshot: PolicySnapshot, boundary: boolean): string {
  if (boundary) return `permissions boundary ${snapshot.name}`;
  const kind = {
    inline: 'inline policy',
    'customer-managed': 'customer managed policy',
    'aws-managed': 'AWS managed policy',
  };
  return `${kind[snapshot.kind]} ${snapshot.name}`;
}

const refText = (ref: StatementRef) => `statement ${ref.statement} of ${ref.policy}`;

function conditionNotes(matches: readonly Match[]): string[] {
  const notes: string[] = [];
  for (const match of matches) {
    const conditional = match.evaluations.filter(([, e]) => e.decision === 'conditional');
    const subject = match.rule.match === 'every-action' ? 'IAM actions' : undefined;
    for (const ref of uniqueRefs(conditional.flatMap(([, e]) => e.conditionalAllows))) {
      const what = subject ?? conditional.map(([a]) => a).join(' and ');
      notes.push(
        `${refText(ref)} allows ${what} under conditions the scanner cannot resolve; counted as possibly true`,
      );
    }
    const denying = match.evaluations.filter(([, e]) => e.unresolvedDenies.length > 0);
    for (const ref of uniqueRefs(denying.flatMap(([, e]) => e.unresolvedDenies))) {
      const what = subject ?? denying.map(([a]) => a).join(' and ');
      notes.push(
        `${refText(ref)} denies ${what} under conditions the scanner cannot resolve; not counted as a restriction`,
      );
    }
  }
  return notes;
}

function uniqueRefs(refs: readonly StatementRef[]): StatementRef[] {
  const seen = new Map<string, StatementRef>();
  for (const ref of refs) seen.set(`${ref.policy}\n${ref.statement}`, ref);
  return [...seen.values()];
}

/** The statements IAM would not have stored, by whether they may have been an Allow. */
function malformedEffects(policy: PermissionPolicy): { allowLike: number[]; deny: number[] } {
  const allowLike: number[] = [];
  const deny: number[] = [];
  for (const entry of policy.malformed) {
    let effect: unknown;
    try {
      effect = (JSON.parse(entry.source) as { Effect?: unknown } | null)?.Effect;
    } catch {
      effect = undefined;
    }
    (effect === 'Deny' ? deny : allowLike).push(entry.index);
  }
  return { allowLike, deny };
}

const TIER_ORDER: readonly PermissionTier[] = [
  'administrator',
  'privilege-escalation',
  'sensitive-data',
  'limited',
];

const UNREAD = "the role's permissions were not read";

/**
 * The tier of a role from its policies; `unknown` (with the reason) when they were not read or a
 * whole document could not be. A statement IAM would not have stored is left out and noted: a lost
 * Deny can only make the tier overstate, a lost Allow only understate, so `limited` is then not
 * claimed (the tier is `unknown`) while any higher tier still stands.
 */
export function assessPermissions(
  permissions: Readout<RolePermissions> | RolePermissions | undefined,
): PermissionAssessment {
  if (permissions === undefined) return { tier: 'unknown', evidence: [], reason: UNREAD, notes: [] };
  if ('known' in permissions) {
    if (!permissions.known) {
      return {
        tier: 'unknown',
        evidence: [],
        reason: `the permissions could not be read: ${permissions.reason}`,
        notes: [],
      };
    }
    return assessPermissions(permissions.value);
  }
  const snapshots = [
    ...permissions.policies.map((p) => ({ snapshot: p, label: labelOf(p, false), boundary: false })),
    ...(permissions.boundary === undefined
      ? []
      : [{ snapshot: permissions.boundary, label: labelOf(permissions.boundary, true), boundary: true }]),
  ];
  const unreadable = snapshots.flatMap(({ snapshot, label }) =>
    snapshot.document.known ? [] : [`${label}: ${snapshot.document.reason}`],
  );
  if (unreadable.length > 0)
    return { tier: 'unknown', evidence: [], reason: unreadable.join('; '), notes: [] };

  const named = snapshots.flatMap(({ snapshot, label, boundary }) =>
    snapshot.document.known ? [{ label, boundary, policy: snapshot.document.value }] : [],
  );
  const scope: Scope = {
    identity: named.filter((p) => !p.boundary),
    boundary: named.find((p) => p.boundary),
  };

  const cache = new Map<string, Evaluation>();
  const memo = (action: string) => {
    let result = cache.get(action);
    if (result === undefined) {
      result = broadly(scope, action);
      cache.set(action, result);
    }
    return result;
  };
  const matches = TIER_RULES.map((rule) => matchRule(scope, rule, memo)).filter(
    (m): m is Match => m !== undefined,
  );
  const top = matches[0];
  const tier: PermissionTier = top?.rule.tier ?? 'limited';
  // The administrator rule already covers every IAM action: the others add nothing to its evidence
  // but the non-IAM ones.
  const shown =
    top?.rule.match === 'every-action'
      ? [top, ...matches.slice(1).filter((m) => !m.rule.allOf.flat().every((a) => serviceOf(a) === 'iam'))]
      : matches;
  const evidence = [...new Set(shown.map((m) => m.evidence))].slice(0, 3);

  const notes = conditionNotes(shown.slice(0, 3));
  const lostAllow: string[] = [];
  for (const { label, policy } of named) {
    const { allowLike, deny } = malformedEffects(policy);
    for (const entry of policy.malformed) {
      notes.push(`statement ${entry.index} of ${label} is malformed (${entry.reason}) and was left out`);
    }
    if (allowLike.length > 0) lostAllow.push(...allowLike.map((i) => `statement ${i} of ${label}`));
    if (deny.length > 0) notes.push(`a Deny of ${label} could not be read, so the tier may overstate`);
  }
  const incomplete =
    lostAllow.length > 0 ? `${lostAllow.join(', ')} could not be read and may grant more` : undefined;
  if (tier === 'limited' && incomplete !== undefined) {
    return { tier: 'unknown', evidence: [], reason: `${incomplete} than limited permissions`, notes };
  }
  // Worse-tier actions granted on named resources only: not tiered, but worth a look.
  const worse = TIER_RULES.filter(
    (r) => r.match === undefined && TIER_ORDER.indexOf(r.tier) < TIER_ORDER.indexOf(tier),
  );
  for (const rule of worse.filter((r) => !matches.some((m) => m.rule === r))) {
    for (const action of rule.allOf.flat()) {
      const grants = namedGrants(scope, action);
      if (grants.length > 0) {
        notes.push(
          `${action} is allowed on named resources only (${grants.slice(0, 3).join(', ')}${grants.length > 3 ? ', …' : ''}); not counted`,
        );
      }
    }
  }
  return {
    tier,
    evidence: tier === 'limited' ? [] : evidence,
    notes: [...new Set(notes)],
    ...(incomplete !== undefined && tier !== 'administrator' ? { incomplete } : {}),
  };
}
