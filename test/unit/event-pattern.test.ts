import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern } from '../support/event-pattern';

describe('Function: matchesPattern', () => {
  it('needs every field the pattern names, and any one of its listed values', () => {
    const pattern = { source: ['a', 'b'], detail: { state: ['on'] } };

    expect(matchesPattern(pattern, { source: 'b', detail: { state: 'on' } })).toBe(true);
    expect(matchesPattern(pattern, { source: 'c', detail: { state: 'on' } })).toBe(false);
    expect(matchesPattern(pattern, { source: 'a', detail: { state: 'off' } })).toBe(false);
  });

  it('fails on a field the pattern names and the event lacks, at any depth', () => {
    expect(matchesPattern({ source: ['a'], detail: { state: ['on'] } }, { source: 'a' })).toBe(false);
    expect(matchesPattern({ detail: { state: ['on'] } }, { detail: {} })).toBe(false);
    expect(matchesPattern({ detail: { state: ['on'] } }, { detail: 'on' })).toBe(false);
  });

  it('matches an array in the event when any of its elements matches', () => {
    const pattern = { detail: { findings: { Id: ['x'] } }, tags: ['t2'] };

    expect(
      matchesPattern(pattern, { detail: { findings: [{ Id: 'y' }, { Id: 'x' }] }, tags: ['t1', 't2'] }),
    ).toBe(true);
    expect(matchesPattern(pattern, { detail: { findings: [{ Id: 'y' }] }, tags: ['t2'] })).toBe(false);
    expect(matchesPattern(pattern, { detail: { findings: [{ Id: 'x' }] }, tags: ['t1'] })).toBe(false);
    expect(matchesPattern(pattern, { detail: { findings: [] }, tags: ['t2'] })).toBe(false);
  });

  it('matches exact values by type: a string is not the number it spells', () => {
    expect(matchesPattern({ n: [1] }, { n: 1 })).toBe(true);
    expect(matchesPattern({ n: ['1'] }, { n: 1 })).toBe(false);
    expect(matchesPattern({ n: [null] }, { n: null })).toBe(true);
    expect(matchesPattern({ n: [null] }, {})).toBe(false);
  });

  it('matches a prefix on strings only', () => {
    const pattern = { id: [{ prefix: 'eks-posture/' }] };

    expect(matchesPattern(pattern, { id: 'eks-posture/x' })).toBe(true);
    expect(matchesPattern(pattern, { id: ['other/x', 'eks-posture/y'] })).toBe(true);
    expect(matchesPattern(pattern, { id: 'other/eks-posture/x' })).toBe(false);
    expect(matchesPattern(pattern, {})).toBe(false);
  });

  it('matches exists: false on a missing field, also under a missing parent, and not on a present one', () => {
    const pattern = { ProductFields: { 'eks-posture/Muted': [{ exists: false }] } };

    expect(matchesPattern(pattern, { ProductFields: { 'eks-posture/NewOrWorse': 'true' } })).toBe(true);
    expect(matchesPattern(pattern, {})).toBe(true);
    expect(matchesPattern(pattern, { ProductFields: { 'eks-posture/Muted': 'accepted' } })).toBe(false);
    expect(matchesPattern(pattern, { ProductFields: { 'eks-posture/Muted': '' } })).toBe(false);
    expect(matchesPattern({ muted: [{ exists: true }] }, { muted: 'reason' })).toBe(true);
    expect(matchesPattern({ muted: [{ exists: true }] }, {})).toBe(false);
  });

  it('refuses an operator it does not implement instead of guessing', () => {
    expect(() => matchesPattern({ n: [{ numeric: ['>', 1] }] }, { n: 2 })).toThrow("operator 'numeric'");
    expect(() => matchesPattern({ n: [{ 'anything-but': 'x' }] }, { n: 'y' })).toThrow(
      "operator 'anything-but'",
    );
    expect(() => matchesPattern({ n: [{ prefix: { 'equals-ignore-case': 'a' } }] }, { n: 'a' })).toThrow(
      'prefix other than a string',
    );
    // Even beside a value that matches, on a field the event lacks, or after a field that fails.
    expect(() => matchesPattern({ n: ['y', { suffix: 'x' }] }, { n: 'y' })).toThrow("operator 'suffix'");
    expect(() => matchesPattern({ n: [{ wildcard: 'x*' }] }, {})).toThrow("operator 'wildcard'");
    expect(() => matchesPattern({ a: ['no'], d: { n: [{ cidr: '10.0.0.0/8' }] } }, { a: 'yes' })).toThrow(
      "operator 'cidr'",
    );
  });

  it('refuses what EventBridge would refuse, or where its documentation gives no answer', () => {
    expect(() => matchesPattern({ n: [] }, { n: 'x' })).toThrow('empty list');
    expect(() => matchesPattern({ n: [{ prefix: 'a', exists: true }] }, { n: 'a' })).toThrow('one operator');
    const scalar = JSON.parse('{ "n": "x" }') as EventPattern;
    expect(() => matchesPattern(scalar, { n: 'x' })).toThrow('expected a list or an object');
    expect(() => matchesPattern({ n: [{ exists: 'yes' }] }, { n: 'x' })).toThrow('exists takes a boolean');
    for (const value of [{ a: 1 }, [], null]) {
      expect(() => matchesPattern({ n: [{ exists: false }] }, { n: value })).toThrow('not a leaf value');
    }
  });
});
