/**
 * A named profile of the shared AWS config and credentials files, checked before any client is
 * built: the SDK would otherwise find it missing only at the first call, as a credentials error.
 */
import { join } from 'node:path';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { ConfigError } from '../errors';

/** The files the SDK reads profiles from, as it finds them (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`). */
export function sharedConfigPaths(env: NodeJS.ProcessEnv = process.env): {
  readonly config: string;
  readonly credentials: string;
} {
  const home = getHomeDir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/**
 * Throws a ConfigError naming the profile and the files looked in, unless one of them has it: a
 * `[profile NAME]` (or `[default]`) section of the config file, or a `[NAME]` section of the
 * credentials file. Whether the profile yields credentials is the SDK's to find out.
 */
export async function checkProfile(
  name: string,
  input = '--profile',
): Promise<Readonly<Record<string, string | undefined>>> {
  const paths = sharedConfigPaths();
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: paths.config,
    filepath: paths.credentials,
    ignoreCache: true,
  });
  // The config file's other sections (`sso-session`, `services`) keep their prefix and a dot, so are never a profile.
  const inConfig = !/^(sso-session|services)\./.test(name);
  if ((inConfig && Object.hasOwn(configFile, name)) || Object.hasOwn(credentialsFile, name)) {
    return { ...(inConfig ? configFile[name] : {}), ...credentialsFile[name] };
  }
  throw new ConfigError(`${input}: no profile '${name}' in ${paths.config} or ${paths.credentials}`);
}
