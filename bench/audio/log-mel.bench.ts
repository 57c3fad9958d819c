// Log-mel and resampler throughput in × real time (CONVENTIONS.md §10).
// Run: nice -n 10 npx tsx bench/audio/log-mel.bench.ts   → bench/results/log-mel.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { LogMelExtractor, StreamingLogMel, StreamingResampler, resample } from '../../src/audio/index.js';

const SAMPLE_RATE_HZ = 16_000;
const DURATIONS_SEC = [1, 10, 30];
/** Minimum measured time per case; enough repetitions for a stable median on a shared machine. */
const MIN_CASE_MS = 1500;

interface Row {
  name: string;
  audioSec: number;
  runs: number;
  /** Wall-clock median; inflated when other jobs share the cores. */
  medianMs: number;
  /** User-CPU median of this process: the cost of the work itself on a busy machine. */
  medianCpuMs: number;
  xRealTime: number;
  xRealTimeCpu: number;
}

let sink = 0; // consumed results, so the JIT cannot drop the work

function speechLike(n: number, rateHz: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const t = i / rateHz;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    x[i] =
      envelope * (0.3 * Math.sin(2 * Math.PI * (150 + 50 * Math.sin(t)) * t) + 0.05 * (s / 2147483648 - 0.5));
  }
  return x;
}

function measure(name: string, audioSec: number, run: () => number, warmups = 3, minRuns = 5): Row {
  for (let i = 0; i < warmups; i++) sink += run(); // warm-up (JIT)
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const start = performance.now();
  while (performance.now() - start < MIN_CASE_MS || times.length < minRuns) {
    const c0 = process.cpuUsage().user;
    const t0 = performance.now();
    sink += run();
    times.push(performance.now() - t0);
    cpuTimes.push((process.cpuUsage().user - c0) / 1000);
  }
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const medianMs = median(times);
  const medianCpuMs = median(cpuTimes);
  const row = {
    name,
    audioSec,
    runs: times.length,
    medianMs,
    medianCpuMs,
    xRealTime: (audioSec * 1000) / medianMs,
    xRealTimeCpu: (audioSec * 1000) / medianCpuMs,
  };
  console.log(
    `${name.padEnd(46)} ${String(audioSec).padStart(3)} s  wall ${medianMs.toFixed(2).padStart(8)} ms ` +
      `(${row.xRealTime.toFixed(0).padStart(5)}×)  cpu ${medianCpuMs.toFixed(2).padStart(8)} ms ` +
      `(${row.xRealTimeCpu.toFixed(0).padStart(5)}× real time)`,
  );
  return row;
}

const rows: Row[] = [];
for (const nMels of [80, 128] as const) {
  const extractor = new LogMelExtractor(nMels);
  for (const sec of DURATIONS_SEC) {
    const pcm = speechLike(sec * SAMPLE_RATE_HZ, SAMPLE_RATE_HZ);
    rows.push(measure(`logMelLongForm ${nMels} mels`, sec, () => extractor.logMelLongForm(pcm).data[7]));
  }
  const window = new Float32Array(nMels * 3000);
  const pcm = speechLike(30 * SAMPLE_RATE_HZ, SAMPLE_RATE_HZ);
  rows.push(
    measure(`logMelInto 3000-frame window ${nMels}`, 30, () => extractor.logMelInto(window, pcm)[11]),
  );
}
{
  // Live re-decoding: a 30 s window over the latest audio, refreshed every 500 ms, for 60 s of audio.
  const pcm = speechLike(60 * SAMPLE_RATE_HZ, SAMPLE_RATE_HZ);
  const stepSamples = SAMPLE_RATE_HZ / 2;
  const window = new Float32Array(80 * 3000);
  rows.push(
    measure('StreamingLogMel 30 s window every 500 ms', 60, () => {
      const s = new StreamingLogMel({ nMels: 80 });
      let acc = 0;
      for (let at = 0; at < pcm.length; at += stepSamples) {
        s.push(pcm.subarray(at, at + stepSamples));
        const start = Math.max(0, s.endSample - 30 * SAMPLE_RATE_HZ);
        acc += s.windowInto(window, start - (start % 160))[3];
        s.discardBefore(start - (start % 160));
      }
      return acc;
    }),
  );
  const extractor = new LogMelExtractor(80);
  rows.push(
    measure(
      'logMelInto 30 s window every 500 ms (no cache)',
      60,
      () => {
        let acc = 0;
        for (let end = stepSamples; end <= pcm.length; end += stepSamples) {
          const start = Math.max(0, end - 30 * SAMPLE_RATE_HZ);
          acc += extractor.logMelInto(window, pcm.subarray(start - (start % 160), end))[3];
        }
        return acc;
      },
      1,
      3,
    ), // heavy (≈ 2.5 s CPU per run): fewer repetitions
  );
}
for (const fromHz of [44_100, 48_000, 8_000]) {
  for (const sec of [1, 10]) {
    const x = speechLike(sec * fromHz, fromHz);
    rows.push(measure(`resample ${fromHz}→16000`, sec, () => resample(x, fromHz, SAMPLE_RATE_HZ)[5]));
  }
}
{
  const x = speechLike(10 * 48_000, 48_000);
  rows.push(
    measure('StreamingResampler 48000→16000, 20 ms chunks', 10, () => {
      const r = new StreamingResampler(48_000, SAMPLE_RATE_HZ);
      let acc = 0;
      for (let at = 0; at < x.length; at += 960) acc += r.push(x.subarray(at, at + 960)).length;
      return acc + r.flush().length;
    }),
  );
}

