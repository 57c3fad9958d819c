// What a fresh page costs on this machine, with and without the huge-page tunable that the
// `chorus` command sets (bin/huge-pages.mjs): a child process allocates a 256 MB Float32Array,
// fills it (every page faults in), fills it again (no faults), and repeats with a new array;
// the ratio of the two fills is the price of fresh memory. The merge engine's and the runtime's
// large tensors are fresh malloc mappings like these.
// Run: npx tsx bench/memory/first-touch.bench.ts  → bench/results/huge-pages.json
import { spawnSync } from 'node:child_process';
import { HUGE_PAGE_TUNABLE, currentHost, hugePagesInEffect } from '../../bin/huge-pages.mjs';
import { writeBenchResult } from '../whisper/bench-timing.js';

const MB = 256;
const ROUNDS = 8;

const CHILD = `
const rounds = [];
for (let r = 0; r < ${ROUNDS}; r++) {
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const a = new Float32Array(${MB} * 262144);
  a.fill(1);
  const t1 = performance.now();
  a.fill(2);
  const t2 = performance.now();
  rounds.push({ firstTouchMs: t1 - t0, rewriteMs: t2 - t1, pageFaults: process.resourceUsage().minorPageFault - f0 });
}
process.stdout.write(JSON.stringify(rounds));
`;

interface Round {
  readonly firstTouchMs: number;
  readonly rewriteMs: number;
  readonly pageFaults: number;
}

function measure(tunables: string | undefined): Round[] {
  const env: NodeJS.ProcessEnv = { ...process.env, CHORUS_HUGE_PAGES: '0' };
  delete env.GLIBC_TUNABLES;
  if (tunables !== undefined) env.GLIBC_TUNABLES = tunables;
  const r = spawnSync(process.execPath, ['-e', CHILD], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Round[];
}

const host = currentHost();
const rows = [
  { pages: '4 KiB (default malloc)', tunables: undefined },
  { pages: 'huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1)', tunables: HUGE_PAGE_TUNABLE },
].map(({ pages, tunables }) => {
  const rounds = measure(tunables);
  const gbps = (ms: number): number => (MB * 2 ** 20) / (ms / 1000) / 1e9;
  // the median: a round's first touch varies with what the host still has mapped for this VM
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const firstTouch = median(rounds.map((x) => x.firstTouchMs));
  const rewrite = median(rounds.map((x) => x.rewriteMs));
  const row = {
    pages,
    hugePagesInEffect: hugePagesInEffect(tunables === undefined ? {} : { GLIBC_TUNABLES: tunables }, host),
    firstTouchMsPerRound: rounds.map((x) => Math.round(x.firstTouchMs * 10) / 10),
    pageFaultsPerRound: rounds.map((x) => x.pageFaults),
    firstTouchGBps: gbps(firstTouch),
    rewriteGBps: gbps(rewrite),
    firstTouchOverRewrite: firstTouch / rewrite,
  };
  console.log(row);
  return row;
});
console.log(
  writeBenchResult('huge-pages', 1, {
    note: `${MB} MB Float32Array per round, ${ROUNDS} rounds in one child process per row; firstTouch = allocate + fill (every page faults in), rewrite = fill again; GB/s from the median round. Host: THP mode ${host.thpMode ?? 'unknown'}, glibc ${host.glibcVersion ?? 'unknown'}.`,
    thpMode: host.thpMode,
    glibc: host.glibcVersion,
    hugePagesSpeedupOfFirstTouch:
      rows[0].firstTouchGBps > 0 ? rows[1].firstTouchGBps / rows[0].firstTouchGBps : null,
    rows,
  }),
);
