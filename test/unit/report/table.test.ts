import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../lambda/model/report';
import type { CheckResult, PublishableResult } from '../../../lambda/model/result';
import { renderTable } from '../../../lambda/report/table';
import { ACCOUNT, aCluster, aNodegroup, aRole, ISSUER, KEY_ARN, REGION } from '../../support/factories';
import { aClusterResult, aRoleResult, aScope, CLUSTER } from '../../support/results';

// An account whose id sorts before ACCOUNT's, with only a LOW failure: it must come after ACCOUNT's.
const OTHER_ACCOUNT = '000011112222';
const OTHER_REGION = 'ap-south-1';
const SECOND_ISSUER = `oidc.eks.${REGION}.amazonaws.com/id/0F1E2D3C4B5A69788796A5B4C3D2E1F0`;

const BLUE = aCluster({ name: 'blue' });
const DEV = aCluster({ name: 'dev' });
const DEV_ARN = `arn:aws:eks:us-east-1:${OTHER_ACCOUNT}:cluster/dev`;
const NODEGROUP = aNodegroup({
  clusterName: 'payments-production-blue',
  name: 'general-purpose-spot-workers',
});
const ROLE = aRole({}, 'eks-payments-production-blue-external-secrets-operator-irsa');
const POD_ROLE = aRole({}, 'pod-identity-reporting');

const LONG_DETAIL =
  'The node group runs in public subnets: subnet-0ccc3333 (route 0.0.0.0/0 to igw-0a1b2c3d4e5f60718, ' +
  'public IPs on launch), subnet-0ddd4444 (route ::/0 to igw-0a1b2c3d4e5f60718). Nodes there get public ' +
  'addresses and are reachable from the internet wherever a security group allows it; move the node ' +
  'group to private subnets behind a NAT gateway.';

const cluster = (overrides: Partial<PublishableResult>): CheckResult => aClusterResult(overrides);
const nodegroup = (overrides: Partial<PublishableResult>): CheckResult =>
  aClusterResult({
    resource: {
      type: 'AwsEksNodegroup',
      id: NODEGROUP.arn,
      name: `${NODEGROUP.clusterName}/${NODEGROUP.name}`,
    },
    clusterArn: NODEGROUP.clusterArn,
    ...overrides,
  });
const role = (overrides: Partial<PublishableResult>): CheckResult =>
  aRoleResult({ resource: { type: 'AwsIamRole', id: ROLE.arn, name: ROLE.name }, ...overrides });

