import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withCheckDocs } from '../../scripts/check-docs';

describe('README', () => {
  it('carries the check reference of the current registry (run npm run docs)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withCheckDocs(readme)).toBe(readme);
  });

  it('names the two set-up commands and the exit codes', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
    for (const code of ['| 0 |', '| 1 |', '| 2 |', '| 3 |']) expect(readme).toContain(code);
  });
});
