/**
 * The CLI's config file: YAML whose keys are the CLI's long option names (`fail-on`, `regions`),
 * plus `mutelist` (inline entries, or the path of a mutelist file). Each value is validated the
 * way its flag is, so a file and a command line mean the same; unknown keys are errors.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';

/** How one option reads a value: from its flag's text, as Commander gives it. */
export interface OptionSpec {
  /** `text`: a flag's argument (a YAML list is joined with commas); `flag`: true or false. */
  readonly kind: 'text' | 'flag';
  parse?(input: string, name: string): unknown;
}

/** The option values a file sets, by Commander's (camel-case) key; `mutelist` as given. */
export type FileOptions = Record<string, unknown>;

/**
 * @param specs each option's spec, by long name (`fail-on`); `mutelist` is handled here
 * @returns values by camel-case key (`failOn`), parsed as their flags would be
 */
export function parseConfigFile(
  text: string,
  source: string,
  specs: Readonly<Record<string, OptionSpec>>,
): FileOptions {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${source}: not valid YAML: ${message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`${source}: expected a mapping of option names to values`);
  }
  const values: FileOptions = {};
  for (const [key, value] of Object.entries(document)) {
    const name = `${source}: ${key}`;
    if (key === 'mutelist') {
      if (typeof value !== 'string' && !Array.isArray(value)) {
        throw new ConfigError(`${name}: give the path of a mutelist file, or a list of entries`);
      }
      values.mutelist = value;
      continue;
    }
    const spec = specs[key];
    if (!spec) {
      const known = [...Object.keys(specs), 'mutelist'].sort().join(', ');
      throw new ConfigError(`${name}: unknown option (known: ${known})`);
    }
    values[camelCase(key)] = read(spec, value, name);
  }
  return values;
}

function read(spec: OptionSpec, value: unknown, name: string): unknown {
  if (spec.kind === 'flag') {
    if (typeof value !== 'boolean') throw new ConfigError(`${name}: '${String(value)}' is not true or false`);
    return value;
  }
  const text = Array.isArray(value) ? value.map((item) => scalar(item, name)).join(',') : scalar(value, name);
  return spec.parse ? spec.parse(text, name) : text;
}

function scalar(value: unknown, name: string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new ConfigError(`${name}: expected text, a number or a list of them`);
}

export function camelCase(longName: string): string {
  return longName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
