/**
 * The report for people, laid out for the terminal it is printed on.
 *
 * Order, top to bottom:
 * 1. Results, under a heading per account and region (`111122223333  eu-west-1`), then per resource
 *    (`cluster prod` and its ARN). At every level the worst group comes first (by its worst result:
 *    status FAILED, WARNING, NOT_AVAILABLE, PASSED, then severity, CRITICAL first), then by name.
 *    Inside a resource, results are in that same order, then by check id.
 * 2. PASSED results are compacted: a resource that has something else to say ends with one `PASSED`
 *    line listing its passed check ids; the resources of a region where every result passed are
 *    named on one `all PASSED:` line after the others. After a scan of hundreds of results, what
 *    stands out is then what needs doing, and it still shows what was checked.
 * 3. `Muted (accepted risks)`: results a mutelist entry accepts, grouped the same way, each with the
 *    entry's reason, its last day and its number. They appear only there (a resource is "all
 *    PASSED" when its results that are not muted all passed).
 * 4. The summary: counts by status (muted ones said apart), unmuted failures by severity, targets
 *    and the failed ones with their reason, the report's warnings, what was not judged in full,
 *    and what publishing to Security Hub did.
 * `quiet` keeps only unmuted FAILED results (and their groups) and the whole summary, which says
 * whether the run was complete; `hideMuted` leaves out section 3.
 *
 * Lines:
 * - A result is one line, `STATUS  SEVERITY  check-id  detail`, when it fits; status, severity and
 *   check id are columns aligned across the report. When the detail does not fit, it wraps under
 *   its own column if that leaves at least 40 characters and every word of it fits there;
 *   otherwise it starts on the next line, indented two more than the status, and wraps there. An
 *   IRSA result's issuer, a mute's last day, start a line of their own in the same column. If even
 *   the check id does not fit after status and severity (40 columns, `NOT_AVAILABLE` and a long
 *   id), it goes on the next line.
 * - A resource heading is `cluster prod  <ARN>` when it fits; else the ARN is on the next line,
 *   under the name.
 * - No line is longer than the width, counted in visible characters (colour codes do not count),
 *   and text wraps only at spaces: an ARN, a check id, a key id is never cut. A word longer than
 *   the room after the indentation goes on a line of its own, at the deepest of the columns 4, 2
 *   and 0 where it fits. A word longer than the whole width (an ARN at 80 columns) is broken after
 *   its own `:` and `/`, on lines of their own, so that each piece is still a readable part of it
 *   and the lines put back together give it; a piece between two separators longer than the whole
 *   width (a 64-character role name at 40 columns) is cut at the width, the last resort: the
 *   terminal would cut that line at the same place.
 * - The width is `width` (the terminal's), at least 40; 80 when not given.
 */
import { type Coverage, unsettledName } from '../model/coverage';
import { compareText } from '../model/order';
import type { RunReport } from '../model/report';
import {
  type CheckResult,
  type ResourceRef,
  type ResourceType,
  type ResultStatus,
  SEVERITIES,
  type Severity,
  STATUSES,
  severityRank,
} from '../model/result';
import { summarize } from './summary';

export interface TableOptions {
  /** Terminal width in columns; a narrower one is laid out for 40. @default 80 */
  readonly width?: number;
  /** ANSI colours; the caller decides (NO_COLOR, `--no-color`, not a terminal). @default false */
  readonly color?: boolean;
  /** What the scan could not settle, said in the summary. @default nothing said */
  readonly coverage?: Coverage;
  /** Only unmuted FAILED results, then the summary. @default false */
  readonly quiet?: boolean;
  /** Leave out the section of muted results; the summary still counts them. @default false */
  readonly hideMuted?: boolean;
}

