/** Kubernetes minor versions as EKS writes them (`1.29`). */
export interface MinorVersion {
  readonly major: number;
  readonly minor: number;
}

export function parseMinorVersion(text: string): MinorVersion | undefined {
  const match = /^v?(\d+)\.(\d+)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function compareVersions(a: MinorVersion, b: MinorVersion): number {
  return a.major - b.major || a.minor - b.minor;
}
