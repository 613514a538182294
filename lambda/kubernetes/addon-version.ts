/**
 * EKS add-on versions as `DescribeAddonVersions` writes them: `v1.19.2-eksbuild.1`, or with a
 * variant, as kube-proxy's `v1.31.2-minimal-eksbuild.3`.
 */
export interface AddonVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The variant (`minimal`, `default`), when the version names one. */
  readonly variant?: string;
  /** The `-eksbuild.N` number; 0 when the version has none. */
  readonly build: number;
}

const ADDON_VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-(?!eksbuild)([a-z]+))?(?:-eksbuild\.(\d+))?$/;

export function parseAddonVersion(text: string): AddonVersion | undefined {
  const match = ADDON_VERSION.exec(text.trim());
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    ...(match[4] === undefined ? {} : { variant: match[4] }),
    build: match[5] === undefined ? 0 : Number(match[5]),
  };
}

/**
 * Negative when `a` is older than `b`, 0 when they are the same release, positive when newer;
 * undefined when either is not of that form. Variants of one release are builds of the same code
 * (kube-proxy's minimal and default images), so the variant does not order them.
 */
export function compareAddonVersions(a: string, b: string): number | undefined {
  const left = parseAddonVersion(a);
  const right = parseAddonVersion(b);
  if (left === undefined || right === undefined) return undefined;
  return (
    Math.sign(left.major - right.major) ||
    Math.sign(left.minor - right.minor) ||
    Math.sign(left.patch - right.patch) ||
    Math.sign(left.build - right.build)
  );
}