const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 40;
/** Below this, a detail wrapped beside the check id would be a ribbon of two or three words a line. */
const MIN_HANGING_DETAIL = 40;
/** Columns: account and region headings at 0, resources at 2, results at 4. */
const RESOURCE_INDENT = 2;
const RESULT_INDENT = 4;
const GAP = '  ';
const WORST_FIRST: readonly ResultStatus[] = ['FAILED', 'WARNING', 'NOT_AVAILABLE', 'PASSED'];
const KIND: Record<ResourceType, string> = {
  AwsEksCluster: 'cluster',
  AwsEksNodegroup: 'node group',
  AwsEksAddon: 'add-on',
  AwsIamRole: 'role',
  AwsIamOidcProvider: 'OIDC provider',
  AwsAccount: 'account region',
};

type Style = ResultStatus | Exclude<Severity, 'INFORMATIONAL'> | 'bold';
type Paint = (style: Style, text: string) => string;

/** Select Graphic Rendition parameters: https://en.wikipedia.org/wiki/ANSI_escape_code#SGR */
const SGR: Record<Style, string> = {
  CRITICAL: '1;31',
  HIGH: '31',
  MEDIUM: '33',
  LOW: '36',
  FAILED: '31',
  WARNING: '33',
  NOT_AVAILABLE: '2',
  PASSED: '32',
  bold: '1',
};

/** The widths every result line of the report is laid out with. */
interface Layout {
  readonly width: number;
  readonly paint: Paint;
  readonly statusWidth: number;
  readonly severityWidth: number;
  readonly checkWidth: number;
}

/** The report for people: see the module's comment for the layout. */
export function renderTable(report: RunReport, options: TableOptions = {}): string {
  const quiet = options.quiet === true;
  const unmuted = report.results.filter((r) => !r.muted);
  const shown = quiet ? unmuted.filter((r) => r.status === 'FAILED') : unmuted;
  const muted = quiet || options.hideMuted === true ? [] : report.results.filter((r) => r.muted);
  const headed = [...shown, ...muted];
  const layout: Layout = {
    width: widthOf(options.width),
    paint: painter(options.color === true),
    statusWidth: longest(headed.map((r) => r.status)),
    severityWidth: longest(headed.map(severityLabel)),
    checkWidth: longest(headed.filter((r) => r.status !== 'PASSED' || r.muted).map((r) => r.checkId)),
  };
  const sections: string[][] = [];
  if (report.results.length === 0) sections.push(['No EKS clusters or IRSA roles found.']);
  if (shown.length > 0) sections.push(scopeBlocks(shown, layout, (results) => regionLines(results, layout)));
  if (muted.length > 0) {
    sections.push([
      layout.paint('bold', 'Muted (accepted risks)'),
      '',
      ...scopeBlocks(muted, layout, (results) =>
        resourceGroups(results).flatMap(({ items }) => mutedResourceLines(items, layout)),
      ),
    ]);
  }
  sections.push(summaryLines(report, options.coverage, layout));
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function widthOf(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, Math.floor(requested));
}

function longest(texts: readonly string[]): number {
  return texts.reduce((max, text) => Math.max(max, visibleLength(text)), 0);
}

// --- Results ---------------------------------------------------------------------------------------

/** One block per account and region, worst first, each under its heading, a blank line between. */
function scopeBlocks(
  results: readonly CheckResult[],
  layout: Layout,
  render: (inRegion: readonly CheckResult[]) => string[],
): string[] {
  const blocks: string[][] = [];
  const accountOf = (r: CheckResult) => r.accountId;
  const regionOf = (r: CheckResult) => r.region;
  for (const account of sortedGroups(results, accountOf, accountOf)) {
    for (const region of sortedGroups(account.items, regionOf, regionOf)) {
      const title = `${account.key}${GAP}${region.key}`;
      const heading =
        visibleLength(title) <= layout.width
          ? [title]
          : wrap(words(title), layout.width, '', RESOURCE_INDENT);
      blocks.push([...heading.map((line) => paintLine(layout.paint, 'bold', line)), ...render(region.items)]);
    }
  }
  return blocks.flatMap((block, index) => (index === 0 ? block : ['', ...block]));
}

