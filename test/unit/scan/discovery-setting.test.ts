import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambda/errors';
import { parseDiscovery } from '../../../lambda/scan/discovery-setting';

describe('Function: parseDiscovery', () => {
  it('reads list, and an aggregator with or without its region', () => {
    expect(parseDiscovery('list', '--discovery')).toEqual({ kind: 'list' });
    expect(parseDiscovery(' config:org-aggregator ', '--discovery')).toEqual({
      kind: 'config',
      aggregator: 'org-aggregator',
    });
    expect(parseDiscovery('config:org_1@eu-central-1', '--discovery')).toEqual({
      kind: 'config',
      aggregator: 'org_1',
      region: 'eu-central-1',
    });
  });

  it.each([
    ['', "'' is not 'list' or 'config:<aggregator>[@<region>]'"],
    ['config', "'config' is not 'list' or 'config:<aggregator>[@<region>]'"],
    ['LIST', "'LIST' is not 'list'"],
    ['config:', "'' is not an AWS Config aggregator name"],
    ['config:my aggregator', "'my aggregator' is not an AWS Config aggregator name"],
    ['config:org@Europe', "'Europe' is not an AWS region"],
  ])('refuses %j with a one-line error naming the input', (text, message) => {
    const parse = () => parseDiscovery(text, '<file>: discovery');

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(`<file>: discovery: ${message}`);
  });
});
