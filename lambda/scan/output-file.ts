/**
 * The file a report is written to: checked before a scan starts, so that a long scan never ends in
 * a report that cannot be saved, and written at its end. Problems are ConfigErrors naming the file.
 */
import { open, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors';

/**
 * Throws a ConfigError, `<input> <file>: <problem>`, unless the file can be written. It leaves an
 * existing file as it was, and creates none: a file that did not exist is made and removed again,
 * so that the operating system itself (permissions, read-only mounts, root) answers.
 */
export async function checkOutputFile(file: string, input = '--output'): Promise<void> {
  const existing = await stat(file).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw outputError(file, error, input);
  });
  if (existing?.isDirectory()) throw new ConfigError(`${input} ${file}: is a directory`);
  // A device or pipe (/dev/stdout, a FIFO) is not opened early: opening a FIFO blocks until a reader comes.
  if (existing && !existing.isFile()) return;
  try {
    // Append mode: opening an existing file this way changes neither its content nor its times.
    const handle = await open(file, existing ? 'a' : 'wx');
    await handle.close();
    if (!existing) await rm(file, { force: true });
  } catch (error) {
    throw outputError(file, error, input);
  }
}

/** Writes the report; a failure is a ConfigError naming the file, like the check before the scan. */
export async function writeOutputFile(file: string, text: string, input = '--output'): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw outputError(file, error, input);
  }
}

function outputError(file: string, error: unknown, input: string): ConfigError {
  return new ConfigError(`${input} ${file}: ${fileProblem(file, error)}`, { cause: error });
}

function fileProblem(file: string, error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return `the directory ${dirname(resolve(file))} does not exist`;
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'cannot be written';
}

function errorCode(error: unknown): string | undefined {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
}
