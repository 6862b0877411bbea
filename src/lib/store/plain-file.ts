/**
 * Files of the history are read only as what they are: a symbolic link in data/ could point anywhere on the
 * machine (/etc/passwd), and an error that quoted its target would print it. Links are refused, never followed.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { DataError } from '../shared/errors.ts';
import { displayPath } from './paths.ts';

export class LinkedFileError extends DataError {
  constructor(file: string) {
    super(
      `${displayPath(file)} is a symbolic link, and perfsite never follows links inside the history (one could point anywhere on this machine): replace it with the file itself, or remove it`,
    );
  }
}

/** A history file's text, or undefined when there is none; a link is a LinkedFileError, whatever it points at. */
export async function readPlainFile(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw new LinkedFileError(file);
    throw error;
  }
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Whether a folder of the history is a link (it is then neither listed nor read). */
export async function isLinkedFolder(folder: string): Promise<boolean> {
  return (await lstat(folder).catch(() => undefined))?.isSymbolicLink() ?? false;
}

/**
 * A JSON file of the history that people edit (triage.json, culprits.json): its text parsed, or undefined when
 * there is none. `fail` makes the error, which names the file and how to get back a good one.
 */
export async function readJsonDataFile(file: string, fail: (message: string) => DataError): Promise<unknown> {
  const where = displayPath(file);
  let text: string | undefined;
  try {
    text = await readPlainFile(file);
  } catch (error) {
    if (error instanceof LinkedFileError) throw error;
    throw fail(`${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw fail(`${where} is not valid JSON: restore it with \`git checkout -- ${where}\`, or delete it.`);
  }
}
