import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../support/event-pattern';

describe('Function: matchesPattern', () => {
  it('needs every field, any listed value, and matches arrays in the event by any element', () => {
    const pattern = { source: ['a', 'b'], detail: { findings: { Id: ['x'] } } };
    expect(matchesPattern(pattern, { source: 'b', detail: { findings: [{ Id: 'y' }, { Id: 'x' }] } })).toBe(
      true,
    );
    expect(matchesPattern(pattern, { source: 'c', detail: { findings: [{ Id: 'x' }] } })).toBe(false);
    expect(matchesPattern(pattern, { source: 'a', detail: { findings: [{ Id: 'y' }] } })).toBe(false);
    expect(matchesPattern(pattern, { source: 'a' })).toBe(false);
    expect(matchesPattern({ tags: ['t2'] }, { tags: ['t1', 't2'] })).toBe(true);
  });

  it('implements prefix and exists, missing fields included', () => {
    expect(matchesPattern({ id: [{ prefix: 'eks-posture/' }] }, { id: 'eks-posture/x' })).toBe(true);
    expect(matchesPattern({ id: [{ prefix: 'eks-posture/' }] }, { id: 'other/x' })).toBe(false);
    expect(matchesPattern({ muted: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPattern({ muted: [{ exists: false }] }, { muted: 'reason' })).toBe(false);
    expect(matchesPattern({ muted: [{ exists: true }] }, { muted: 'reason' })).toBe(true);
  });

  it('refuses an operator it does not implement instead of guessing', () => {
    expect(() => matchesPattern({ n: [{ numeric: ['>', 1] }] }, { n: 2 })).toThrow("operator 'numeric'");
    expect(() => matchesPattern({ n: [{ 'anything-but': 'x' }] }, { n: 'y' })).toThrow(
      "operator 'anything-but'",
    );
  });
});