/** A region's resources: those with something to say in full, then the ones where all passed, in one line. */
function regionLines(results: readonly CheckResult[], layout: Layout): string[] {
  const groups = resourceGroups(results);
  const attention = groups.filter((g) => g.items.some((r) => r.status !== 'PASSED'));
  const clean = groups.filter((g) => g.items.every((r) => r.status === 'PASSED'));
  const lines = attention.flatMap(({ items }) => resourceLines(items, layout));
  if (clean.length > 0) {
    const names = clean.map((g, i) => `${resourceTitle(g.resource)}${i < clean.length - 1 ? ',' : ''}`);
    const lead = `${' '.repeat(RESOURCE_INDENT)}all ${layout.paint('PASSED', 'PASSED:')} `;
    lines.push(...wrap(words(names.join(' ')), layout.width, lead, RESULT_INDENT));
  }
  return lines;
}

function resourceLines(results: readonly CheckResult[], layout: Layout): string[] {
  const [first] = results;
  if (first === undefined) return [];
  const judged = [...results].filter((r) => r.status !== 'PASSED').sort(worstFirst);
  return [
    ...resourceHeading(first.resource, layout),
    ...judged.flatMap((r) => resultLines(r, withIssuer([r.detail], r), layout)),
    ...passedLine(
      results.filter((r) => r.status === 'PASSED'),
      layout,
    ),
  ];
}

function mutedResourceLines(results: readonly CheckResult[], layout: Layout): string[] {
  const [first] = results;
  if (first === undefined) return [];
  return [
    ...resourceHeading(first.resource, layout),
    ...[...results].sort(worstFirst).flatMap((r) => resultLines(r, withIssuer(acceptance(r), r), layout)),
  ];
}

/** What a muted result says instead of its detail: why the risk is accepted, and until when. */
function acceptance(result: CheckResult): string[] {
  const mute = result.muted;
  if (mute === undefined) return [result.detail];
  const until = mute.expires === undefined ? 'no last day' : `until ${mute.expires}`;
  const owner = mute.owner === undefined ? '' : `, owner ${mute.owner}`;
  return [`Accepted: ${mute.reason}`, `${until}, mutelist entry ${mute.entry}${owner}`];
}

/** IRSA results: a role gets one per issuer it trusts, told apart by the issuer. */
function withIssuer(paragraphs: readonly string[], result: CheckResult): string[] {
  const issuer = result.oidcIssuer;
  return issuer === undefined || paragraphs.some((p) => p.includes(issuer))
    ? [...paragraphs]
    : [...paragraphs, issuer];
}

/** `cluster prod  arn:...` on one line when it fits, else the ARN on the next, under the name. */
function resourceHeading(resource: ResourceRef, layout: Layout): string[] {
  const { width, paint } = layout;
  const title = resourceTitle(resource);
  const margin = ' '.repeat(RESOURCE_INDENT);
  const id = resource.id;
  if (id !== undefined && visibleLength(`${margin}${title}${GAP}${id}`) <= width) {
    return [`${margin}${paint('bold', title)}${GAP}${id}`];
  }
  const titleLines = wrap(words(title), width, margin, RESOURCE_INDENT + 2).map((line) =>
    paintLine(paint, 'bold', line),
  );
  return id === undefined
    ? titleLines
    : [...titleLines, ...wrap([id], width, ' '.repeat(RESOURCE_INDENT + 2), RESOURCE_INDENT + 2)];
}

function resourceTitle(resource: ResourceRef): string {
  return `${KIND[resource.type]} ${resource.name}`;
}

/**
 * A result's head and its text, in paragraphs (the detail, then the issuer; or a mute's reason,
 * then its last day): on the head's line, joined by ` - `, when all fits; else wrapped under the
 * detail column when every word fits there; else under the result.
 */