// Peer: transformers.js WhisperFeatureExtractor (same recipe, HF/tjs short-form) on a 30 s window.
const peer: { name: string; maxAbsDiffVsChorus: number[]; rows: Row[] } = {
  name: '@huggingface/transformers WhisperFeatureExtractor',
  maxAbsDiffVsChorus: [],
  rows: [],
};
{
  const { WhisperFeatureExtractor } = await import('@huggingface/transformers');
  const pcm = speechLike(30 * SAMPLE_RATE_HZ, SAMPLE_RATE_HZ);
  for (const nMels of [80, 128] as const) {
    const fe = new WhisperFeatureExtractor({
      feature_size: nMels,
      sampling_rate: SAMPLE_RATE_HZ,
      hop_length: 160,
      n_fft: 400,
      chunk_length: 30,
      n_samples: 480_000,
      nb_max_frames: 3000,
      padding_value: 0,
      return_attention_mask: false,
    });
    const extract = async (): Promise<Float32Array> =>
      ((await fe._call(pcm)) as { input_features: { data: Float32Array } }).input_features.data;
    const ref = await extract();
    const ours = new LogMelExtractor(nMels).logMelInto(new Float32Array(nMels * 3000), pcm);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - ours[i]));
    peer.maxAbsDiffVsChorus.push(worst);
    // The peer is async; time it synchronously by blocking on each call in turn.
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c0 = process.cpuUsage().user;
      const t0 = performance.now();
      sink += (await extract())[9];
      times.push(performance.now() - t0);
      cpuTimes.push((process.cpuUsage().user - c0) / 1000);
    }
    const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const row: Row = {
      name: `transformers.js 3000-frame window ${nMels}`,
      audioSec: 30,
      runs: times.length,
      medianMs: median(times),
      medianCpuMs: median(cpuTimes),
      xRealTime: 30_000 / median(times),
      xRealTimeCpu: 30_000 / median(cpuTimes),
    };
    peer.rows.push(row);
    console.log(
      `${row.name.padEnd(46)}  30 s  cpu ${row.medianCpuMs.toFixed(2)} ms (${row.xRealTimeCpu.toFixed(0)}× real time), max |Δ| vs chorus ${worst}`,
    );
  }
}

const cpu = cpus();
const result = {
  name: 'log-mel',
  date: new Date().toISOString(),
  machine: { cpuModel: cpu[0]?.model ?? 'unknown', cores: cpu.length },
  node: process.version,
  threads: 1,
  note: 'single thread, medians of repeated runs after 3 warm-up runs; machine shared with other jobs (nice 10), so prefer the CPU-time columns',
  loadAverage: loadavg(),
  rows,
  peer,
  sink,
};
const dir = join(import.meta.dirname, '../results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'log-mel.json'), JSON.stringify(result, null, 2) + '\n');
console.log(`wrote ${join(dir, 'log-mel.json')}`);
