import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../shared/index.js';

/**
 * The real path of `path`, or, for a path that does not exist (yet), the real path of its deepest
 * existing ancestor joined with the rest: a missing path is reported later as MODEL_NOT_FOUND (or
 * created, for an output), but a symlink in its existing part must not take it out of a root.
 */
async function realOrResolved(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(await realOrResolved(parent), basename(absolute));
  }
}

/** Whether `target` is `root` or lies below it (both real, absolute paths). */
function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
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
    if (isInside(await realOrResolved(root), target)) return;
  }
  throw new AppError('PATH_NOT_ALLOWED', `Cannot read model ${path}: it is outside the allowed model roots`);
}