function resultLines(result: CheckResult, paragraphs: readonly string[], layout: Layout): string[] {
  const { width, paint, statusWidth, severityWidth, checkWidth } = layout;
  const margin = ' '.repeat(RESULT_INDENT);
  const below = ' '.repeat(RESULT_INDENT + 2);
  const underResult = (text: string) => wrap(words(text), width, below, RESULT_INDENT + 2);
  const label = severityLabel(result);
  const status = `${paint(result.status, result.status)}${pad(result.status, statusWidth)}`;
  const severity = `${result.severity === 'INFORMATIONAL' ? label : paint(result.severity, label)}${pad(label, severityWidth)}`;
  const headWidth = RESULT_INDENT + statusWidth + GAP.length + severityWidth + GAP.length;
  if (headWidth + visibleLength(result.checkId) > width) {
    return [
      `${margin}${status}${GAP}${severity}`.trimEnd(),
      ...wrap([result.checkId], width, below, RESULT_INDENT + 2),
      ...paragraphs.flatMap(underResult),
    ];
  }
  const head = `${margin}${status}${GAP}${severity}${GAP}${result.checkId}`;
  const detailColumn = headWidth + checkWidth + GAP.length;
  const padded = `${head}${pad(result.checkId, checkWidth)}${GAP}`;
  const text = words(paragraphs.join(' - '));
  if (detailColumn + visibleLength(text.join(' ')) <= width) return wrap(text, width, padded, detailColumn);
  const room = width - detailColumn;
  const hanging = room >= MIN_HANGING_DETAIL && text.every((word) => visibleLength(word) <= room);
  if (!hanging) return [head, ...paragraphs.flatMap(underResult)];
  return paragraphs.flatMap((paragraph, i) =>
    wrap(words(paragraph), width, i === 0 ? padded : ' '.repeat(detailColumn), detailColumn),
  );
}

/** A resource's passed checks in one line (wrapped if need be), a check passed more than once with its count. */
function passedLine(passed: readonly CheckResult[], layout: Layout): string[] {
  if (passed.length === 0) return [];
  const counts = new Map<string, number>();
  for (const r of passed) counts.set(r.checkId, (counts.get(r.checkId) ?? 0) + 1);
  const ids = [...counts.keys()].sort(compareText);
  const list = ids.map((id, i) => {
    const n = counts.get(id) ?? 1;
    return `${id}${n > 1 ? ` (${n})` : ''}${i < ids.length - 1 ? ',' : ''}`;
  });
  const column = RESULT_INDENT + layout.statusWidth + GAP.length;
  const lead = `${' '.repeat(RESULT_INDENT)}${layout.paint('PASSED', 'PASSED')}${pad('PASSED', layout.statusWidth)}${GAP}`;
  const indent = layout.width - column >= MIN_HANGING_DETAIL / 2 ? column : RESULT_INDENT + 2;
  return wrap(words(list.join(' ')), layout.width, lead, indent);
}

function severityLabel(result: CheckResult): string {
  // NOT_AVAILABLE and PASSED results carry INFORMATIONAL, which says nothing about a risk.
  return result.severity === 'INFORMATIONAL' ? '-' : result.severity;
}

/** Lower is worse: status first, then severity. */
function rank(result: CheckResult): number {
  return (
    WORST_FIRST.indexOf(result.status) * SEVERITIES.length +
    (SEVERITIES.length - 1 - severityRank(result.severity))
  );
}

function worstFirst(a: CheckResult, b: CheckResult): number {
  return (
    rank(a) - rank(b) ||
    compareText(a.checkId, b.checkId) ||
    compareText(a.oidcIssuer ?? '', b.oidcIssuer ?? '') ||
    compareText(a.detail, b.detail)
  );
}

interface Group {
  readonly key: string;
  readonly name: string;
  readonly items: readonly CheckResult[];
}

