/**
 * The trust analyses judged by an outside evaluator, `@cloud-copilot/iam-simulate` (see
 * `iam-oracle.ts` for how requests are built and why EKS issuer keys are renamed for it): over the
 * bad-input corpus, the documents of the unit tests, and a few thousand generated policies
 * (operators × qualifiers × key case × values with and without wildcards × Allow/Deny), from a
 * seeded generator so every run sees the same ones.
 *
 * Where the simulator and the IAM documentation disagree the documentation wins: such documents are
 * kept out of the comparison in `iam-oracle.ts`, each with the reason, and counted in `skipped`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  aud,
  ISSUER_A,
  ISSUER_B,
  irsaStatement,
  named,
  PROVIDER_A,
  PROVIDER_B,
  SERVICE_ACCOUNT,
  STS,
  sub,
  subCondition,
  trustDocument,
  WEB_IDENTITY,
} from '../../support/irsa-documents';
import { seededRandom } from '../../support/prng';
import { type Json, judgeIrsa, judgePodIdentity, ORACLE_ACCOUNT, OracleTally } from './iam-oracle';

const ISSUERS = [named(ISSUER_A), named(ISSUER_B)] as const;
const PROVIDERS = [PROVIDER_A, PROVIDER_B] as const;
const GENERATED_IRSA = 1500;
const GENERATED_POD_IDENTITY = 1000;
const SEED = 20_261_212;
/** Generated Pod Identity statements found open that no probe gets through (see the last test). */
const UNWITNESSED_POD_IDENTITY = 175;

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};
const values = (random: Random, pool: readonly string[]): string | string[] =>
  random() < 0.3 ? [...new Set([pick(random, pool), pick(random, pool)])] : pick(random, pool);

const STRING_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
] as const;
const ARN_OPERATORS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'] as const;
/** Typed operators, used only on keys the tokens never carry (another issuer's claims). */
const TYPED: readonly (readonly [string, string])[] = [
  ['Bool', 'true'],
  ['NumericLessThan', '5'],
  ['NumericNotEquals', '5'],
  ['DateGreaterThan', '2020-01-01T00:00:00Z'],
  ['DateNotEquals', '2020-01-01T00:00:00Z'],
  ['BinaryEquals', 'QQ=='],
];

/** An operator with a random qualifier and IfExists; `Null` takes neither, as IAM requires. */
function operator(random: Random, bases: readonly string[]): string {
  if (random() < 0.1) return 'Null';
  const qualifier = pick(random, ['', '', 'ForAllValues:', 'ForAnyValue:']);
  return `${qualifier}${pick(random, bases)}${random() < 0.3 ? 'IfExists' : ''}`;
}

function addClause(
  random: Random,
  condition: Record<string, Json>,
  op: string,
  key: string,
  value: string | string[],
): void {
  const block = condition[op] ?? {};
  if (Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase())) return;
  condition[op] = { ...block, [key]: op === 'Null' ? pick(random, ['true', 'false']) : value };
}

const SUBS = [
  SERVICE_ACCOUNT,
  'system:serviceaccount:payments:worker',
  'system:serviceaccount:kube-system:admin',
  'system:serviceaccount:payments:*',
  'system:serviceaccount:*:api',
  'system:serviceaccount:team-?:api',
  'system:serviceaccount:pay*:*',
  'system:serviceaccount:*',
  'system:*',
  '*',
  'SYSTEM:SERVICEACCOUNT:PAYMENTS:API',
];
const AUDIENCES = [STS, STS, STS.toUpperCase(), 'sts.*', '*', 'other-audience'];

function issuerKey(random: Random, issuer: string, claim: 'sub' | 'aud'): string {
  switch (pick(random, [0, 0, 1, 2])) {
    case 1:
      return `${issuer.toLowerCase()}:${claim}`;
    case 2:
      return `${issuer.toUpperCase()}:${claim.toUpperCase()}`;
    default:
      return `${issuer}:${claim}`;
  }
}

