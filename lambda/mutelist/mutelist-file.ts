/**
 * A mutelist read from text (a file, an SSM parameter). Apart from the rules themselves, so that runs
 * without a mutelist file do not load the YAML parser.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { checkMutelist, type Mutelist } from './mutelist';

/**
 * A mutelist document: YAML (JSON is YAML too) with the entries under `mutelist`, the same key the
 * config file uses, so an inline list can move to its own file unchanged.
 */
export function parseMutelist(text: string, source: string, knownChecks: readonly string[]): Mutelist {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML or JSON: ${firstLine(error)}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError(`${source}: expected a mapping with a 'mutelist' list of entries`);
  }
  const extra = Object.keys(document).filter((key) => key !== 'mutelist');
  if (extra.length > 0) {
    throw new ConfigError(
      `${source}: unknown key '${extra.join("', '")}' (a mutelist file holds only 'mutelist')`,
    );
  }
  const entries = (document as { mutelist?: unknown }).mutelist;
  if (!Array.isArray(entries)) throw new ConfigError(`${source}: 'mutelist' must be a list of entries`);
  return checkMutelist(entries, source, knownChecks);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
