/** The CSV report: one row per result, in the report's order, under a header of `CSV_COLUMNS`. */
import { stringify } from 'csv-stringify/sync';
import type { RunReport } from '../model/report';
import { type CheckResult, RESOURCE_TYPES } from '../model/result';

interface CsvColumn {
  readonly name: string;
  /** One line for the README. */
  readonly meaning: string;
  readonly value: (result: CheckResult) => string;
}

/** The columns, in their published order: readers may address them by position. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'accountId', meaning: 'AWS account the resource belongs to', value: (r) => r.accountId },
  {
    name: 'region',
    meaning: "Region of the result (an IRSA result takes its OIDC issuer's region)",
    value: (r) => r.region,
  },
  { name: 'checkId', meaning: 'Id of the check that produced the result', value: (r) => r.checkId },
  { name: 'status', meaning: 'PASSED, FAILED, WARNING or NOT_AVAILABLE', value: (r) => r.status },
  { name: 'severity', meaning: 'INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL', value: (r) => r.severity },
  {
    name: 'resourceType',
    meaning: RESOURCE_TYPES.join(', ').replace(/, (?=[^,]+$)/, ' or '),
    value: (r) => r.resource.type,
  },
  { name: 'resourceName', meaning: "The resource's name", value: (r) => r.resource.name },
  {
    name: 'resourceArn',
    meaning: "The resource's ARN; empty for a node group that could not be described",
    value: (r) => r.resource.id ?? '',
  },
  {
    name: 'clusterArn',
    meaning: 'The EKS cluster the result concerns, when there is one',
    value: (r) => r.clusterArn ?? '',
  },
  {
    name: 'oidcIssuer',
    meaning: 'IRSA results: the OIDC issuer (host and path) whose trust is judged',
    value: (r) => r.oidcIssuer ?? '',
  },
  { name: 'title', meaning: "The check's title", value: (r) => r.title },
  { name: 'detail', meaning: 'What the check found on this resource', value: (r) => r.detail },
  { name: 'remediation', meaning: 'How to fix it', value: (r) => r.remediation.text },
  { name: 'remediationUrl', meaning: 'Documentation for the fix', value: (r) => r.remediation.url },
  {
    name: 'muted',
    meaning: 'true when a mutelist entry accepts the result as a known risk, else false',
    value: (r) => String(r.muted !== undefined),
  },
  { name: 'muteReason', meaning: "The mutelist entry's reason", value: (r) => r.muted?.reason ?? '' },
  {
    name: 'muteOwner',
    meaning: 'Who accepted the risk, when the entry says',
    value: (r) => r.muted?.owner ?? '',
  },
  {
    name: 'muteExpires',
    meaning: 'Last day the acceptance holds (YYYY-MM-DD, UTC), when the entry sets one',
    value: (r) => r.muted?.expires ?? '',
  },
  // Columns are only ever added at the end, so that positions stay what they were.
  {
    name: 'trustGrade',
    meaning:
      'IRSA and Pod Identity results: who may assume the role (any-service-account, cross-namespace, namespace, any-association, limited)',
    value: (r) => r.trustGrade ?? '',
  },
  {
    name: 'permissionTier',
    meaning:
      'IRSA and Pod Identity results: what the role may do (administrator, privilege-escalation, sensitive-data, limited, unknown)',
    value: (r) => r.permissionTier ?? '',
  },
];

export function renderCsv(report: RunReport): string {
  const rows = report.results.map((result) => CSV_COLUMNS.map((column) => column.value(result)));
  return stringify([CSV_COLUMNS.map((column) => column.name), ...rows], {
    // Details quote names read from AWS (tags, roles, CIDRs); a cell a spreadsheet would run as a
    // formula (= + - @ tab CR first) gets a leading apostrophe, as OWASP advises for CSV injection.
    escape_formulas: true,
    // CRLF, as RFC 4180 and spreadsheets expect; fields holding line breaks are quoted.
    record_delimiter: 'windows',
    quote_record_delimiter: true,
  });
}