/** Groups worst first (by their worst result), then by name, then by key. */
function sortedGroups(
  results: readonly CheckResult[],
  keyOf: (r: CheckResult) => string,
  nameOf: (r: CheckResult) => string,
): Group[] {
  const groups = new Map<string, { name: string; items: CheckResult[] }>();
  for (const result of results) {
    const key = keyOf(result);
    const group = groups.get(key);
    if (group) group.items.push(result);
    else groups.set(key, { name: nameOf(result), items: [result] });
  }
  const worst = (items: readonly CheckResult[]) => Math.min(...items.map(rank));
  return [...groups.entries()]
    .map(([key, { name, items }]) => ({ key, name, items }))
    .sort(
      (a, b) => worst(a.items) - worst(b.items) || compareText(a.name, b.name) || compareText(a.key, b.key),
    );
}

function resourceGroups(results: readonly CheckResult[]): (Group & { readonly resource: ResourceRef })[] {
  // A node group that could not be described has no ARN: its type and name tell it apart.
  return sortedGroups(
    results,
    (r) => r.resource.id ?? `${r.resource.type} ${r.resource.name}`,
    (r) => resourceTitle(r.resource),
  ).flatMap((group) => {
    const [first] = group.items;
    return first === undefined ? [] : [{ ...group, resource: first.resource }];
  });
}

// --- Summary ---------------------------------------------------------------------------------------

function summaryLines(report: RunReport, coverage: Coverage | undefined, layout: Layout): string[] {
  const { paint } = layout;
  const summary = summarize(report);
  const lines: string[] = [];
  const line = (text: string) => lines.push(...wrap(words(text), layout.width, '', RESOURCE_INDENT));
  const item = (text: string, style?: Style) =>
    lines.push(
      ...wrap(words(text), layout.width, ' '.repeat(RESOURCE_INDENT), RESULT_INDENT).map((l) =>
        style === undefined ? l : paintLine(paint, style, l),
      ),
    );

  const mutedByStatus = new Map<string, number>();
  for (const r of report.results.filter((result) => result.muted)) {
    mutedByStatus.set(r.status, (mutedByStatus.get(r.status) ?? 0) + 1);
  }
  const counts = STATUSES.map((status) => {
    const n = mutedByStatus.get(status) ?? 0;
    return `${summary.byStatus[status] ?? 0} ${status}${n > 0 ? ` (${n} muted)` : ''}`;
  });
  line(`${report.results.length} results: ${counts.join(', ')}.`);
  const failed = [...SEVERITIES]
    .reverse()
    .filter((severity) => (summary.failedBySeverity[severity] ?? 0) > 0)
    .map((severity) => `${summary.failedBySeverity[severity]} ${severity}`);
  line(`Unmuted FAILED by severity: ${failed.length > 0 ? failed.join(', ') : 'none'}.`);

  line(
    `${summary.targets} targets scanned in ${(report.stats.durationMs / 1000).toFixed(1)} s, ${summary.failedTargets} failed.`,
  );
  for (const target of report.targets.filter((t) => t.status === 'FAILED')) {
    item(`${target.accountId} ${target.region}: ${target.error ?? 'unknown error'}`, 'FAILED');
  }

  const warnings = report.warnings ?? [];
  if (warnings.length > 0) {
    line('Warnings:');
    for (const warning of warnings) item(warning, 'WARNING');
  }

  const gaps = (coverage?.scopes ?? []).flatMap((scope) => [
    ...scope.unsettled.map((u) => `${scope.accountId} ${scope.region}: ${unsettledName(u)}: ${u.reason}`),
    ...(scope.skippedChecks.length > 0
      ? [
          `${scope.accountId} ${scope.region}: ${scope.skippedChecks.map((s) => s.checkId).join(', ')} not completed: ${[...new Set(scope.skippedChecks.map((s) => s.reason))].join('; ')}`,
        ]
      : []),
  ]);
  if (gaps.length > 0) {
    line('Not judged in full (findings there are left as they are):');
    for (const gap of gaps) item(gap, 'WARNING');
  }

  if (report.publish && summary.published) {
    const p = summary.published;
    line(
      `Security Hub: ${p.imported} imported (${p.archived} archived), ${p.unchanged} unchanged, ${p.kept} kept, ${p.failed} failed, in ${p.scopes} account regions.`,
    );
    for (const target of report.publish.targets.filter((t) => t.readError || t.skippedChecks.length > 0)) {
      const why = target.readError
        ? `${target.readError}; nothing archived`
        : `not touched: ${target.skippedChecks.join(', ')}`;
      item(`${target.accountId} ${target.region}: ${why}`, 'WARNING');
    }
    for (const failure of report.publish.failures) {
      item(`${failure.id}: ${failure.errorCode} ${failure.errorMessage}`, 'FAILED');
    }
    for (const invalid of report.publish.invalidFindings) {
      item(`invalid finding ${invalid.id}: ${invalid.problems.join('; ')}`, 'FAILED');
    }
  }
  return lines;
}

