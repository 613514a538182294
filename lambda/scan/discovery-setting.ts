/**
 * How a run finds the regions worth listing: `list` (every region of every account, the default)
 * or `config:<aggregator>[@<region>]` (an AWS Config aggregator proves which account regions hold
 * no cluster; see lambda/collect/discovery.ts). Parsed here, from the CLI option, the config file or
 * (once wired) the Lambda's environment alike.
 */
import { ConfigError } from '../errors';

export type DiscoverySetting =
  | { readonly kind: 'list' }
  | {
      readonly kind: 'config';
      readonly aggregator: string;
      /** The aggregator's region. @default the run's home region */
      readonly region?: string;
    };

export const DEFAULT_DISCOVERY: DiscoverySetting = { kind: 'list' };

// The API's pattern for ConfigurationAggregatorName: [\w\-]+, 1 to 256 characters.
const AGGREGATOR_NAME = /^[\w-]{1,256}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `list`, or `config:<aggregator>` with an optional `@<region>`; anything else throws a one-line ConfigError naming the input. */
export function parseDiscovery(text: string, inputName: string): DiscoverySetting {
  const value = text.trim();
  if (value === 'list') return { kind: 'list' };
  const match = /^config:([^@]*)(?:@(.*))?$/.exec(value);
  const usage = `'${text}' is not 'list' or 'config:<aggregator>[@<region>]'`;
  if (!match) throw new ConfigError(`${inputName}: ${usage}`);
  const [, aggregator = '', region] = match;
  if (!AGGREGATOR_NAME.test(aggregator)) {
    throw new ConfigError(
      `${inputName}: '${aggregator}' is not an AWS Config aggregator name (1 to 256 letters, digits, '_' or '-')`,
    );
  }
  if (region !== undefined && !REGION.test(region)) {
    throw new ConfigError(`${inputName}: '${region}' is not an AWS region`);
  }
  return { kind: 'config', aggregator, ...(region !== undefined ? { region } : {}) };
}
