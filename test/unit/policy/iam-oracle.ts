/**
 * An outside judge for the trust analyses: `@cloud-copilot/iam-simulate` (AGPL-3.0, a
 * devDependency used by tests only; `licenses.test.ts` keeps it out of what ships) evaluates a
 * request against a role trust policy with IAM's condition semantics. For each document this asks
 * it about probe requests and compares its answers with what the analysis claims.
 *
 * IRSA: `sts:AssumeRoleWithWebIdentity` from each provider with tokens for the service accounts the
 * analysis names, their namespace, another namespace, `kube-system`, other audiences and no `aud`.
 * Simulator gap: it drops context keys its service data does not list for the action, and EKS
 * issuer keys (`oidc.eks.<region>.amazonaws.com/id/<id>:sub`) are not listed, so every condition on
 * them would fail as missing. Each issuer's `:sub`/`:aud` is therefore mapped onto keys the data
 * lists for sts:AssumeRoleWithWebIdentity (issuer 1 → `accounts.google.com:sub`/`:aud`, issuer 2 →
 * `cognito-identity.amazonaws.com:sub`/`:aud`), in the policy and in the request alike: the string
 * operators' semantics stay the same, only the key's name changes.
 *
 * Pod Identity: `sts:AssumeRole` and `sts:TagSession` from `pods.eks.amazonaws.com`, with
 * `aws:SourceAccount`, `aws:SourceArn` and the six session tags (or none, as with
 * `disableSessionTags`), for the association the analysis names and for fresh clusters, accounts,
 * namespaces and service accounts.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { parseEksConditionKey } from '../../../lambda/policy/eks-oidc';
import { globToRegExp } from '../../../lambda/policy/glob';
import { analyseIrsaTrust, type Grant, STS_AUDIENCE } from '../../../lambda/policy/irsa-trust';
import { analysePodIdentityTrust, POD_IDENTITY_SERVICE } from '../../../lambda/policy/pod-identity-trust';
import { type ParsedTrustPolicy, parseTrustPolicy } from '../../../lambda/policy/trust-document';

export type Json = Record<string, unknown>;
type Context = Record<string, string | string[]>;

export const ORACLE_ACCOUNT = '111122223333';
const ROLE_ARN = `arn:aws:iam::${ORACLE_ACCOUNT}:role/oracle`;
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
/** Keys the simulator's data lists for sts:AssumeRoleWithWebIdentity, standing in for two EKS issuers. */
const STAND_INS = ['accounts.google.com', 'cognito-identity.amazonaws.com'] as const;
/** The audience a pod asks for when it mints a token for the API server rather than for STS. */
const OTHER_AUDIENCE = 'https://kubernetes.default.svc';
const SERVICE_ACCOUNT_SUB = /^system:serviceaccount:([a-z0-9-]+):([a-z0-9.-]+)$/;

/** Where the oracle and the analysis disagree, with enough to reproduce it. */
export interface Disagreement {
  readonly document: string;
  readonly probe: string;
  readonly simulator: string;
  readonly analysis: string;
}

/** What one run of the oracle checked. */
export class OracleTally {
  policies = 0;
  probes = 0;
  simulations = 0;
  readonly skipped = new Map<string, number>();
  readonly disagreements: Disagreement[] = [];
  /**
   * Pod Identity statements the analysis finds open (not limited by the recommended conditions)
   * that no probe got through: the verdict is a standard, not a reach, and a finite probe set cannot
   * always find the association such a statement lets in. Counted, not failed, for generated policies.
   */
  readonly unwitnessed: Disagreement[] = [];

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }
}

/** Answers for the document being judged; cleared for each document. */
const simulations = new Map<string, Promise<boolean>>();

/** Whether the simulator allows `action` for `principal` with `context` under `policy`. */
async function allows(
  policy: Json,
  principal: string,
  action: string,
  context: Context,
  tally: OracleTally,
): Promise<boolean> {
  const key = JSON.stringify([policy, principal, action, context]);
  const cached = simulations.get(key);
  if (cached !== undefined) return cached;
  tally.simulations += 1;
  const pending = runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource: ROLE_ARN, accountId: ORACLE_ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    {},
  ).then((result) => {
    if (result.resultType === 'error') throw new SimulatorRejectedError(result.errors.message);
    return result.overallResult === 'Allowed';
  });
  simulations.set(key, pending);
  return pending;
}

