import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../lambda/model/report';
import type { CheckResult } from '../../../lambda/model/result';
import { CSV_COLUMNS, renderCsv } from '../../../lambda/report/csv';
import { aClusterResult, aRoleResult, CLUSTER, ROLE } from '../../support/results';

// csv-parse is not installed: the tests compare exact text.

function aReport(results: readonly CheckResult[]): RunReport {
  return {
    schemaVersion: 1,
    scanId: 'scan-1',
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: '2025-03-01T10:05:00.000Z',
    targets: [],
    results,
    stats: { apiCalls: {}, durationMs: 1 },
  };
}

const HEADER =
  'accountId,region,checkId,status,severity,resourceType,resourceName,resourceArn,clusterArn,oidcIssuer,title,detail,remediation,remediationUrl,muted,muteReason,muteOwner,muteExpires,trustGrade,permissionTier';

function lines(csv: string): string[] {
  expect(csv.endsWith('\r\n')).toBe(true);
  return csv.slice(0, -2).split('\r\n');
}

describe('renderCsv', () => {
  it('publishes its columns in a stable order, each with a meaning', () => {
    expect(CSV_COLUMNS.map((c) => c.name).join(',')).toBe(HEADER);
    for (const column of CSV_COLUMNS) expect(column.meaning).toMatch(/\S/);
  });

  it('renders a header only for an empty report', () => {
    expect(renderCsv(aReport([]))).toBe(`${HEADER}\r\n`);
  });

  it('renders one row per result, in the report order, with every column', () => {
    const cluster = aClusterResult({
      detail: 'open',
      remediation: { text: 'close it', url: 'https://x.test/a' },
    });
    const role = aRoleResult({
      detail: 'pinned',
      oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
      trustGrade: 'namespace',
      permissionTier: 'sensitive-data',
      title: 'IRSA',
      remediation: { text: 'pin', url: 'https://x.test/b' },
      muted: { reason: 'accepted', owner: 'team', expires: '2030-01-31', entry: 3 },
    });
    const nodegroup: CheckResult = {
      ...aClusterResult({
        status: 'NOT_AVAILABLE',
        severity: 'INFORMATIONAL',
        title: 'NG',
        detail: 'no data',
      }),
      resource: { type: 'AwsEksNodegroup', name: 'workers' },
      remediation: { text: 'look', url: 'https://x.test/c' },
    };
    expect(lines(renderCsv(aReport([role, cluster, nodegroup])))).toEqual([
      HEADER,
      `111122223333,eu-west-1,irsa-trust-policy,FAILED,CRITICAL,AwsIamRole,app-role,${ROLE.arn},${CLUSTER.arn},oidc.eks.eu-west-1.amazonaws.com/id/ABC,IRSA,pinned,pin,https://x.test/b,true,accepted,team,2030-01-31,namespace,sensitive-data`,
      `111122223333,eu-west-1,endpoint-public-access,FAILED,HIGH,AwsEksCluster,prod,${CLUSTER.arn},${CLUSTER.arn},,EKS API server endpoint is not reachable from the internet,open,close it,https://x.test/a,false,,,,,`,
      `111122223333,eu-west-1,endpoint-public-access,NOT_AVAILABLE,INFORMATIONAL,AwsEksNodegroup,workers,,${CLUSTER.arn},,NG,no data,look,https://x.test/c,false,,,,,`,
    ]);
  });

  it('quotes commas, quotes and line breaks', () => {
    const csv = renderCsv(
      aReport([
        aClusterResult({
          title: 'a, b',
          detail: 'say "hi"\nnext line',
          remediation: { text: 'x\r\ny', url: 'u' },
        }),
      ]),
    );
    expect(csv).toContain(',"a, b","say ""hi""\nnext line","x\r\ny",u,false,,,,,\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const csv = renderCsv(
      aReport([
        aClusterResult({
          title: '=HYPERLINK("http://evil.test")',
          detail: '+1',
          remediation: { text: '-2', url: '@SUM(A1)' },
          muted: { reason: '\tcmd', owner: '\rx', entry: 1 },
        }),
      ]),
    );
    const row = lines(csv)[1] ?? '';
    // The muteExpires, trustGrade and permissionTier cells are empty; a CR forces quotes around its cell.
    expect(row.endsWith(`,"'=HYPERLINK(""http://evil.test"")",'+1,'-2,'@SUM(A1),true,'\tcmd,"'\rx",,,`)).toBe(
      true,
    );
    // A name merely containing = stays as it is.
    expect(renderCsv(aReport([aClusterResult({ detail: 'a=b' })]))).toContain(',a=b,');
  });
});