const RESULTS: CheckResult[] = [
  cluster({ checkId: 'control-plane-logging', status: 'PASSED', severity: 'INFORMATIONAL', detail: 'ok' }),
  cluster({ checkId: 'endpoint-public-access' }),
  cluster({
    checkId: 'secrets-encryption',
    severity: 'CRITICAL',
    detail: `The secrets key ${KEY_ARN} is pending deletion; secrets become unreadable once it is deleted.`,
  }),
  cluster({
    checkId: 'supported-version',
    status: 'WARNING',
    severity: 'MEDIUM',
    detail:
      'Kubernetes 1.30 leaves standard support on 2026-12-23 (in 30 days); extended support costs extra.',
  }),
  cluster({
    checkId: 'deletion-protection',
    status: 'NOT_AVAILABLE',
    severity: 'INFORMATIONAL',
    detail: 'deletionProtection is not in the DescribeCluster answer (an emulator or an older API).',
  }),
  cluster({ checkId: 'authentication-mode', status: 'PASSED', severity: 'INFORMATIONAL', detail: 'API' }),
  cluster({
    checkId: 'cluster-admin-access',
    severity: 'HIGH',
    detail: 'arn:aws:iam::111122223333:role/break-glass holds AmazonEKSClusterAdminPolicy.',
    muted: {
      reason: 'break-glass role, reviewed every quarter',
      expires: '2027-03-31',
      entry: 2,
      owner: 'platform',
    },
  }),
  nodegroup({ checkId: 'nodegroup-public-subnets', severity: 'MEDIUM', detail: LONG_DETAIL }),
  nodegroup({
    checkId: 'nodegroup-remote-access',
    status: 'PASSED',
    severity: 'INFORMATIONAL',
    detail: 'none',
  }),
  role({
    oidcIssuer: ISSUER,
    detail: `[CRITICAL] statement 1: no condition restricts ${ISSUER}:sub`,
  }),
  role({
    oidcIssuer: SECOND_ISSUER,
    severity: 'LOW',
    detail: '[LOW] statement 2: no condition pins :aud',
    muted: { reason: 'legacy issuer, cluster being retired', entry: 5 },
  }),
  aClusterResult({
    checkId: 'endpoint-public-access',
    status: 'PASSED',
    severity: 'INFORMATIONAL',
    resource: { type: 'AwsEksCluster', id: BLUE.arn, name: BLUE.name },
    detail: 'private only',
  }),
  aClusterResult({
    checkId: 'secrets-encryption',
    status: 'PASSED',
    severity: 'INFORMATIONAL',
    resource: { type: 'AwsEksCluster', id: BLUE.arn, name: BLUE.name },
    detail: 'encrypted',
  }),
  aRoleResult({
    checkId: 'pod-identity-trust-policy',
    region: OTHER_REGION,
    severity: 'LOW',
    resource: { type: 'AwsIamRole', id: POD_ROLE.arn, name: POD_ROLE.name },
    detail: 'pods.eks.amazonaws.com may assume the role from any cluster: no aws:SourceArn condition.',
  }),
  aClusterResult({
    checkId: 'control-plane-logging',
    accountId: OTHER_ACCOUNT,
    region: 'us-east-1',
    severity: 'LOW',
    resource: { type: 'AwsEksCluster', id: DEV_ARN, name: DEV.name },
    detail: 'Required log types not enabled: audit.',
  }),
  aClusterResult({
    checkId: 'endpoint-public-access',
    accountId: OTHER_ACCOUNT,
    region: 'us-east-1',
    status: 'PASSED',
    severity: 'INFORMATIONAL',
    resource: { type: 'AwsEksCluster', id: DEV_ARN, name: DEV.name },
    detail: 'private only',
  }),
];

const SCANNED: RunReport = {
  schemaVersion: 1,
  scanId: 's',
  startedAt: '2026-11-23T12:00:00.000Z',
  finishedAt: '2026-11-23T12:00:12.000Z',
  targets: [
    { accountId: ACCOUNT, region: REGION, status: 'SCANNED' },
    { accountId: ACCOUNT, region: OTHER_REGION, status: 'SCANNED' },
    { accountId: ACCOUNT, region: 'global', status: 'SCANNED' },
    { accountId: OTHER_ACCOUNT, region: 'us-east-1', status: 'SCANNED' },
    {
      accountId: OTHER_ACCOUNT,
      region: 'global',
      status: 'FAILED',
      error: `iam:GetAccountAuthorizationDetails failed: AccessDenied: User arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/eks-posture-member/eks-posture is not authorized to perform it`,
    },
  ],
  results: RESULTS,
  warnings: [
    'mutelist.yaml: entry 4 expired on 2026-11-01 and no longer mutes (legacy cluster, to be deleted)',
  ],
  stats: { apiCalls: {}, durationMs: 12_300 },
};

const SCAN: RunReport = {
  ...SCANNED,
  publish: {
    targets: [
      {
        accountId: ACCOUNT,
        region: REGION,
        imported: 9,
        archived: 2,
        kept: 1,
        unchanged: 3,
        failed: 0,
        skippedChecks: [],
      },
      {
        accountId: OTHER_ACCOUNT,
        region: 'us-east-1',
        imported: 2,
        archived: 0,
        kept: 0,
        unchanged: 0,
        failed: 1,
        skippedChecks: ['cluster-admin-access'],
      },
    ],
    failures: [{ id: 'eks-posture/abc', errorCode: 'InvalidInput', errorMessage: 'Finding too large' }],
    invalidFindings: [],
  },
};