// --- Text ------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Characters a terminal shows: colour codes do not count. Counted in code points, one column each:
 * what the report prints (ARNs, ids, AWS messages, our own text) has no wide or combining characters.
 */
function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

function pad(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleLength(text)));
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}

/** Colours a line's text, not its indentation. */
function paintLine(paint: Paint, style: Style, line: string): string {
  const indent = /^ */.exec(line)?.[0] ?? '';
  return `${indent}${paint(style, line.slice(indent.length))}`;
}

function painter(enabled: boolean): Paint {
  return (style, text) => (enabled && text !== '' ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text);
}

/**
 * Words in lines of at most `width` visible characters: the first line starts with `lead`, the
 * others with `indent` spaces. Words may be coloured; the rules for words too long for the room
 * are the module comment's.
 */
function wrap(items: readonly string[], width: number, lead: string, indent: number): string[] {
  const lines: string[] = [];
  const margin = ' '.repeat(indent);
  let line = lead;
  let hasWords = false;
  const newLine = () => {
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = margin;
    hasWords = false;
  };
  for (const word of items) {
    const size = visibleLength(word);
    if (visibleLength(line) + (hasWords ? 1 : 0) + size <= width) {
      line += `${hasWords ? ' ' : ''}${word}`;
      hasWords = true;
      continue;
    }
    newLine();
    if (indent + size <= width) {
      line = `${margin}${word}`;
      hasWords = true;
    } else {
      lines.push(...(size <= width ? [placed(word, indent, width)] : breakAtSeparators(word, indent, width)));
    }
  }
  newLine();
  return lines;
}

/**
 * A word on a line of its own, at the deepest of the layout's columns (its indentation, the
 * results', the resources', 0) where it fits: a long ARN stays inside its block when it can.
 */
function placed(word: string, indent: number, width: number): string {
  const size = visibleLength(word);
  const column =
    [indent, RESULT_INDENT, RESOURCE_INDENT, 0].find((c) => c <= indent && c + size <= width) ?? 0;
  return `${' '.repeat(column)}${word}`;
}

/**
 * A word longer than the whole width (an ARN, an issuer) on lines of their own, broken after its
 * own `:` and `/`: each piece keeps the separator that ends it, so the lines put back together give
 * the word, and no piece splits an account id, a name or a key id. A piece between two separators
 * longer than the width is cut at the width: nothing else keeps the line in the terminal, which
 * would cut it at the same place.
 */
function breakAtSeparators(word: string, indent: number, width: number): string[] {
  const pieces = word.replace(ANSI, '').match(/[^:/]*[:/]|[^:/]+$/g) ?? [word];
  const room = width - indent;
  const lines: string[] = [];
  let line = '';
  const push = (text: string) => {
    if (text !== '') lines.push(placed(text, indent, width));
  };
  for (const piece of pieces) {
    if (visibleLength(line) + visibleLength(piece) <= room) {
      line += piece;
      continue;
    }
    push(line);
    let rest = [...piece];
    while (rest.length > width) {
      push(rest.slice(0, width).join(''));
      rest = rest.slice(width);
    }
    line = rest.join('');
    if (rest.length > room) {
      push(line);
      line = '';
    }
  }
  push(line);
  return lines;
}
