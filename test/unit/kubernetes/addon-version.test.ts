import { describe, expect, it } from 'vitest';
import { compareAddonVersions, parseAddonVersion } from '../../../lambda/kubernetes/addon-version';

describe('Kubernetes: compareAddonVersions', () => {
  it.each([
    ['v1.19.2-eksbuild.1', 'v1.19.2-eksbuild.1', 0],
    ['v1.19.2-eksbuild.1', 'v1.19.2-eksbuild.2', -1],
    ['v1.19.2-eksbuild.10', 'v1.19.2-eksbuild.9', 1],
    ['v1.19.2-eksbuild.9', 'v1.19.3-eksbuild.1', -1],
    ['v1.20.0-eksbuild.1', 'v1.19.12-eksbuild.5', 1],
    ['v2.0.0-eksbuild.1', 'v1.99.99-eksbuild.99', 1],
    ['v0.7.2-eksbuild.1', 'v0.10.0-eksbuild.1', -1],
  ])('orders %s against %s as %i, numerically segment by segment', (a, b, expected) => {
    expect(compareAddonVersions(a, b)).toBe(expected);
    expect(compareAddonVersions(b, a)).toBe(-expected || 0);
  });

  it('counts a missing eksbuild as 0', () => {
    expect(compareAddonVersions('v1.19.2', 'v1.19.2-eksbuild.0')).toBe(0);
    expect(compareAddonVersions('v1.19.2', 'v1.19.2-eksbuild.1')).toBe(-1);
    expect(compareAddonVersions('v1.19.3', 'v1.19.2-eksbuild.7')).toBe(1);
  });

  it('reads a version without the leading v', () => {
    expect(parseAddonVersion('1.19.2-eksbuild.3')).toEqual({ major: 1, minor: 19, patch: 2, build: 3 });
    expect(compareAddonVersions('1.19.2-eksbuild.1', 'v1.19.2-eksbuild.1')).toBe(0);
  });

  it('reads a variant, which does not order builds of one release', () => {
    expect(parseAddonVersion('v1.31.2-minimal-eksbuild.3')).toEqual({
      major: 1,
      minor: 31,
      patch: 2,
      variant: 'minimal',
      build: 3,
    });
    expect(compareAddonVersions('v1.31.2-minimal-eksbuild.3', 'v1.31.2-eksbuild.3')).toBe(0);
    expect(compareAddonVersions('v1.31.2-minimal-eksbuild.1', 'v1.31.3-eksbuild.1')).toBe(-1);
  });

  it.each([
    '',
    'latest',
    'v1.19',
    'v1.19.2.4',
    'v1.19.2-Minimal-eksbuild.1',
    'v1.19.2-eksbuild',
    'v1.19.2-eksbuild.x',
    'v1.19.2-rc.1',
    'v1.x.2-eksbuild.1',
  ])('gives undefined when %j cannot be parsed', (text) => {
    expect(parseAddonVersion(text)).toBeUndefined();
    expect(compareAddonVersions(text, 'v1.19.2-eksbuild.1')).toBeUndefined();
    expect(compareAddonVersions('v1.19.2-eksbuild.1', text)).toBeUndefined();
  });
});