export class SimulatorRejectedError extends Error {
  override readonly name = 'SimulatorRejectedError';
}

function statementsOf(document: Json): Json[] {
  const raw = document.Statement;
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  return list.filter((s): s is Json => typeof s === 'object' && s !== null && !Array.isArray(s));
}

/**
 * The document with each issuer's `:sub`/`:aud` keys renamed to its stand-in, keeping the case they
 * were written in (IAM compares key names without case). `undefined` when a key cannot be mapped: a
 * third issuer, or a claim other than sub and aud.
 */
export function mapIssuerKeys(document: Json, issuers: readonly string[]): Json | undefined {
  const statements: Json[] = [];
  for (const statement of statementsOf(document)) {
    const condition = statement.Condition;
    if (condition === undefined) {
      statements.push(statement);
      continue;
    }
    if (typeof condition !== 'object' || condition === null) return undefined;
    const mapped: Record<string, Json> = {};
    for (const [operator, block] of Object.entries(condition as Json)) {
      const keys: Json = {};
      for (const [key, value] of Object.entries(block as Json)) {
        const parsed = parseEksConditionKey(key);
        let name = key;
        if (parsed !== undefined) {
          const standIn = STAND_INS[issuers.indexOf(parsed.issuer)];
          if (standIn === undefined || (parsed.claim !== 'sub' && parsed.claim !== 'aud')) return undefined;
          const [issuerPart = '', claimPart = ''] = [
            key.slice(0, key.lastIndexOf(':')),
            key.slice(key.lastIndexOf(':')),
          ];
          name = `${issuerPart === issuerPart.toUpperCase() ? standIn.toUpperCase() : standIn}${claimPart}`;
        }
        if (Object.keys(keys).some((k) => k.toLowerCase() === name.toLowerCase())) return undefined;
        keys[name] = value;
      }
      mapped[operator] = keys;
    }
    statements.push({ ...statement, Condition: mapped });
  }
  return { ...document, Statement: statements };
}

/** `*` and `?` filled in so that the result matches the pattern; `variant` picks different fills. */
function fill(pattern: string, variant: number): string {
  return pattern
    .replaceAll('*', `zq${variant}`)
    .replaceAll('?', variant % 2 === 0 ? 'q' : 'r')
    .toLowerCase();
}

function serviceAccount(sub: string): { namespace: string; name: string } | undefined {
  const match = SERVICE_ACCOUNT_SUB.exec(sub);
  return match?.[1] && match[2] ? { namespace: match[1], name: match[2] } : undefined;
}

/** Whether a grant admits a service account, by its narrowest `:sub` clause (`Grant.subjects`). */
function admits(grant: Grant, sub: string): boolean {
  return grant.exposure === 'any' || grant.subjects.some((s) => globToRegExp(s, true).test(sub));
}

function conditionValues(document: Json, matches: (key: string) => boolean): string[] {
  return statementsOf(document).flatMap((statement) =>
    Object.values((statement.Condition as Json | undefined) ?? {}).flatMap((block) =>
      Object.entries(block as Json)
        .filter(([key]) => matches(key))
        .flatMap(([, value]) => (Array.isArray(value) ? value : [value]).map(String)),
    ),
  );
}

/** Why a document stays out of the comparison, or `undefined` when it can be compared. */
function irsaExclusion(document: Json, providers: readonly string[]): string | undefined {
  for (const statement of statementsOf(document)) {
    const principal = statement.Principal;
    if (typeof principal !== 'object' || principal === null) continue;
    const federated = (principal as Json).Federated;
    for (const arn of (Array.isArray(federated) ? federated : [federated]).filter((f) => f !== undefined)) {
      // The simulator compares Federated literally and has no `*` there; IAM documents neither a
      // wildcard nor a case-blind match for it. The analysis takes both as trust (fail closed).
      if (arn === '*') return 'Principal {"Federated": "*"}: the simulator matches no provider';
      if (typeof arn === 'string' && !providers.includes(arn) && /oidc\.eks\./i.test(arn)) {
        return 'an EKS provider ARN spelt in another case or partition than the probes use';
      }
    }
  }
  return undefined;
}

