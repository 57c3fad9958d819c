import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertPathAllowed } from './path-guard.js';

test('assertPathAllowed() accepts paths inside a root and refuses escapes, including through symlinks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chorus-guard-'));
  try {
    const root = join(dir, 'models');
    const outside = join(dir, 'secret');
    await mkdir(join(root, 'experts'), { recursive: true });
    await mkdir(outside);
    await symlink(outside, join(root, 'experts', 'link'));
    await assertPathAllowed(join(root, 'experts'), [root]);
    await assertPathAllowed(join(root, 'not-yet-there'), [root]);
    await assertPathAllowed(outside, undefined);
    await assert.rejects(assertPathAllowed(outside, [root]), { code: 'PATH_NOT_ALLOWED' });
    await assert.rejects(assertPathAllowed(join(root, '..', 'secret'), [root]), { code: 'PATH_NOT_ALLOWED' });
    await assert.rejects(assertPathAllowed(join(root, 'experts', 'link'), [root]), {
      code: 'PATH_NOT_ALLOWED',
    });
    // a missing path behind a link is judged by where the link leads
    await assert.rejects(assertPathAllowed(join(root, 'experts', 'link', 'not-yet', 'x'), [root]), {
      code: 'PATH_NOT_ALLOWED',
    });
    // a name that merely starts with two dots is inside
    await mkdir(join(root, '..hidden'));
    await assertPathAllowed(join(root, '..hidden'), [root]);
    await assertPathAllowed(join(root, '..missing', 'x'), [root]);
    await assert.rejects(assertPathAllowed(join(dir, 'models-other'), [root]), { code: 'PATH_NOT_ALLOWED' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
