import type { RunReport } from '../model/report';

/** The machine-readable report: field names are a published contract (schemaVersion 1). */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