/**
 * Compares the IRSA analysis with the simulator for one trust policy. `issuers` and `providers`
 * are the two EKS providers the account registers, in the order of their stand-ins.
 */
export async function judgeIrsa(
  text: string,
  issuers: readonly [string, string],
  providers: readonly [string, string],
  tally: OracleTally,
): Promise<void> {
  simulations.clear();
  const read = comparable(text, tally);
  if (read === undefined) return;
  const { parsed, document } = read;
  const excluded = irsaExclusion(document, providers);
  if (excluded !== undefined) return tally.skip(excluded);
  const policy = mapIssuerKeys(document, issuers);
  if (policy === undefined) return tally.skip('a condition key with no stand-in in the simulator data');

  const analysis = analyseIrsaTrust(parsed, providers);
  // Tokens without `aud` are judged by the analysis told that `aud` may be missing.
  const withoutAud = analyseIrsaTrust(parsed, providers, ['sub']);
  tally.policies += 1;
  const name = text.length > 3000 ? `${text.slice(0, 3000)}…` : text;

  for (const [index, issuer] of issuers.entries()) {
    const standIn = STAND_INS[index] ?? STAND_INS[0];
    const provider = providers[index] ?? providers[0];
    const grants = analysis.grants.filter((g) => g.issuer === issuer && g.ineffective === undefined);
    const grantsWithoutAud = withoutAud.grants.filter(
      (g) => g.issuer === issuer && g.ineffective === undefined,
    );
    // The statements whose :aud the analysis finds not pinned to sts.amazonaws.com.
    const openAudience = new Set(
      analysis.problems
        .filter((p) => p.issuer === issuer && p.severity === 'LOW' && p.message.includes(`${issuer}:aud`))
        .map((p) => p.statement),
    );
    const subValues = conditionValues(document, (key) => {
      const k = parseEksConditionKey(key);
      return k?.issuer === issuer && k.claim === 'sub';
    });
    const bases = [...grants.flatMap((g) => g.subjects), ...subValues, 'system:serviceaccount:payments:api']
      .flatMap((v) => [fill(v, 0), fill(v, 1)])
      .map(serviceAccount)
      .filter((sa): sa is { namespace: string; name: string } => sa !== undefined);
    const subs = [
      ...new Set(
        bases
          .slice(0, 4)
          .flatMap(({ namespace, name: sa }) => [
            `system:serviceaccount:${namespace}:${sa}`,
            `system:serviceaccount:${namespace}:zfresh`,
            `system:serviceaccount:zfresh-ns:${sa}`,
            'system:serviceaccount:kube-system:zfresh',
          ]),
      ),
    ].slice(0, 8);
    const audValues = conditionValues(document, (key) => {
      const k = parseEksConditionKey(key);
      return k?.issuer === issuer && k.claim === 'aud';
    });
    // The audiences the policy names, as written and with wildcards filled: a pod can ask for a
    // token with any audience, and STS takes it when the provider lists that client ID.
    const audiences = [
      ...new Set([
        STS_AUDIENCE,
        OTHER_AUDIENCE,
        STS_AUDIENCE.toUpperCase(),
        ...audValues,
        ...audValues.map((v) => v.toUpperCase()),
        ...audValues.map((v) => fill(v, 0)),
      ]),
    ].slice(0, 9);

    const token = (sub: string, audience: string | undefined): Context => ({
      [`${standIn}:sub`]: sub,
      ...(audience === undefined ? {} : { [`${standIn}:aud`]: audience }),
    });
    const allowed = (sub: string, audience: string | undefined) => {
      tally.probes += 1;
      return allows(policy, provider, WEB_IDENTITY, token(sub, audience), tally);
    };
    const disagree = (probe: string, simulator: string, claim: string) =>
      tally.disagreements.push({ document: name, probe: `${issuer}: ${probe}`, simulator, analysis: claim });

    // Soundness: nothing the simulator allows lies outside what the analysis says is allowed.
    for (const sub of subs) {
      for (const audience of audiences) {
        if (!(await allowed(sub, audience))) continue;
        const admitting = grants.filter((g) => admits(g, sub));
        if (admitting.length === 0) {
          disagree(`sub=${sub} aud=${audience}`, 'Allowed', describe(grants));
        } else if (
          audience.toLowerCase() !== STS_AUDIENCE &&
          !admitting.some((g) => openAudience.has(g.statement))
        ) {
          disagree(`sub=${sub} aud=${audience}`, 'Allowed', `aud pinned to ${STS_AUDIENCE}`);
        }
      }
      if ((await allowed(sub, undefined)) && !grantsWithoutAud.some((g) => admits(g, sub))) {
        disagree(`sub=${sub} without aud`, 'Allowed', describe(grantsWithoutAud));
      }
    }

    // Tightness: each grant reaches as far as the analysis says.
    const anyAudience = async (sub: string) => {
      for (const audience of audiences) if (await allowed(sub, audience)) return true;
      return false;
    };
    for (const grant of grants) {
      const reached = await reaches(grant, subValues, anyAudience);
      if (!reached)
        disagree(`the reach of statement ${grant.statement}`, 'ImplicitlyDenied', describe([grant]));
    }
  }
}