/** Every token a reader must be able to copy: the ARNs of the resources shown in full, a key, an issuer. */
const LONG_TOKENS = [CLUSTER.arn, NODEGROUP.arn, ROLE.arn, POD_ROLE.arn, DEV_ARN, KEY_ARN, ISSUER];
const SHOWN_CHECKS = [
  ...new Set(RESULTS.filter((r) => r.status !== 'PASSED' || r.muted).map((r) => r.checkId)),
];

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\u001b\[[0-9;]*m/g;
const plain = (text: string) => text.replace(ANSI, '');
const visibleWidth = (line: string) => [...plain(line)].length;
const linesOf = (text: string) => plain(text).split('\n');
const trimmed = (text: string) => linesOf(text).map((line) => line.trim());
const indexOf = (lines: readonly string[], pattern: RegExp) => lines.findIndex((line) => pattern.test(line));

/** The consecutive lines (trimmed) that, put together, give the token, or undefined when none do. */
function piecesOf(lines: readonly string[], token: string): string[] | undefined {
  for (let i = 0; i < lines.length; i++) {
    const pieces: string[] = [];
    let joined = '';
    for (let j = i; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line === '' || !token.startsWith(joined + line)) break;
      pieces.push(line);
      joined += line;
      if (joined === token) return pieces;
    }
  }
  return undefined;
}

