/**
 * The bad-input corpus under test/fixtures: every entry has a defined result (or a clear error),
 * never a crash or a silent skip. Trust policies carry their expected result and the IAM rule that
 * justifies it; clusters come in every status and with fields missing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../lambda/checks/engine';
import { irsaTrustPolicy } from '../../lambda/checks/irsa-trust-policy';
import { CHECKS } from '../../lambda/checks/registry';
import { outcomesOf, severityRank } from '../../lambda/model/result';
import type { ClusterSnapshot } from '../../lambda/model/snapshot';
import { ACCOUNT, aCluster, aContext, anAddon, aRole, aScan, contextOf } from '../support/factories';

interface TrustCase {
  readonly name: string;
  readonly document: unknown;
  readonly urlEncoded?: boolean;
  readonly expected: {
    readonly result: string;
    readonly severity?: string;
    readonly detailContains?: string;
  };
  readonly rule: string;
}

const PARTITIONS = [
  { partition: 'aws', region: 'eu-west-1', suffix: '' },
  { partition: 'aws-cn', region: 'cn-north-1', suffix: '.cn' },
  { partition: 'aws-us-gov', region: 'us-gov-west-1', suffix: '' },
] as const;

const trustCases = JSON.parse(readFileSync('test/fixtures/trust-policies.json', 'utf8')) as TrustCase[];

function materialize(text: string, p: (typeof PARTITIONS)[number]): string {
  const issuer = `oidc.eks.${p.region}.amazonaws.com${p.suffix}/id/A1B2C3D4E5F60718293A4B5C6D7E8F90`;
  const issuerB = `oidc.eks.${p.region}.amazonaws.com${p.suffix}/id/0F0E0D0C0B0A09080706050403020100`;
  return text
    .replaceAll('{{PROVIDER}}', `arn:${p.partition}:iam::${ACCOUNT}:oidc-provider/${issuer}`)
    .replaceAll('{{PROVIDER_B}}', `arn:${p.partition}:iam::${ACCOUNT}:oidc-provider/${issuerB}`)
    .replaceAll('{{ISSUER_B}}', issuerB)
    .replaceAll('{{ISSUER}}', issuer)
    .replaceAll('{{ACCOUNT}}', ACCOUNT);
}

describe('Corpus: trust policies', () => {
  it('holds the cases the harness promises', () => {
    expect(trustCases.length).toBeGreaterThanOrEqual(35);
    expect(trustCases.every((c) => c.rule.length > 10)).toBe(true);
    const longest = Math.max(...trustCases.map((c) => JSON.stringify(c.document).length));
    expect(longest).toBeGreaterThan(1900);
    expect(longest).toBeLessThanOrEqual(2048 + 400); // placeholders grow a little when materialized
  });

  for (const p of PARTITIONS) {
    it.each(trustCases.map((c) => [c.name, c] as const))(`${p.partition}: %s`, (_, c) => {
      const text = materialize(typeof c.document === 'string' ? c.document : JSON.stringify(c.document), p);
      const providers = [materialize('{{PROVIDER}}', p), materialize('{{PROVIDER_B}}', p)];
      const role = aRole(c.urlEncoded ? encodeURIComponent(text) : text);

      const judged = irsaTrustPolicy.evaluate(role, aContext({ providers }));

      if (c.expected.result === 'none') {
        expect(judged).toBeUndefined();
        return;
      }
      // One result per issuer the role trusts (both of a case's providers are in its region): the
      // case's expectation is the worst of them.
      const outcomes = outcomesOf(judged);
      const [outcome] = [...outcomes].sort(
        (a, b) =>
          STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
          severityRank(b.severity) - severityRank(a.severity),
      );
      expect(outcome?.status).toBe(c.expected.result);
      if (c.expected.severity) expect(outcome?.severity).toBe(c.expected.severity);
      if (c.expected.detailContains)
        expect(outcomes.map((o) => o.detail).join('\n')).toContain(c.expected.detailContains);
      expect(outcomes.every((o) => o.region === p.region)).toBe(true);
    });
  }
});

interface ClusterCase {
  readonly name: string;
  readonly cluster: Partial<ClusterSnapshot>;
  /** Expected status per check id. */
  readonly expected: Record<string, string>;
}

/** Worst first: what a case with several results is expected to be. */
const STATUS_ORDER = ['FAILED', 'WARNING', 'NOT_AVAILABLE', 'PASSED'];

const clusterCases = JSON.parse(readFileSync('test/fixtures/clusters.json', 'utf8')) as ClusterCase[];

/** Any ID DescribeAddon might give: an add-on's ARN ends in one. */
const ADDON_ID = '4ec1e2f3-4b5c-6d7e-8f90-a1b2c3d4e5f6';

/**
 * The corpus cluster: its DescribeCluster fields from the case, and what the collector reads after
 * DescribeCluster: access entries only where the corpus gives them, no node groups or Pod Identity
 * associations, and a compliant managed vpc-cni add-on and upgrade insight unless the case gives its
 * own. The corpus judges DescribeCluster's answers; the checks those other reads drive have their
 * own tests.
 */
function corpusCluster(fields: Partial<ClusterSnapshot>): ClusterSnapshot {
  const place = {
    accountId: fields.accountId ?? ACCOUNT,
    region: fields.region ?? 'eu-west-1',
    name: fields.name ?? 'corpus',
    arn: fields.arn ?? `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/corpus`,
  };
  const cni = anAddon({
    accountId: place.accountId,
    region: place.region,
    clusterName: place.name,
    clusterArn: place.arn,
    arn: `${place.arn.replace(':cluster/', ':addon/')}/vpc-cni/${ADDON_ID}`,
  });
  return {
    ...place,
    accessEntries: { known: false, reason: 'not in the corpus' },
    nodegroups: { known: true, value: [] },
    podIdentityAssociations: { known: true, value: [] },
    addons: { known: true, value: [{ name: cni.name, description: { known: true, value: cni } }] },
    upgradeInsights: aCluster().upgradeInsights,
    ...fields,
  };
}

describe('Corpus: clusters', () => {
  it.each(clusterCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const cluster = corpusCluster(c.cluster);

    const scan = aScan({ clusters: [cluster] });
    const results = runChecks(CHECKS, scan, contextOf(scan));

    // The statuses of the cluster's own results: those about its add-on, its account region's
    // GuardDuty coverage and the factories' OIDC provider do not judge DescribeCluster's answers.
    const ofCluster = results.filter((r) => r.resource.type === 'AwsEksCluster');
    expect(ofCluster.every((r) => r.resource.id === cluster.arn)).toBe(true);
    expect(Object.fromEntries(ofCluster.map((r) => [r.checkId, r.status]))).toEqual(c.expected);
    // Every result, of every kind, says why; none comes from a check that threw.
    expect(results.every((r) => r.detail.length > 0)).toBe(true);
    expect(results.filter((r) => r.detail.includes('failed on this resource'))).toEqual([]);
  });
});