const UNIVERSE = ['payments', 'pay-zq', 'team-q', 'team-r', 'kube-system', 'zfresh-ns'].flatMap((ns) =>
  ['api', 'worker', 'zfresh'].map((name) => `system:serviceaccount:${ns}:${name}`),
);

/**
 * Whether the simulator lets in as many service accounts as the grant's exposure says: one for
 * exact, two names of one namespace, two namespaces, or one in a namespace no condition names.
 * Witnesses are the grant's own values filled in, the document's, and a small universe, each kept
 * only where the grant admits it.
 */
async function reaches(
  grant: Grant,
  documentValues: readonly string[],
  allowed: (sub: string) => Promise<boolean>,
): Promise<boolean> {
  const candidates = [
    ...new Set([...grant.subjects, ...documentValues].flatMap((v) => [fill(v, 0), fill(v, 1), fill(v, 2)])),
    ...UNIVERSE,
  ].filter((sub) => serviceAccount(sub) !== undefined && admits(grant, sub));
  const witnesses = async (count: number, distinct: (sa: { namespace: string; name: string }) => string) => {
    const seen = new Map<string, Set<string>>();
    for (const sub of new Set(candidates)) {
      const sa = serviceAccount(sub);
      if (sa === undefined || !(await allowed(sub))) continue;
      const group = count === 2 && distinct(sa) === sa.name ? sa.namespace : '';
      const found = seen.get(group) ?? new Set<string>();
      found.add(distinct(sa));
      seen.set(group, found);
      if (found.size >= count) return true;
    }
    return false;
  };
  switch (grant.exposure) {
    case 'any':
      for (const sub of [
        'system:serviceaccount:zfresh-ns:zfresh',
        'system:serviceaccount:kube-system:zfresh',
      ]) {
        if (await allowed(sub)) return true;
      }
      return false;
    case 'cross-namespace':
      return witnesses(2, (sa) => sa.namespace);
    case 'namespace':
      return witnesses(2, (sa) => sa.name);
    case 'exact':
      // A subject that is no real service account (upper case, another prefix) has nothing to reach.
      if (!grant.subjects.some((s) => serviceAccount(s) !== undefined)) return true;
      return witnesses(1, (sa) => sa.name);
  }
}

function describe(grants: readonly Grant[]): string {
  if (grants.length === 0) return 'nothing allowed';
  return grants.map((g) => `statement ${g.statement}: ${g.exposure} [${g.subjects.join(', ')}]`).join('; ');
}

interface Association {
  readonly account: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly tags: boolean;
  /** Whether the request carries aws:SourceAccount and aws:SourceArn, which no document promises. */
  readonly source?: boolean;
}

const FRESH = {
  account: '999988887777',
  cluster: 'zfresh',
  namespace: 'zfresh-ns',
  serviceAccount: 'zfresh-sa',
};
const REGION = 'eu-west-1';