describe('Function: renderTable', () => {
  describe.each([40, 80, 120, 200])('at %i columns', (width) => {
    it.each([false, true])('keeps every line within the width (color %s)', (color) => {
      const text = renderTable(SCAN, { width, color });

      const lines = text.split('\n');
      expect(lines.filter((line) => visibleWidth(line) > width)).toEqual([]);
      expect(Math.max(...lines.map(visibleWidth))).toBeGreaterThan(width / 2);
    });

    it('prints every check id whole', () => {
      const words = new Set(
        linesOf(renderTable(SCAN, { width, color: true })).flatMap((l) => l.split(/[\s,]+/)),
      );

      for (const checkId of SHOWN_CHECKS) expect(words).toContain(checkId);
    });
  });

  describe.each([80, 120, 200])('at %i columns, where no ARN segment is wider than the terminal', (width) => {
    it('prints every ARN, key and issuer whole, or on lines of its own split after its separators', () => {
      const lines = trimmed(renderTable(SCAN, { width, color: true }));

      for (const token of LONG_TOKENS) {
        if (lines.some((line) => line.includes(token))) continue;
        const pieces = piecesOf(lines, token);
        expect(pieces, token).toBeDefined();
        expect(pieces?.length).toBeGreaterThan(1);
        expect(pieces?.slice(0, -1).every((piece) => /[:/]$/.test(piece))).toBe(true);
      }
    });
  });

  it('splits a token longer than the width only after its separators, and cuts a name longer than the width', () => {
    const lines = trimmed(renderTable(SCAN, { width: 40 }));

    // The node group's ARN has no piece longer than 40 between separators.
    expect(
      piecesOf(lines, NODEGROUP.arn)
        ?.slice(0, -1)
        .every((p) => /[:/]$/.test(p)),
    ).toBe(true);
    // The role's name alone is 59 characters: the last resort cuts it, and the lines still give it back.
    const role = piecesOf(lines, ROLE.arn) ?? [];
    expect(role.join('')).toBe(ROLE.arn);
    expect(role.every((piece) => piece.length <= 40)).toBe(true);
  });

  it('puts a result on one line when it fits, and wraps a long detail under the result when not', () => {
    const wide = linesOf(renderTable(SCAN, { width: 200 }));
    const narrow = linesOf(renderTable(SCAN, { width: 80 }));

    expect(wide).toContain(
      '    FAILED         HIGH      endpoint-public-access     The public endpoint admits every IPv4 address (allowed CIDRs: 0.0.0.0/0).',
    );
    const head = indexOf(narrow, /^ {4}FAILED\s+MEDIUM\s+nodegroup-public-subnets$/);
    expect(head).toBeGreaterThan(-1);
    const wrapped = narrow.slice(head + 1, head + 6);
    expect(wrapped.every((line) => line.startsWith('      ') && !line.startsWith('       '))).toBe(true);
    expect(wrapped.map((line) => line.trim()).join(' ')).toContain(LONG_DETAIL.slice(0, 200));
  });

  it('wraps a detail beside the check id when the terminal leaves it room', () => {
    const lines = linesOf(renderTable(SCAN, { width: 120 }));

    const head = indexOf(lines, /^ {4}FAILED\s+MEDIUM\s+nodegroup-public-subnets\s+The node group/);
    const column = lines[head]?.indexOf('The node group') ?? -1;
    expect(lines[head + 1]?.slice(0, column).trim()).toBe('');
    expect(lines[head + 1]?.[column]).not.toBe(' ');
  });

  it('orders accounts, regions and resources worst first, and results FAILED, WARNING, NOT_AVAILABLE, PASSED', () => {
    const lines = linesOf(renderTable(SCAN, { width: 200 }));

    const order = [
      /^111122223333 {2}eu-west-1$/,
      /^ {2}cluster prod {2}arn:/,
      /FAILED\s+CRITICAL\s+secrets-encryption/,
      /FAILED\s+HIGH\s+endpoint-public-access/,
      /WARNING\s+MEDIUM\s+supported-version/,
      /NOT_AVAILABLE\s+-\s+deletion-protection/,
      /^ {4}PASSED\s+authentication-mode, control-plane-logging$/,
      /^ {2}role eks-payments/,
      /FAILED\s+CRITICAL\s+irsa-trust-policy/,
      /^ {2}node group payments-production-blue\/general-purpose-spot-workers/,
      /^ {4}PASSED\s+nodegroup-remote-access$/,
      /^ {2}all PASSED: cluster blue$/,
      /^111122223333 {2}ap-south-1$/,
      /^000011112222 {2}us-east-1$/,
      /FAILED\s+LOW\s+control-plane-logging/,
      /^Muted \(accepted risks\)$/,
      /^\d+ results:/,
    ].map((pattern) => indexOf(lines, pattern));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('shows muted results apart, with their reason and last day, and counts them apart', () => {
    const lines = linesOf(renderTable(SCAN, { width: 200 }));

    const section = indexOf(lines, /^Muted \(accepted risks\)$/);
    const summary = indexOf(lines, /^\d+ results:/);
    const muted = lines.slice(section, summary).join('\n');
    expect(lines.slice(0, section).join('\n')).not.toContain('cluster-admin-access');
    expect(muted).toMatch(
      /FAILED\s+HIGH\s+cluster-admin-access\s+Accepted: break-glass role, reviewed every quarter - until 2027-03-31, mutelist entry 2, owner platform$/m,
    );
    expect(muted).toMatch(
      /FAILED\s+LOW\s+irsa-trust-policy\s+Accepted: legacy issuer, cluster being retired$/m,
    );
    expect(muted).toMatch(/^\s+no last day, mutelist entry 5$/m);
    expect(muted).toMatch(new RegExp(`^\\s+${SECOND_ISSUER}$`, 'm'));
    expect(lines).toContain('16 results: 6 PASSED, 8 FAILED (2 muted), 1 WARNING, 1 NOT_AVAILABLE.');
    expect(lines).toContain('Unmuted FAILED by severity: 2 CRITICAL, 1 HIGH, 1 MEDIUM, 2 LOW.');
  });

  it('leaves the muted section out with hideMuted, and still counts them', () => {
    const text = plain(renderTable(SCAN, { width: 200, hideMuted: true }));

    expect(text).not.toContain('Muted (accepted risks)');
    expect(text).not.toContain('break-glass role');
    expect(text).toContain('8 FAILED (2 muted)');
  });

  it('in quiet mode, shows only unmuted FAILED results, then the whole summary', () => {
    const lines = linesOf(renderTable(SCAN, { width: 120, quiet: true }));
    const summary = indexOf(lines, /^\d+ results:/);
    const results = lines.slice(0, summary).join('\n');

    expect(results).not.toMatch(/PASSED|WARNING|NOT_AVAILABLE|Muted/);
    expect(results).not.toContain('cluster-admin-access');
    expect(results).toMatch(/FAILED\s+CRITICAL\s+secrets-encryption/);
    expect(results).toMatch(/FAILED\s+LOW\s+control-plane-logging/);
    expect(lines.slice(summary).join('\n')).toContain(
      `${OTHER_ACCOUNT} global: iam:GetAccountAuthorizationDetails failed`,
    );
  });

  it('colours by severity and status only when asked', () => {
    const bare = renderTable(SCAN, { width: 120 });
    const coloured = renderTable(SCAN, { width: 120, color: true });

    expect(bare).not.toContain('\u001b');
    expect(coloured).toContain('\u001b[1;31mCRITICAL\u001b[0m');
    expect(coloured).toContain('\u001b[31mHIGH\u001b[0m');
    expect(coloured).toContain('\u001b[33mMEDIUM\u001b[0m');
    expect(coloured).toContain('\u001b[36mLOW\u001b[0m');
    expect(coloured).toContain('\u001b[32mPASSED\u001b[0m');
    expect(coloured).toContain('\u001b[2mNOT_AVAILABLE\u001b[0m');
    expect(plain(coloured)).toBe(bare);
  });

  it('says the failed targets, the warnings and what publishing did', () => {
    const lines = linesOf(renderTable(SCAN, { width: 200 }));

    expect(lines).toContain('5 targets scanned in 12.3 s, 1 failed.');
    expect(lines).toContain(`  ${SCAN.targets[4]?.accountId} global: ${SCAN.targets[4]?.error}`);
    expect(lines).toContain(`  ${SCAN.warnings?.[0]}`);
    expect(lines).toContain(
      'Security Hub: 11 imported (2 archived), 3 unchanged, 1 kept, 1 failed, in 2 account regions.',
    );
    expect(lines).toContain(`  ${OTHER_ACCOUNT} us-east-1: not touched: cluster-admin-access`);
    expect(lines).toContain('  eks-posture/abc: InvalidInput Finding too large');
  });

  it('lays out for 80 columns when the width is unknown, and for 40 at the least', () => {
    const unknown = renderTable(SCAN).split('\n');
    const tiny = renderTable(SCAN, { width: 12 }).split('\n');

    expect(Math.max(...unknown.map(visibleWidth))).toBeLessThanOrEqual(80);
    expect(Math.max(...unknown.map(visibleWidth))).toBeGreaterThan(60);
    expect(Math.max(...tiny.map(visibleWidth))).toBeLessThanOrEqual(40);
  });

  it('names a node group that could not be described by its cluster and name, with no ARN', () => {
    const undescribed = aClusterResult({
      checkId: 'nodegroup-remote-access',
      status: 'NOT_AVAILABLE',
      severity: 'INFORMATIONAL',
      detail: 'eks:DescribeNodegroup failed: throttled',
    });
    const { id: _arn, ...resource } = undescribed.resource;
    const report: RunReport = {
      ...SCANNED,
      results: [{ ...undescribed, resource: { ...resource, type: 'AwsEksNodegroup', name: 'prod/gpu' } }],
    };

    const lines = linesOf(renderTable(report, { width: 120 }));

    expect(lines).toContain('  node group prod/gpu');
    expect(lines).toContain(
      '    NOT_AVAILABLE  -  nodegroup-remote-access  eks:DescribeNodegroup failed: throttled',
    );
  });

  it('says when there is nothing to show', () => {
    const text = renderTable({ ...SCANNED, results: [], warnings: [] }, { width: 80 });

    expect(text).toContain('No EKS clusters or IRSA roles found.');
    expect(text).toContain('0 results: 0 PASSED, 0 FAILED, 0 WARNING, 0 NOT_AVAILABLE.');
  });

  describe('coverage', () => {
    const report: RunReport = { ...SCANNED, results: [aClusterResult()], warnings: [] };

    it('says what the scan could not settle, and why, after the results', () => {
      const coverage = {
        scopes: [
          aScope(['endpoint-public-access'], {
            skippedChecks: [
              { checkId: 'irsa-trust-policy', reason: "the account's IAM data could not be read" },
            ],
            unsettled: [
              {
                type: 'AwsEksNodegroup',
                clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/blue`,
                reason: 'eks:ListNodegroups failed: AccessDeniedException',
              },
              {
                type: 'AwsEksNodegroup',
                clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/green`,
                name: 'gpu',
                reason: 'eks:DescribeNodegroup failed: throttled',
              },
            ],
          }),
        ],
      };

      const text = renderTable(report, { width: 160, coverage });

      expect(text).toContain('Not judged in full');
      expect(text).toContain(
        `${ACCOUNT} ${REGION}: the node groups of cluster blue: eks:ListNodegroups failed: AccessDeniedException`,
      );
      expect(text).toContain(
        `${ACCOUNT} ${REGION}: node group green/gpu: eks:DescribeNodegroup failed: throttled`,
      );
      expect(text).toContain(`irsa-trust-policy not completed: the account's IAM data could not be read`);
    });

    it('adds nothing when everything was settled', () => {
      const text = renderTable(report, { width: 160, coverage: { scopes: [aScope()] } });
      expect(text).not.toContain('Not judged in full');
    });
  });
});
