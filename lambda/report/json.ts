import type { ScanReport } from '../scan/scan';

/** The machine-readable report: field names are a published contract (schemaVersion 1). */
export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
