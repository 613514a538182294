/**
 * Comparing what the scanner sent to Security Hub through two backends: each finding reduced to
 * what must agree (account by its place in the organization, region, check, status, record state,
 * severity, resources), with the ids each backend makes for itself masked.
 */
import type { SentFinding } from './server';

export function normalizedFinding(sent: SentFinding, accounts: readonly string[]): string {
  const f = sent.finding as {
    GeneratorId?: string;
    AwsAccountId?: string;
    Compliance?: { Status?: string };
    RecordState?: string;
    Resources?: { Type?: string; Id?: string }[];
    FindingProviderFields?: { Severity?: { Label?: string } };
  };
  const mask = (text: string) => {
    let out = text;
    for (const [i, id] of accounts.entries()) out = out.replaceAll(id, `acct${i}`);
    return out
      .replace(/\b(vpc|subnet|sg|igw|rtb)-[0-9a-f]+/g, '$1-*')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\/id\/[A-Za-z0-9]+/g, '/id/*');
  };
  const resources = (f.Resources ?? []).map((r) => `${r.Type}:${mask(r.Id ?? '')}`).join(',');
  return [
    mask(f.AwsAccountId ?? ''),
    sent.region,
    f.GeneratorId,
    f.Compliance?.Status,
    f.RecordState,
    f.FindingProviderFields?.Severity?.Label,
    resources,
  ].join(' | ');
}

export interface FindingComparison {
  readonly same: boolean;
  readonly left: readonly string[];
  readonly right: readonly string[];
  readonly onlyLeft: readonly string[];
  readonly onlyRight: readonly string[];
}

export function compareFindings(
  left: readonly SentFinding[],
  leftAccounts: readonly string[],
  right: readonly SentFinding[],
  rightAccounts: readonly string[],
): FindingComparison {
  const a = left.map((s) => normalizedFinding(s, leftAccounts)).sort();
  const b = right.map((s) => normalizedFinding(s, rightAccounts)).sort();
  const count = (list: string[]) =>
    list.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  const onlyLeft = [...ca].flatMap(([x, n]) => Array(Math.max(0, n - (cb.get(x) ?? 0))).fill(x) as string[]);
  const onlyRight = [...cb].flatMap(([x, n]) => Array(Math.max(0, n - (ca.get(x) ?? 0))).fill(x) as string[]);
  return { same: onlyLeft.length === 0 && onlyRight.length === 0, left: a, right: b, onlyLeft, onlyRight };
}