function podIdentityContext(a: Association): Context {
  const clusterArn = `arn:aws:eks:${REGION}:${a.account}:cluster/${a.cluster}`;
  const tags: Record<string, string> = {
    'eks-cluster-arn': clusterArn,
    'eks-cluster-name': a.cluster,
    'kubernetes-namespace': a.namespace,
    'kubernetes-service-account': a.serviceAccount,
    'kubernetes-pod-name': 'app-0',
    'kubernetes-pod-uid': '00000000-0000-0000-0000-000000000000',
  };
  return {
    ...(a.source === false ? {} : { 'aws:SourceAccount': a.account, 'aws:SourceArn': clusterArn }),
    ...(a.tags
      ? {
          ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
          'aws:TagKeys': Object.keys(tags),
        }
      : {}),
  };
}

/** The first literal value a positive condition of an Allow gives a key (case-blind), if any. */
function literal(document: Json, key: string, valid: RegExp): string | undefined {
  const allows = statementsOf(document).flatMap((statement) =>
    statement.Effect !== 'Allow'
      ? []
      : Object.entries((statement.Condition as Json | undefined) ?? {})
          .filter(([operator]) => !/Not|^Null$/.test(operator))
          .map(([, block]) => block),
  );
  return allows
    .flatMap((block) =>
      Object.entries(block as Json)
        .filter(([k]) => k.toLowerCase() === key.toLowerCase())
        .flatMap(([, value]) => (Array.isArray(value) ? value : [value]).map(String)),
    )
    .find((v) => !/[*?]/.test(v) && valid.test(v));
}

