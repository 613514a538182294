import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../lambda/model/result';
import {
  applyMutelist,
  checkMutelist,
  expiredWarning,
  type Mutelist,
} from '../../../lambda/mutelist/mutelist';
import { parseMutelist } from '../../../lambda/mutelist/mutelist-file';
import { CHECK_IDS } from '../../../lambda/scan/config';
import { ACCOUNT, REGION } from '../../support/factories';
import { aClusterResult, aRoleResult, CLUSTER } from '../../support/results';

const NOW = new Date('2026-12-02T10:00:00Z');
const TAGS: Record<string, Record<string, string>> = {
  [CLUSTER.arn]: { env: 'sandbox', team: 'platform' },
};
const context = { now: NOW, clusterTags: (arn: string) => TAGS[arn] };

function mutelist(...entries: unknown[]): Mutelist {
  return checkMutelist(entries, 'accepted.yaml', CHECK_IDS);
}

function mutedOf(results: readonly CheckResult[], list: Mutelist) {
  return applyMutelist(results, list, context).results.map((r) => r.muted);
}

const nodegroupResult = aClusterResult({
  checkId: 'nodegroup-remote-access',
  resource: {
    type: 'AwsEksNodegroup',
    id: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${CLUSTER.name}/workers/1a2b`,
    name: `${CLUSTER.name}/workers`,
  },
  clusterArn: CLUSTER.arn,
});

describe('Function: parseMutelist', () => {
  it('reads YAML entries under mutelist, lists given as sequences or comma-separated text', () => {
    const list = parseMutelist(
      [
        'mutelist:',
        '  - checks: [endpoint-public-access]',
        '    accounts: "111122223333"',
        '    regions: us-east-1, eu-*',
        '    resources: ["arn:aws:eks:*:*:cluster/ci-*"]',
        '    clusterTags: [env=sandbox]',
        '    reason: CI runners reach the API from outside the VPC (SEC-42)',
        '    owner: platform-team',
        '    expires: 2027-03-31',
      ].join('\n'),
      'accepted.yaml',
      CHECK_IDS,
    );
    expect(list.entries).toEqual([
      {
        checks: ['endpoint-public-access'],
        accounts: ['111122223333'],
        regions: ['us-east-1', 'eu-*'],
        resources: ['arn:aws:eks:*:*:cluster/ci-*'],
        clusterTags: { env: 'sandbox' },
        reason: 'CI runners reach the API from outside the VPC (SEC-42)',
        owner: 'platform-team',
        expires: '2027-03-31',
      },
    ]);
  });

  it('reads JSON too', () => {
    const list = parseMutelist(
      JSON.stringify({
        mutelist: [{ checks: '*', reason: 'sandbox account', clusterTags: { env: 'sandbox' } }],
      }),
      'accepted.json',
      CHECK_IDS,
    );
    expect(list.entries[0]).toMatchObject({ checks: ['*'], clusterTags: { env: 'sandbox' } });
  });

  it.each([
    ['mutelist: [', /^accepted\.yaml: not valid YAML or JSON: /],
    ['- checks: ["*"]', "accepted.yaml: expected a mapping with a 'mutelist' list of entries"],
    ['entries: []', "accepted.yaml: unknown key 'entries' (a mutelist file holds only 'mutelist')"],
    ['mutelist: {}', "accepted.yaml: 'mutelist' must be a list of entries"],
    ['mutelist:\n  - checks: ["*"]', 'accepted.yaml: entry 1: reason: is required'],
    ['mutelist:\n  - reason: x', 'accepted.yaml: entry 1: checks: is required'],
    [
      'mutelist:\n  - checks: ["*"]\n    reason: ok\n  - checks: [endpoint-public]\n    reason: x',
      "accepted.yaml: entry 2: checks: unknown check id 'endpoint-public' (known: endpoint-public-access,",
    ],
    [
      'mutelist:\n  - checks: ["*"]\n    reason: x\n    expires: 2027-02-30',
      'accepted.yaml: entry 1: expires: must be a date written YYYY-MM-DD',
    ],
    ['mutelist:\n  - checks: ["*"]\n    reason: x\n    accounts: [1234]x', /^accepted\.yaml: /],
    [
      'mutelist:\n  - checks: ["*"]\n    reason: x\n    accounts: [acme]',
      'accepted.yaml: entry 1: accounts.0: each account is a 12-digit id, or a glob of one',
    ],
    [
      'mutelist:\n  - checks: ["*"]\n    reason: x\n    clusterTags: [sandbox]',
      'accepted.yaml: entry 1: clusterTags: each tag is key=value with a non-empty key',
    ],
    ['mutelist:\n  - checks: ["*"]\n    reason: "  "', 'accepted.yaml: entry 1: reason: must not be empty'],
    [
      'mutelist:\n  - checks: ["*"]\n    reason: x\n    resource: y',
      "accepted.yaml: entry 1: unknown key 'resource' (known: checks, accounts, regions, resources, clusterTags, reason, owner, expires)",
    ],
  ])('refuses %j with one line naming the file, the entry and the problem', (text, message) => {
    let thrown: unknown;
    try {
      parseMutelist(text, 'accepted.yaml', CHECK_IDS);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const { name, message: said } = thrown as Error;
    expect(name).toBe('ConfigError');
    expect(said).not.toContain('\n');
    if (typeof message === 'string') expect(said.startsWith(message)).toBe(true);
    else expect(said).toMatch(message);
  });
});

describe('Function: applyMutelist', () => {
  it('mutes what an entry matches, keeping status and severity, and names the entry', () => {
    const list = mutelist(
      { checks: ['supported-version'], reason: 'not this one' },
      { checks: ['endpoint-public-access'], reason: 'accepted', owner: 'ops', expires: '2026-12-02' },
    );
    const [result] = applyMutelist([aClusterResult()], list, context).results;
    expect(result).toMatchObject({ status: 'FAILED', severity: 'HIGH' });
    expect(result?.muted).toEqual({ reason: 'accepted', owner: 'ops', expires: '2026-12-02', entry: 2 });
  });

  it('needs every selector an entry gives to match', () => {
    const result = aClusterResult();
    const matches = (entry: Record<string, unknown>) =>
      mutedOf([result], mutelist({ checks: '*', reason: 'r', ...entry }))[0] !== undefined;
    expect(matches({})).toBe(true);
    expect(matches({ accounts: [ACCOUNT] })).toBe(true);
    expect(matches({ accounts: ['999999999999'] })).toBe(false);
    expect(matches({ regions: ['us-*'] })).toBe(REGION.startsWith('us-'));
    expect(matches({ regions: ['xx-north-9'] })).toBe(false);
    expect(matches({ resources: [CLUSTER.name] })).toBe(true);
    expect(matches({ resources: [CLUSTER.arn] })).toBe(true);
    expect(matches({ resources: ['arn:aws:eks:*:*:cluster/*'] })).toBe(true);
    expect(matches({ resources: ['other-cluster'] })).toBe(false);
    expect(matches({ accounts: [ACCOUNT], resources: ['other-cluster'] })).toBe(false);
    expect(matches({ clusterTags: ['env=sandbox', 'team=platform'] })).toBe(true);
    expect(matches({ clusterTags: ['env=sandbox', 'team=payments'] })).toBe(false);
    expect(matches({ clusterTags: ['env=prod'] })).toBe(false);
  });

  it('matches node-group and IRSA results through their cluster tags, and never a result without a cluster', () => {
    const list = mutelist({ checks: '*', clusterTags: { env: 'sandbox' }, reason: 'sandbox' });
    const irsa = aRoleResult({ clusterArn: CLUSTER.arn });
    const { clusterArn: _, ...unplaced } = aRoleResult();
    const muted = mutedOf([nodegroupResult, irsa, unplaced as CheckResult], list);
    expect(muted.map((m) => m?.reason)).toEqual(['sandbox', 'sandbox', undefined]);
  });

  it('mutes through the last day of expires, then warns once and mutes no more', () => {
    const list = mutelist(
      { checks: '*', reason: 'until today', expires: '2026-12-02' },
      { checks: '*', reason: 'until yesterday', expires: '2026-12-01' },
    );
    const today = applyMutelist([aClusterResult()], list, context);
    expect(today.results[0]?.muted?.reason).toBe('until today');
    expect(today.expired).toEqual([{ entry: 2, reason: 'until yesterday', expires: '2026-12-01' }]);

    const later = applyMutelist([aClusterResult(), aRoleResult()], list, {
      ...context,
      now: new Date('2026-12-03T00:00:00Z'),
    });
    expect(later.results.map((r) => r.muted)).toEqual([undefined, undefined]);
    expect(later.expired.map((e) => expiredWarning(list, e))).toEqual([
      'accepted.yaml: entry 1 expired on 2026-12-02 and no longer mutes (until today)',
      'accepted.yaml: entry 2 expired on 2026-12-01 and no longer mutes (until yesterday)',
    ]);
  });

  it('leaves results as they are without a mutelist', () => {
    const results = [aClusterResult()];
    expect(applyMutelist(results, undefined, context).results).toEqual(results);
  });
});
