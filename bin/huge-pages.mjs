// Transparent huge pages for chorus's large buffers (plain JavaScript: it runs before tsx loads).
//
// The merge engine and the runtime work on tensors of tens to hundreds of MB in ArrayBuffers that
// glibc's malloc maps fresh. Each 4 KiB page of such a mapping faults on first touch, and on a
// virtual machine a fault is slow: on the Firecracker VMs chorus is built on, first-touching
// 256 MB takes ~0.9 s against ~11 ms to write it again (bench/results/huge-pages.json). With
// the glibc tunable `glibc.malloc.hugetlb=1` (glibc ≥ 2.35) malloc marks its mappings
// MADV_HUGEPAGE, so on a kernel whose THP mode is `madvise` they fault in 2 MiB at a time. Tunables
// are read once at process start, so `chorus` (its commands that move large tensors, see
// bin/chorus.mjs) relaunches itself with the tunable set when it would take effect and is not set
// yet. CHORUS_HUGE_PAGES=0 turns this off; setting GLIBC_TUNABLES yourself (e.g. in a container's
// environment) avoids the relaunch.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const HUGE_PAGE_TUNABLE = 'glibc.malloc.hugetlb=1';
/** The hugetlb entry of a GLIBC_TUNABLES value (entries are colon-separated); group 2 is its value. */
const HUGETLB_ENTRY = /(^|:)glibc\.malloc\.hugetlb=([^:]*)/;
const THP_MODE_FILE = '/sys/kernel/mm/transparent_hugepage/enabled';

/** The selected mode in the kernel's THP setting text (`always [madvise] never` → `madvise`). */
export function parseTransparentHugePageMode(text) {
  const m = /\[(\w+)\]/.exec(text ?? '');
  return m === null ? undefined : m[1];
}

/** True when `version` ("2.36") is at least major.minor. */
function versionAtLeast(version, major, minor) {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (m === null) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/**
 * The environment to relaunch with, or null when a relaunch would change nothing: not Linux, not
 * glibc ≥ 2.35 (musl and older glibc ignore the tunable), THP mode other than `madvise` (`always`
 * already gives huge pages, `never` refuses them), the tunable already chosen, or
 * CHORUS_HUGE_PAGES=0. Other GLIBC_TUNABLES entries are kept. `host` may be a function, asked only
 * when the environment leaves the question open (a relaunched process skips the ~8 ms report).
 * @param {Record<string, string | undefined>} env
 * @param {HostFacts | (() => HostFacts)} host
 */
export function hugePageRelaunchEnv(env, host) {
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (env.CHORUS_HUGE_PAGES === '0' || HUGETLB_ENTRY.test(tunables)) return null;
  const facts = typeof host === 'function' ? host() : host;
  if (facts.platform !== 'linux' || facts.thpMode !== 'madvise') return null;
  if (!versionAtLeast(facts.glibcVersion, 2, 35)) return null;
  return { ...env, GLIBC_TUNABLES: tunables === '' ? HUGE_PAGE_TUNABLE : `${tunables}:${HUGE_PAGE_TUNABLE}` };
}

/**
 * @typedef {{ platform: string, glibcVersion: string | undefined, thpMode: string | undefined }} HostFacts
 */

/** This host's facts for {@link hugePageRelaunchEnv}. */
export function currentHost() {
  if (process.platform !== 'linux')
    return { platform: process.platform, glibcVersion: undefined, thpMode: undefined };
  let thpMode;
  try {
    thpMode = parseTransparentHugePageMode(readFileSync(THP_MODE_FILE, 'utf8'));
  } catch {
    thpMode = undefined; // no THP support in this kernel
  }
  // glibcVersionRuntime is absent on musl; only looked up where it matters (the report takes ~8 ms).
  const glibcVersion =
    thpMode === 'madvise' ? process.report.getReport().header.glibcVersionRuntime : undefined;
  return { platform: process.platform, glibcVersion, thpMode };
}

/**
 * True when malloc's large mappings get huge pages in this process: THP mode `always`, or
 * `madvise` with the tunable set and glibc ≥ 2.35 (benchmarks record it beside their figures).
 */
export function hugePagesInEffect(env = process.env, host = currentHost()) {
  if (host.thpMode === 'always') return true;
  return (
    host.thpMode === 'madvise' &&
    versionAtLeast(host.glibcVersion, 2, 35) &&
    HUGETLB_ENTRY.exec(env.GLIBC_TUNABLES ?? '')?.[2] === '1'
  );
}

/** Signals a supervisor sends to one process id; the child would not get them otherwise. */
const FORWARDED_SIGNALS = ['SIGTERM', 'SIGHUP'];

/**
 * Relaunches this script (same node flags and arguments) with huge pages when
 * {@link hugePageRelaunchEnv} says it pays, waits for the relaunched process and exits as it did:
 * when it returns, the caller runs in-process (no relaunch needed, or spawning failed). SIGTERM
 * and SIGHUP are passed on; SIGINT from a terminal reaches both processes (same process group),
 * so this one only waits for the child to handle it. Under a debugger (--inspect in the flags or
 * NODE_OPTIONS) nothing is relaunched.
 */
export async function relaunchWithHugePages() {
  // A debugger attaches to the process it started; a second one could not even open its port.
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (/--inspect|--debug-port/.test(flags)) return;
  let env;
  try {
    env = hugePageRelaunchEnv(process.env, currentHost);
  } catch {
    return;
  }
  if (env === null) return;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env,
  });
  const started = await new Promise((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!started) return;
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => {});
  const [code, signal] = await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  if (signal !== null) {
    // end the same way (a supervisor sees the signal); the timer only runs if the signal is caught
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  process.exit(code ?? 1);
}