/** The association the document names, as far as it names one; the rest from a default. */
function namedAssociation(document: Json): Association {
  const arn = [
    literal(document, 'aws:SourceArn', /:cluster\//),
    literal(document, 'aws:RequestTag/eks-cluster-arn', /:cluster\//),
  ]
    .filter((v): v is string => v !== undefined)
    .map((v) => /^arn:[^:]+:eks:[^:]+:(\d{12}):cluster\/([a-z0-9-]+)$/.exec(v))
    .find((m) => m !== null);
  return {
    account: arn?.[1] ?? literal(document, 'aws:SourceAccount', /^\d{12}$/) ?? ORACLE_ACCOUNT,
    cluster: arn?.[2] ?? literal(document, 'aws:RequestTag/eks-cluster-name', /^[a-z0-9-]+$/) ?? 'prod',
    namespace: literal(document, 'aws:RequestTag/kubernetes-namespace', /^[a-z0-9-]+$/) ?? 'payments',
    serviceAccount: literal(document, 'aws:RequestTag/kubernetes-service-account', /^[a-z0-9.-]+$/) ?? 'api',
    tags: true,
  };
}

type Limit = 'cluster' | 'tags' | 'refused' | 'open';

function limitOf(grant: { readonly limitedBy?: string; readonly gap?: string }): Limit {
  if (grant.gap !== undefined) return 'open';
  if (grant.limitedBy?.startsWith('Deny statement') || grant.limitedBy?.startsWith('conditions no request')) {
    return 'refused';
  }
  return grant.limitedBy?.includes('request tags') ? 'tags' : 'cluster';
}

/**
 * The document parsed both ways (ours and as plain JSON for the simulator), or `undefined`, with the
 * reason tallied, when it has no behaviour to compare: not a policy, or a statement IAM would refuse to store.
 */
function comparable(
  text: string,
  tally: OracleTally,
): { parsed: ParsedTrustPolicy; document: Json } | undefined {
  let parsed: ParsedTrustPolicy;
  let document: Json;
  try {
    parsed = parseTrustPolicy(text);
    document = JSON.parse(text) as Json;
  } catch {
    tally.skip('not a policy the analysis can parse');
    return undefined;
  }
  if (parsed.malformed.length > 0) {
    tally.skip('a statement IAM would refuse to store');
    return undefined;
  }
  return { parsed, document };
}

/** Compares the Pod Identity analysis with the simulator for one trust policy. */
export async function judgePodIdentity(text: string, tally: OracleTally): Promise<void> {
  simulations.clear();
  const read = comparable(text, tally);
  if (read === undefined) return;
  const { parsed, document } = read;
  const services = statementsOf(document).flatMap((s) => {
    const service = (s.Principal as Json | undefined)?.Service;
    return (Array.isArray(service) ? service : [service]).filter((v): v is string => typeof v === 'string');
  });
  // The simulator compares service principals literally; the analysis matches any case (fail
  // closed), and IAM documents no case-blind match either way.
  if (services.some((s) => s !== POD_IDENTITY_SERVICE && s.toLowerCase() === POD_IDENTITY_SERVICE)) {
    return tally.skip('the Pod Identity service principal spelt in another case');
  }
  // An Allow for every principal lets Pod Identity in as it lets in everyone: no Pod Identity claim.
  if (
    parsed.statements.some(
      (s) => s.effect === 'Allow' && (s.principal.kind === 'any' || s.principal.aws.includes('*')),
    )
  ) {
    return tally.skip('an Allow for every principal, which the Pod Identity analysis does not judge');
  }
  const analysis = analysePodIdentityTrust(parsed);
  tally.policies += 1;
  const name = text.length > 3000 ? `${text.slice(0, 3000)}…` : text;
  const base = namedAssociation(document);
  const probes: Record<string, Association> = {
    named: base,
    'named, session tags off': { ...base, tags: false },
    'fresh cluster': { ...base, cluster: FRESH.cluster },
    'fresh account': { ...base, account: FRESH.account },
    'fresh namespace': { ...base, namespace: FRESH.namespace },
    'kube-system, fresh service account': {
      ...base,
      namespace: 'kube-system',
      serviceAccount: FRESH.serviceAccount,
    },
    'fresh service account': { ...base, serviceAccount: FRESH.serviceAccount },
    'all fresh': { ...FRESH, tags: true },
    'all fresh, session tags off': { ...FRESH, tags: false },
    'named, no source keys': { ...base, source: false },
    'all fresh, no source keys, session tags off': { ...FRESH, tags: false, source: false },
  };
  const decisions: Record<string, boolean> = {};
  for (const [probe, association] of Object.entries(probes)) {
    tally.probes += 1;
    const context = podIdentityContext(association);
    const assume = await allows(document, POD_IDENTITY_SERVICE, 'sts:AssumeRole', context, tally);
    // With session tags, EKS Pod Identity needs sts:TagSession as well (pod-id-role.html).
    decisions[probe] =
      assume &&
      (!association.tags || (await allows(document, POD_IDENTITY_SERVICE, 'sts:TagSession', context, tally)));
  }
  const disagree = (probe: string, simulator: string, claim: string) =>
    tally.disagreements.push({ document: name, probe: `Pod Identity: ${probe}`, simulator, analysis: claim });
  const limits = analysis.grants.map(limitOf);
  const allowedProbes = Object.keys(decisions).filter((p) => decisions[p]);

  if (!analysis.applies || limits.every((l) => l === 'refused')) {
    for (const probe of allowedProbes) disagree(probe, 'Allowed', 'nothing allowed');
    return;
  }
  if (limits.includes('open')) {
    // An open grant lets in some association the named one does not cover.
    const escapes = allowedProbes.filter((p) => p !== 'named');
    if (escapes.length === 0) {
      tally.unwitnessed.push({
        document: name,
        probe: 'Pod Identity: every probe but the named one',
        simulator: 'ImplicitlyDenied',
        analysis: 'open to any association',
      });
    }
    return;
  }
  const mustDeny = [
    'all fresh',
    'all fresh, session tags off',
    'all fresh, no source keys, session tags off',
  ];
  if (limits.every((l) => l !== 'tags')) mustDeny.push('fresh cluster', 'fresh account');
  if (limits.every((l) => l !== 'cluster')) {
    mustDeny.push('fresh cluster', 'fresh namespace', 'fresh service account', 'named, session tags off');
  }
  for (const probe of mustDeny)
    if (decisions[probe]) disagree(probe, 'Allowed', `limited (${limits.join(', ')})`);
}