/** One generated IRSA trust policy. */
function irsaPolicy(random: Random): string {
  const statements: Json[] = [];
  const allows = random() < 0.75 ? 1 : 2;
  const denies = pick(random, [0, 1, 1, 2]);
  for (let i = 0; i < allows + denies; i++) {
    const deny = i >= allows;
    const principal = deny
      ? pick<Json | string>(random, [
          { Federated: PROVIDER_A },
          { Federated: PROVIDER_A },
          '*',
          { Federated: [PROVIDER_A, PROVIDER_B] },
          { Federated: PROVIDER_B },
        ])
      : pick<Json | string>(random, [
          { Federated: PROVIDER_A },
          { Federated: PROVIDER_A },
          { Federated: PROVIDER_A },
          { Federated: PROVIDER_B },
          { Federated: [PROVIDER_A, PROVIDER_B] },
          '*',
          { AWS: '*' },
        ]);
    const single =
      typeof principal === 'object' && typeof principal.Federated === 'string'
        ? principal.Federated
        : undefined;
    const own = single === PROVIDER_B ? ISSUER_B : ISSUER_A;
    const other = own === ISSUER_A ? ISSUER_B : ISSUER_A;
    const condition: Record<string, Json> = {};
    const clauses = deny ? pick(random, [0, 1, 1, 2, 2]) : pick(random, [0, 1, 2, 2, 3]);
    for (let c = 0; c < clauses; c++) {
      const issuer = random() < 0.8 ? own : other;
      const claim = random() < 0.6 ? 'sub' : 'aud';
      const key = issuerKey(random, issuer, claim);
      if (issuer === other && single !== undefined && random() < 0.4) {
        // Typed operators on a claim these tokens never carry: decided by absence alone.
        const [base, value] = pick(random, TYPED);
        const op = `${pick(random, ['', 'ForAllValues:', 'ForAnyValue:'])}${base}${random() < 0.3 ? 'IfExists' : ''}`;
        addClause(random, condition, op, key, value);
        continue;
      }
      addClause(
        random,
        condition,
        operator(random, STRING_OPERATORS),
        key,
        values(random, claim === 'sub' ? SUBS : AUDIENCES),
      );
    }
    statements.push({
      Effect: deny ? 'Deny' : 'Allow',
      Principal: principal,
      Action: pick<string | string[]>(random, [
        WEB_IDENTITY,
        WEB_IDENTITY,
        [WEB_IDENTITY, 'sts:TagSession'],
        'sts:*',
      ]),
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const POD_SERVICE = 'pods.eks.amazonaws.com';
const CLUSTER_ARN = `arn:aws:eks:eu-west-1:${ORACLE_ACCOUNT}:cluster/prod`;
const POD_KEYS: readonly { readonly key: string; readonly arn: boolean; readonly pool: readonly string[] }[] =
  [
    {
      key: 'aws:SourceAccount',
      arn: false,
      pool: [ORACLE_ACCOUNT, ORACLE_ACCOUNT, '444455556666', '1111*', '*'],
    },
    {
      key: 'aws:SourceArn',
      arn: true,
      pool: [
        CLUSTER_ARN,
        CLUSTER_ARN,
        'arn:aws:eks:*:*:cluster/*',
        `arn:aws:eks:*:${ORACLE_ACCOUNT}:cluster/prod*`,
        `arn:aws:eks:eu-west-1:${ORACLE_ACCOUNT}:cluster/staging`,
        'arn:aws:eks:*:*:*',
      ],
    },
    {
      key: 'aws:RequestTag/eks-cluster-arn',
      arn: true,
      pool: [
        CLUSTER_ARN,
        'arn:aws:eks:*:*:cluster/*',
        `arn:aws:eks:eu-west-?:${ORACLE_ACCOUNT}:cluster/prod`,
      ],
    },
    { key: 'aws:RequestTag/eks-cluster-name', arn: false, pool: ['prod', 'prod*', '*', 'staging'] },
    {
      key: 'aws:RequestTag/kubernetes-namespace',
      arn: false,
      pool: ['payments', 'payments', 'pay*', '*', 'kube-system'],
    },
    {
      key: 'aws:RequestTag/kubernetes-service-account',
      arn: false,
      pool: ['api', 'api', 'a?i', '*', 'worker'],
    },
    { key: 'aws:RequestTag/kubernetes-pod-name', arn: false, pool: ['*', 'app-*'] },
  ];

/** One generated Pod Identity trust policy. */
function podIdentityPolicy(random: Random): string {
  const statements: Json[] = [];
  const allows = random() < 0.8 ? 1 : 2;
  const denies = pick(random, [0, 1, 1, 2]);
  for (let i = 0; i < allows + denies; i++) {
    const deny = i >= allows;
    const condition: Record<string, Json> = {};
    const clauses = deny ? pick(random, [0, 1, 1, 2]) : pick(random, [0, 1, 2, 3, 3, 4]);
    for (let c = 0; c < clauses; c++) {
      const { key, arn, pool } = pick(random, POD_KEYS);
      const cased = random() < 0.2 ? key.toUpperCase() : key;
      const bases = arn && random() < 0.6 ? ARN_OPERATORS : STRING_OPERATORS;
      addClause(random, condition, operator(random, bases), cased, values(random, pool));
    }
    statements.push({
      Effect: deny ? 'Deny' : 'Allow',
      Principal: deny
        ? pick<Json | string>(random, [{ Service: POD_SERVICE }, '*'])
        : pick<Json>(random, [
            { Service: POD_SERVICE },
            { Service: POD_SERVICE },
            { Service: ['ec2.amazonaws.com', POD_SERVICE] },
          ]),
      Action: deny
        ? pick<string | string[]>(random, ['sts:AssumeRole', ['sts:AssumeRole', 'sts:TagSession']])
        : pick<string | string[]>(random, [
            ['sts:AssumeRole', 'sts:TagSession'],
            ['sts:AssumeRole', 'sts:TagSession'],
            'sts:AssumeRole',
            'sts:*',
          ]),
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The documents of the IRSA unit tests (irsa-trust.test.ts, irsa-trust-operators.test.ts), rebuilt with their helpers. */
function irsaSpecDocuments(): string[] {
  const deny = (condition?: Json, principal: Json | string = { Federated: PROVIDER_A }): Json => ({
    Effect: 'Deny',
    Principal: principal,
    Action: WEB_IDENTITY,
    ...(condition === undefined ? {} : { Condition: condition }),
  });
  const audienceOnly = irsaStatement({ Condition: { StringEquals: { [aud()]: STS } } });
  const unconditioned = irsaStatement({ Condition: undefined });
  const both = { Federated: [PROVIDER_A, PROVIDER_B] };
  const documents = [
    trustDocument(irsaStatement()),
    trustDocument(audienceOnly),
    trustDocument(unconditioned),
    ...[
      '*',
      'system:serviceaccount:*',
      'system:serviceaccount:*:api',
      'system:serviceaccount:team-*:api',
      'system:serviceaccount:payments:*',
    ].map((pattern) => trustDocument(irsaStatement({ Condition: subCondition('StringLike', pattern) }))),
    ...[
      'StringNotEquals',
      'StringNotLike',
      'ForAllValues:StringNotEquals',
      'StringEqualsIfExists',
      'ForAnyValue:StringEquals',
    ].map((op) =>
      trustDocument(irsaStatement({ Condition: subCondition(op, 'system:serviceaccount:kube-system:*') })),
    ),
    trustDocument(
      irsaStatement({ Condition: { Null: { [sub()]: 'false' }, StringEquals: { [aud()]: STS } } }),
    ),
    trustDocument(
      irsaStatement({ Condition: { Null: { [sub()]: 'true' }, StringEquals: { [aud()]: STS } } }),
    ),
    trustDocument(irsaStatement({ Principal: both })),
    trustDocument(
      irsaStatement({
        Principal: both,
        Condition: { StringEqualsIfExists: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
      }),
    ),
    trustDocument(
      irsaStatement({
        Principal: both,
        Condition: { 'ForAllValues:StringEquals': { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } },
      }),
    ),
    trustDocument(irsaStatement({ Principal: '*' })),
    trustDocument({ Effect: 'Allow', Principal: { AWS: '*' }, Action: WEB_IDENTITY }),
    trustDocument(unconditioned, deny()),
    trustDocument(audienceOnly, deny({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT } })),
    trustDocument(audienceOnly, deny({ StringNotLike: { [sub()]: 'system:serviceaccount:payments:*' } })),
    trustDocument(
      irsaStatement({ Condition: { StringEquals: { [sub()]: SERVICE_ACCOUNT } } }),
      deny({ StringNotEquals: { [aud()]: STS } }, '*'),
    ),
    trustDocument(audienceOnly, deny({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT, [aud()]: STS } })),
    trustDocument(
      irsaStatement({
        Principal: { Federated: PROVIDER_B },
        Condition: { StringEquals: { [aud(ISSUER_B)]: STS } },
      }),
      deny({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT } }, both),
    ),
    ...[
      'StringNotEqualsIfExists',
      'ForAllValues:StringNotEquals',
      'ForAnyValue:StringNotEquals',
      'StringNotEqualsIgnoreCaseIfExists',
      'ForAllValues:StringNotLike',
      'ArnNotEquals',
    ].map((op) => trustDocument(audienceOnly, deny({ [op]: { [sub()]: SERVICE_ACCOUNT } }))),
    ...[
      { StringLike: { [aud()]: '*' } },
      { Null: { [aud()]: 'false' } },
      { StringEquals: { [aud()]: STS } },
      { StringLike: { [aud()]: 'sts.*' } },
      { StringEqualsIgnoreCase: { [aud()]: STS.toUpperCase() } },
      { DateNotEquals: { [sub(ISSUER_B)]: '2020-01-01' } },
    ].flatMap((always) => [
      trustDocument(audienceOnly, deny({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT }, ...always })),
      trustDocument(unconditioned, deny({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT }, ...always })),
    ]),
    ...[
      { Bool: { [sub(ISSUER_B)]: 'true' } },
      { NumericLessThan: { [aud(ISSUER_B)]: '5' } },
      { NumericNotEquals: { [sub(ISSUER_B)]: '5' } },
      { 'ForAnyValue:StringEqualsIfExists': { [sub(ISSUER_B)]: '*' } },
      { BoolIfExists: { [sub(ISSUER_B)]: 'true' } },
      { StringEquals: { [aud()]: STS }, StringEqualsIgnoreCase: { [aud()]: 'other' } },
      { StringEqualsIgnoreCase: { [sub()]: SERVICE_ACCOUNT.toUpperCase(), [aud()]: 'STS.amazonaws.com' } },
    ].map((condition) => trustDocument(irsaStatement({ Condition: condition }))),
    trustDocument(
      unconditioned,
      deny({ StringNotEquals: { [aud()]: STS } }),
      deny({ StringNotEquals: { [sub()]: SERVICE_ACCOUNT }, StringEquals: { [aud()]: STS } }),
    ),
  ];
  return documents;
}

/** The documents of the Pod Identity unit tests, rebuilt. */
function podIdentitySpecDocuments(): string[] {
  const allow = (condition?: Json): Json => ({
    Effect: 'Allow',
    Principal: { Service: POD_SERVICE },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    ...(condition === undefined ? {} : { Condition: condition }),
  });
  const deny = (condition?: Json, principal: Json | string = { Service: POD_SERVICE }): Json => ({
    Effect: 'Deny',
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition === undefined ? {} : { Condition: condition }),
  });
  const tags = {
    'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
    'aws:RequestTag/kubernetes-namespace': 'payments',
    'aws:RequestTag/kubernetes-service-account': 'api',
  };
  const sa = 'aws:RequestTag/kubernetes-service-account';
  const withoutSa = allow({
    StringEquals: {
      'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
      'aws:RequestTag/kubernetes-namespace': 'payments',
    },
  });
  const accountOnly = allow({ StringEquals: { 'aws:SourceAccount': ORACLE_ACCOUNT } });
  const doc = (...statements: Json[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return [
    doc(allow()),
    doc(allow({ StringEquals: tags })),
    doc(
      allow({
        StringEquals: { 'aws:SourceAccount': ORACLE_ACCOUNT },
        ArnEquals: { 'aws:SourceArn': CLUSTER_ARN },
      }),
    ),
    doc(
      allow({
        StringEquals: { 'aws:SourceAccount': ORACLE_ACCOUNT },
        StringLike: { 'aws:SourceArn': `arn:aws:eks:*:${ORACLE_ACCOUNT}:cluster/prod-*` },
      }),
    ),
    doc(allow({ StringEqualsIfExists: tags })),
    doc(allow({ 'ForAllValues:StringEquals': tags })),
    doc(allow({ StringNotEquals: tags })),
    doc(allow({ ArnEquals: { 'aws:SourceArn': CLUSTER_ARN } })),
    ...['ArnEquals', 'ArnLike', 'ArnEqualsIfExists'].map((op) =>
      doc(
        allow({
          StringEquals: { 'aws:SourceAccount': ORACLE_ACCOUNT },
          [op]: { 'aws:SourceArn': 'arn:aws:eks:*:*:cluster/*' },
        }),
      ),
    ),
    ...['ArnNotEquals', 'ArnNotLike'].flatMap((op) => [
      doc(accountOnly, deny({ [op]: { 'aws:SourceArn': 'arn:aws:eks:*:*:cluster/*' } })),
      doc(accountOnly, deny({ [op]: { 'aws:SourceArn': CLUSTER_ARN } })),
      doc(accountOnly, deny({ [op]: { 'aws:SourceArn': CLUSTER_ARN } }, '*')),
    ]),
    ...[
      'StringNotEquals',
      'StringNotLike',
      'StringNotEqualsIgnoreCase',
      'StringNotEqualsIfExists',
      'ForAllValues:StringNotEquals',
      'ForAnyValue:StringNotEquals',
      'ForAnyValue:StringNotEqualsIfExists',
      'StringEquals',
    ].map((op) => doc(withoutSa, deny({ [op]: { [sa]: 'api' } }))),
    ...['ArnNotEqualsIfExists', 'ForAllValues:ArnNotEquals', 'ForAllValues:ArnNotLike'].map((op) =>
      doc(accountOnly, deny({ [op]: { 'aws:SourceArn': CLUSTER_ARN } })),
    ),
    ...[
      { StringEquals: { 'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN } },
      { Null: { 'aws:RequestTag/kubernetes-namespace': 'false' } },
      { StringLike: { 'aws:RequestTag/kubernetes-namespace': '*' } },
      { StringLike: { 'aws:RequestTag/kubernetes-pod-name': '*' } },
      { StringEqualsIgnoreCase: { 'aws:RequestTag/kubernetes-namespace': 'billing' } },
    ].map((always) => doc(withoutSa, deny({ StringNotEquals: { [sa]: 'api' }, ...always }))),
    doc(allow(), deny(undefined)),
    doc(withoutSa, deny({ StringNotLike: { [sa]: '*' } })),
  ];
}

interface CorpusCase {
  readonly document: unknown;
}

/** The corpus, materialized as corpus.test.ts does for the aws partition, with issuers A and B. */
function corpusDocuments(): string[] {
  const cases = JSON.parse(readFileSync('test/fixtures/trust-policies.json', 'utf8')) as CorpusCase[];
  return cases.map((c) =>
    (typeof c.document === 'string' ? c.document : JSON.stringify(c.document))
      .replaceAll('{{PROVIDER}}', PROVIDER_A)
      .replaceAll('{{PROVIDER_B}}', PROVIDER_B)
      .replaceAll('{{ISSUER_B}}', ISSUER_B)
      .replaceAll('{{ISSUER}}', ISSUER_A)
      .replaceAll('{{ACCOUNT}}', ORACLE_ACCOUNT),
  );
}

async function judgeAll(documents: readonly string[]): Promise<OracleTally> {
  const tally = new OracleTally();
  for (const text of documents) {
    await judgeIrsa(text, ISSUERS, PROVIDERS, tally);
    await judgePodIdentity(text, tally);
  }
  return tally;
}

function summary(label: string, tally: OracleTally): string {
  const skipped = [...tally.skipped.entries()].map(([reason, n]) => `${n} × ${reason}`).join('; ');
  return `${label}: ${tally.policies} policy judgements, ${tally.probes} probes, ${tally.simulations} simulations, ${tally.unwitnessed.length} open verdicts no probe witnessed; skipped: ${skipped || 'none'}`;
}

describe('Oracle: the trust analyses against @cloud-copilot/iam-simulate', () => {
  it('agrees on every probe of the corpus', async () => {
    const tally = await judgeAll(corpusDocuments());

    console.info(summary('corpus', tally));
    expect(tally.disagreements).toEqual([]);
    expect(tally.unwitnessed).toEqual([]);
    expect(tally.policies).toBeGreaterThan(25);
  });

  it('agrees on every probe of the unit tests’ documents', async () => {
    const tally = await judgeAll([...irsaSpecDocuments(), ...podIdentitySpecDocuments()]);

    console.info(summary('unit-test documents', tally));
    expect(tally.disagreements).toEqual([]);
    expect(tally.unwitnessed).toEqual([]);
    expect(tally.policies).toBeGreaterThan(100);
  });

  it(`agrees on every probe of ${GENERATED_IRSA} generated IRSA policies`, { timeout: 120_000 }, async () => {
    const random = seededRandom(SEED);
    const tally = new OracleTally();
    for (let i = 0; i < GENERATED_IRSA; i++) await judgeIrsa(irsaPolicy(random), ISSUERS, PROVIDERS, tally);

    console.info(summary('generated IRSA', tally));
    expect(tally.disagreements.slice(0, 10)).toEqual([]);
    expect(tally.policies).toBe(GENERATED_IRSA);
  });

  it(`agrees on every probe of ${GENERATED_POD_IDENTITY} generated Pod Identity policies`, {
    timeout: 120_000,
  }, async () => {
    const random = seededRandom(SEED + 1);
    const tally = new OracleTally();
    for (let i = 0; i < GENERATED_POD_IDENTITY; i++) await judgePodIdentity(podIdentityPolicy(random), tally);

    console.info(summary('generated Pod Identity', tally));
    expect(tally.disagreements.slice(0, 10)).toEqual([]);
    expect(tally.policies).toBe(GENERATED_POD_IDENTITY);
    // Generated statements whose conditions contradict each other across keys (a cluster name
    // against a cluster ARN pattern) or admit only values no probe uses (another spelling of a
    // cluster name): found open by the analysis, a FAILED MEDIUM where IAM may let no one in. A false
    // positive, never a false negative; the seed makes the count fixed, so a rise is a regression.
    // Exact, so that an improvement lowers the figure here and a regression cannot hide behind it.
    expect(tally.unwitnessed.length).toBe(UNWITNESSED_POD_IDENTITY);
  });
});
