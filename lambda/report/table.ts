import Table from 'cli-table3';
import { arnName } from '../model/arn';
import type { Coverage, UnsettledResource } from '../model/coverage';
import type { RunReport } from '../model/report';
import { type CheckResult, severityRank } from '../model/result';
import { summarize } from './summary';

const STATUS_ORDER = ['FAILED', 'WARNING', 'NOT_AVAILABLE', 'PASSED'];

export interface TableOptions {
  /** Terminal width; the detail column takes what is left. @default 160 */
  readonly width?: number;
  readonly color?: boolean;
  /** What the scan could not settle, said after the failed targets. */
  readonly coverage?: Coverage;
}

/** The report for people: worst first, one row per result, then the summary and failed targets. */
export function renderTable(report: RunReport, options: TableOptions = {}): string {
  const width = Math.max(100, options.width ?? 160);
  const paint = colours(options.color === true);
  const fixed = [15, 10, 24, 32];
  const detailWidth = width - fixed.reduce((a, b) => a + b, 0) - 16;
  const table = new Table({
    head: ['Status', 'Severity', 'Check', 'Resource', 'Detail'],
    colWidths: [...fixed, detailWidth],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const result of [...report.results].sort(worstFirst)) {
    table.push([
      paint(result.status, result.status),
      result.status === 'PASSED' ? '-' : result.severity === 'INFORMATIONAL' ? 'INFO' : result.severity,
      result.checkId,
      `${result.resource.name}\n${result.accountId} ${result.region}`,
      result.detail,
    ]);
  }
  const summary = summarize(report);
  const lines = [report.results.length > 0 ? table.toString() : 'No EKS clusters or IRSA roles found.'];
  const counts = Object.entries(summary.byStatus)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const severities = Object.entries(summary.failedBySeverity)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}`)
    .join(', ');
  lines.push(`${report.results.length} results: ${counts}${severities ? ` (failed: ${severities})` : ''}.`);
  lines.push(
    `${summary.targets} targets scanned in ${(report.stats.durationMs / 1000).toFixed(1)} s, ${summary.failedTargets} failed.`,
  );
  for (const target of report.targets.filter((t) => t.status === 'FAILED')) {
    lines.push(paint('FAILED', `  ${target.accountId} ${target.region}: ${target.error ?? 'unknown error'}`));
  }
  const gaps = (options.coverage?.scopes ?? []).flatMap((scope) => [
    ...scope.unsettled.map((u) => `  ${scope.accountId} ${scope.region}: ${unsettledName(u)}: ${u.reason}`),
    ...(scope.skippedChecks.length > 0
      ? [
          `  ${scope.accountId} ${scope.region}: ${scope.skippedChecks.map((s) => s.checkId).join(', ')} not completed: ${[...new Set(scope.skippedChecks.map((s) => s.reason))].join('; ')}`,
        ]
      : []),
  ]);
  if (gaps.length > 0) {
    lines.push('Not judged in full (findings there are left as they are):');
    lines.push(...gaps.map((gap) => paint('WARNING', gap)));
  }
  if (report.publish && summary.published) {
    const p = summary.published;
    lines.push(
      `Security Hub: ${p.imported} imported (${p.archived} archived), ${p.kept} kept, ${p.failed} failed, in ${p.scopes} account regions.`,
    );
    for (const target of report.publish.targets.filter((t) => t.readError || t.skippedChecks.length > 0)) {
      const why = target.readError
        ? `${target.readError}; nothing archived`
        : `not touched: ${target.skippedChecks.join(', ')}`;
      lines.push(paint('WARNING', `  ${target.accountId} ${target.region}: ${why}`));
    }
    for (const failure of report.publish.failures) {
      lines.push(paint('FAILED', `  ${failure.id}: ${failure.errorCode} ${failure.errorMessage}`));
    }
    for (const invalid of report.publish.invalidFindings) {
      lines.push(paint('FAILED', `  invalid finding ${invalid.id}: ${invalid.problems.join('; ')}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

function unsettledName(resource: UnsettledResource): string {
  if (resource.type === 'AwsEksCluster') return `cluster ${arnName(resource.arn)}`;
  const cluster = arnName(resource.clusterArn);
  return resource.name === undefined
    ? `the node groups of cluster ${cluster}`
    : `node group ${cluster}/${resource.name}`;
}

function worstFirst(a: CheckResult, b: CheckResult): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    severityRank(b.severity) - severityRank(a.severity)
  );
}

function colours(enabled: boolean) {
  const codes: Record<string, number> = { FAILED: 31, WARNING: 33, NOT_AVAILABLE: 90, PASSED: 32 };
  return (status: string, text: string) => (enabled ? `\u001b[${codes[status] ?? 0}m${text}\u001b[0m` : text);
}
