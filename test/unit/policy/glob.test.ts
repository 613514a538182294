import { describe, expect, it } from 'vitest';
import { globIncludes, globsIntersect, globToRegExp } from '../../../lambda/policy/glob';

describe('Module: glob', () => {
  it('matches IAM wildcards, `*` any run and `?` one character', () => {
    expect(globToRegExp('a*c?', false).test('abbbcd')).toBe(true);
    expect(globToRegExp('a.c', false).test('abc')).toBe(false);
  });

  it.each<[string, string, boolean]>([
    ['system:serviceaccount:*:api', 'system:serviceaccount:team-?:api', true],
    ['system:*', 'system:serviceaccount:*', true],
    ['*', 'anything*', true],
    ['a*b', 'a*', false],
    ['a?', 'a*', false],
    ['a*', 'a', true],
    ['system:serviceaccount:payments:*', 'system:serviceaccount:pay*:*', false],
  ])('says whether %s includes %s', (outer, inner, expected) => {
    expect(globIncludes(outer, inner)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['system:serviceaccount:pay*:*', 'system:serviceaccount:*:api', true],
    ['system:serviceaccount:team-?:api', 'system:serviceaccount:payments:*', false],
    ['a?c', 'ab*', true],
    ['abc', 'abd', false],
  ])('says whether %s and %s meet', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
  });
});
