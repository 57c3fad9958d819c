import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import {
  HUGE_PAGE_TUNABLE,
  currentHost,
  hugePageRelaunchEnv,
  hugePagesInEffect,
  parseTransparentHugePageMode,
} from '../../bin/huge-pages.mjs';

const linuxMadvise = { platform: 'linux', glibcVersion: '2.36', thpMode: 'madvise' };
const launcher = new URL('../../bin/huge-pages.mjs', import.meta.url).href;

test('the THP mode is the bracketed word of the kernel setting', () => {
  assert.equal(parseTransparentHugePageMode('always [madvise] never\n'), 'madvise');
  assert.equal(parseTransparentHugePageMode('[always] madvise never'), 'always');
  assert.equal(parseTransparentHugePageMode('always madvise [never]'), 'never');
  assert.equal(parseTransparentHugePageMode(''), undefined);
  assert.equal(parseTransparentHugePageMode(undefined), undefined);
});

test('a relaunch is planned only where the tunable changes something', () => {
  assert.deepEqual(hugePageRelaunchEnv({ A: '1' }, linuxMadvise), {
    A: '1',
    GLIBC_TUNABLES: HUGE_PAGE_TUNABLE,
  });
  // other tunables are kept
  assert.deepEqual(hugePageRelaunchEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, linuxMadvise), {
    GLIBC_TUNABLES: `glibc.malloc.arena_max=2:${HUGE_PAGE_TUNABLE}`,
  });
  // already chosen (on or off) by whoever started us: no relaunch, hence no loop
  assert.equal(hugePageRelaunchEnv({ GLIBC_TUNABLES: HUGE_PAGE_TUNABLE }, linuxMadvise), null);
  assert.equal(hugePageRelaunchEnv({ GLIBC_TUNABLES: 'x=1:glibc.malloc.hugetlb=0' }, linuxMadvise), null);
  assert.equal(hugePageRelaunchEnv({ CHORUS_HUGE_PAGES: '0' }, linuxMadvise), null);
  assert.equal(hugePageRelaunchEnv({}, { ...linuxMadvise, platform: 'darwin' }), null);
  assert.equal(hugePageRelaunchEnv({}, { ...linuxMadvise, glibcVersion: undefined }), null); // musl
  assert.equal(hugePageRelaunchEnv({}, { ...linuxMadvise, glibcVersion: '2.31' }), null);
  assert.notEqual(hugePageRelaunchEnv({}, { ...linuxMadvise, glibcVersion: '3.0' }), null);
  assert.equal(hugePageRelaunchEnv({}, { ...linuxMadvise, thpMode: 'always' }), null);
  assert.equal(hugePageRelaunchEnv({}, { ...linuxMadvise, thpMode: 'never' }), null);
  assert.equal(hugePageRelaunchEnv({}, { ...linuxMadvise, thpMode: undefined }), null);
  // the host's facts are asked for only when the environment leaves the question open
  const unasked = (): never => assert.fail('host facts asked for');
  assert.equal(hugePageRelaunchEnv({ GLIBC_TUNABLES: HUGE_PAGE_TUNABLE }, unasked), null);
  assert.equal(hugePageRelaunchEnv({ CHORUS_HUGE_PAGES: '0' }, unasked), null);
  assert.deepEqual(
    hugePageRelaunchEnv({}, () => linuxMadvise),
    { GLIBC_TUNABLES: HUGE_PAGE_TUNABLE },
  );
});

test('huge pages are in effect with THP always, or madvise plus the tunable', () => {
  assert.equal(hugePagesInEffect({}, { ...linuxMadvise, thpMode: 'always' }), true);
  assert.equal(hugePagesInEffect({ GLIBC_TUNABLES: HUGE_PAGE_TUNABLE }, linuxMadvise), true);
  assert.equal(hugePagesInEffect({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, linuxMadvise), false);
  assert.equal(hugePagesInEffect({}, linuxMadvise), false);
  assert.equal(
    hugePagesInEffect({ GLIBC_TUNABLES: HUGE_PAGE_TUNABLE }, { ...linuxMadvise, thpMode: 'never' }),
    false,
  );
});

/** Runs an inline module that relaunches, then prints its tunables and ends as `ending` says. */
function runRelaunching(
  ending: string,
  env: NodeJS.ProcessEnv,
  nodeFlags: readonly string[] = [],
): ReturnType<typeof spawnSync> {
  const code = `import { relaunchWithHugePages } from ${JSON.stringify(launcher)};
await relaunchWithHugePages();
process.stdout.write(String(process.pid) + ' ' + (process.env.GLIBC_TUNABLES ?? '') + '\\n');
${ending}`;
  return spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', code], {
    encoding: 'utf8',
    env,
  });
}

test('the relaunched process gets the tunable and its exit code and signal reach the caller', () => {
  const env = { ...process.env };
  delete env.GLIBC_TUNABLES;
  delete env.CHORUS_HUGE_PAGES;
  const relaunches = hugePageRelaunchEnv(env, currentHost()) !== null;

  const ok = runRelaunching('', env);
  assert.equal(ok.status, 0, String(ok.stderr));
  const [pid, tunables] = String(ok.stdout).trim().split(' ');
  assert.equal(tunables ?? '', relaunches ? HUGE_PAGE_TUNABLE : '');
  assert.equal(Number(pid) !== ok.pid, relaunches, 'the code ran in a second process only when relaunched');

  const failing = runRelaunching('process.exitCode = 3;', env);
  assert.equal(failing.status, 3);
  const killed = runRelaunching("process.kill(process.pid, 'SIGTERM');", env);
  assert.equal(killed.signal, 'SIGTERM');

  const off = runRelaunching('', { ...env, CHORUS_HUGE_PAGES: '0' });
  assert.equal(String(off.stdout).trim().split(' ')[0], String(off.pid));
  // under a debugger the code runs in the process the debugger attached to
  const debugged = runRelaunching('', env, ['--inspect=127.0.0.1:0']);
  assert.equal(String(debugged.stdout).trim().split(' ')[0], String(debugged.pid), String(debugged.stderr));
});
