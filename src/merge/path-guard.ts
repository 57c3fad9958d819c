import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { AppError } from '../shared/index.js';

async function realOrResolved(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path); // a missing path is reported later as MODEL_NOT_FOUND, but must still lie inside a root
  }
}

/**
 * Refuses a model path outside every allowed root (after resolving symlinks, so a link cannot
 * escape). No roots given means no restriction (the CLI); the server always passes its roots.
 * @throws AppError `PATH_NOT_ALLOWED`
 */
export async function assertPathAllowed(
  path: string,
  allowedRoots: readonly string[] | undefined,
): Promise<void> {
  if (allowedRoots === undefined) return;
  const target = await realOrResolved(path);
  for (const root of allowedRoots) {
    const realRoot = await realOrResolved(root);
    const rel = relative(realRoot, target);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return;
  }
  throw new AppError('PATH_NOT_ALLOWED', `Cannot read model ${path}: it is outside the allowed model roots`);
}
