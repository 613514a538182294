/** `--list-checks`: every check the scanner has, for people (a table) or programs (JSON). */
import type { ResourceType, Severity } from '../model/result';

/** The metadata a listing shows; the CLI passes the registry's. */
export interface ListedCheck {
  readonly id: string;
  readonly title: string;
  readonly resourceType: ResourceType;
  readonly severities: readonly Severity[];
  readonly remediation: { readonly url: string };
}

const RESOURCE_NAMES: Record<ResourceType, string> = {
  AwsEksCluster: 'cluster',
  AwsEksNodegroup: 'node group',
  AwsEksAddon: 'add-on',
  AwsIamRole: 'IAM role',
  AwsIamOidcProvider: 'OIDC provider',
  AwsAccount: 'account and region',
};

export function renderCheckListJson(checks: readonly ListedCheck[]): string {
  const listed = checks.map((c) => ({
    id: c.id,
    resourceType: c.resourceType,
    severities: c.severities,
    title: c.title,
    documentation: c.remediation.url,
  }));
  return `${JSON.stringify(listed, null, 2)}\n`;
}

/** One line per check where the width allows, the title wrapped under it otherwise; ids are never cut. */
export function renderCheckListTable(checks: readonly ListedCheck[], width = 80): string {
  const idWidth = Math.max(2, ...checks.map((c) => c.id.length));
  const typeWidth = Math.max(8, ...checks.map((c) => RESOURCE_NAMES[c.resourceType].length));
  const severityText = (c: ListedCheck) => c.severities.join(',');
  const severityWidth = Math.max(8, ...checks.map((c) => severityText(c).length));
  const lead = idWidth + typeWidth + severityWidth + 6;
  const titleWidth = width - lead;
  const row = (id: string, type: string, severities: string, title: string) =>
    `${id.padEnd(idWidth)}  ${type.padEnd(typeWidth)}  ${severities.padEnd(severityWidth)}  ${title}`.trimEnd();
  if (titleWidth < 20) {
    // Too narrow for columns: each check as a small block, the id on its own line, never cut.
    const lines: string[] = [];
    for (const check of checks) {
      lines.push(check.id);
      const inner = Math.max(10, width - 2);
      for (const line of wrap(`${RESOURCE_NAMES[check.resourceType]}, ${severityText(check)}`, inner))
        lines.push(`  ${line}`);
      for (const line of wrap(check.title, inner)) lines.push(`  ${line}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const lines = [row('CHECK', 'RESOURCE', 'SEVERITY', 'TITLE')];
  for (const check of checks) {
    const [first = '', ...rest] = wrap(check.title, titleWidth);
    lines.push(row(check.id, RESOURCE_NAMES[check.resourceType], severityText(check), first));
    for (const line of rest) lines.push(`${' '.repeat(lead)}${line}`);
  }
  return `${lines.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
