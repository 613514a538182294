import { describe, expect, it } from 'vitest';
import { parseCheckIds, parseRegions, parseSeverity } from '../../../lambda/scan/config';
import { type OptionSpec, parseConfigFile } from '../../../lambda/scan/config-file';

const SPECS: Record<string, OptionSpec> = {
  regions: { kind: 'text', parse: parseRegions },
  'fail-on': { kind: 'text', parse: parseSeverity },
  checks: { kind: 'text', parse: parseCheckIds },
  publish: { kind: 'flag' },
  'role-name': { kind: 'text' },
};

describe('Function: parseConfigFile', () => {
  it('reads options by their long names, lists as sequences or text, validated as their flags are', () => {
    const values = parseConfigFile(
      [
        'regions: [us-east-1, eu-west-1]',
        'fail-on: high',
        'checks: endpoint-public-access, supported-version',
        'publish: true',
        'role-name: eks-posture-member',
        'mutelist:',
        '  - checks: ["*"]',
        '    reason: sandbox',
      ].join('\n'),
      'eks-posture.yaml',
      SPECS,
    );
    expect(values).toEqual({
      regions: ['us-east-1', 'eu-west-1'],
      failOn: 'HIGH',
      checks: ['endpoint-public-access', 'supported-version'],
      publish: true,
      roleName: 'eks-posture-member',
      mutelist: [{ checks: ['*'], reason: 'sandbox' }],
    });
  });

  it('takes an empty file as no options', () => {
    expect(parseConfigFile('# nothing yet\n', 'eks-posture.yaml', SPECS)).toEqual({});
  });

  it.each([
    [
      'region: us-east-1',
      'eks-posture.yaml: region: unknown option (known: checks, fail-on, mutelist, publish, regions, role-name)',
    ],
    [
      'regions: [moon-base]',
      "eks-posture.yaml: regions: 'moon-base' is not an AWS region name (e.g. us-east-1)",
    ],
    ['fail-on: SEVERE', "eks-posture.yaml: fail-on: 'SEVERE' is not one of LOW, MEDIUM, HIGH, CRITICAL"],
    ['checks: [bogus]', "eks-posture.yaml: checks: unknown check 'bogus' (known: endpoint-public-access,"],
    ['publish: yes please', "eks-posture.yaml: publish: 'yes please' is not true or false"],
    ['regions: {a: 1}', 'eks-posture.yaml: regions: expected text, a number or a list of them'],
    ['mutelist: 3', 'eks-posture.yaml: mutelist: give the path of a mutelist file, or a list of entries'],
    ['- regions', 'eks-posture.yaml: expected a mapping of option names to values'],
    ['regions: [', 'eks-posture.yaml: not valid YAML: '],
  ])('refuses %j with one line naming the file and the option', (text, message) => {
    let said = '';
    try {
      parseConfigFile(text, 'eks-posture.yaml', SPECS);
    } catch (error) {
      said = (error as Error).message;
    }
    expect(said.startsWith(message)).toBe(true);
    expect(said).not.toContain('\n');
  });
});
