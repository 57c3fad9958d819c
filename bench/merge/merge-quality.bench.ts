// Merge quality on the shipped benchmark: every registered single-model merge method merges ALL
// shipped experts (models/experts/*/delta.safetensors: languages and domains) into models/base;
// its scale (λ) is tuned on the dev split (mean of the per-language and per-domain WER), and the
// best setting is scored on the test split: WER per language and domain, and BLEU of X→en
// translation. Uses the eval runner (src/eval evaluateManifest) and chorus's own ONNX pipeline.
// Writes bench/results/merge-quality.json and the table of models/README.md between
// <!-- merge-quality:begin --> and <!-- merge-quality:end -->. The same test subset also scores the
// reference models the papers compare against: the base, every merged expert alone (base + τ, λ = 1)
// and the multi-task baseline (models/multitask).
// --experts de,en,es,fr --tag languages merges only those experts (the seed papers' "language
// experts merged vs multi-task" setting) into bench/results/merge-quality-languages.json and the
// README section between <!-- merge-quality-languages:begin --> and <!-- merge-quality-languages:end -->.
// Run: npm run bench:merge-quality [-- --methods ta,ties] [--experts a,b] [--tag T] [--dev-limit N]
//      [--test-limit N] [--no-bleu] [--threads N]
import { relaunchWithHugePages } from '../../bin/huge-pages.mjs';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAudioFile } from '../../src/audio/index.js';
import {
  evaluateManifest,
  readManifest,
  type EvalReport,
  type ManifestEntry,
  type TranscribeFn,
} from '../../src/eval/index.js';
import { applyExperts } from '../../src/cli/commands/eval.js';
import { mergeToCheckpoint, mergeMethodNames, parseMergeRecipe } from '../../src/merge/index.js';
import { openWhisperModel, transcribe } from '../../src/whisper/index.js';
import { writeBenchResult } from '../whisper/bench-timing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODELS = join(ROOT, 'models');
const BASE_DIR = join(MODELS, 'base');
const README = join(MODELS, 'README.md');

const { values: args } = parseArgs({
  options: {
    methods: { type: 'string' },
    'dev-limit': { type: 'string' },
    'test-limit': { type: 'string' },
    threads: { type: 'string', default: '2' },
    'grid-points': { type: 'string' },
    'no-bleu': { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
    experts: { type: 'string' },
    tag: { type: 'string', default: 'all' },
  },
});
const TAG = args.tag ?? 'all';
if (!/^[a-z0-9-]+$/.test(TAG))
  throw new Error(`--tag must be lower-case letters, digits and '-' (got '${TAG}')`);
const SUFFIX = TAG === 'all' ? '' : `-${TAG}`;
const BEGIN = `<!-- merge-quality${SUFFIX}:begin -->`;
const END = `<!-- merge-quality${SUFFIX}:end -->`;
const RESULT_NAME = `merge-quality${SUFFIX}`;
const ONLY_EXPERTS = args.experts
  ?.split(',')
  .map((e) => e.trim())
  .filter((e) => e.length > 0);
const THREADS = Number(args.threads);
const DEV_LIMIT = args['dev-limit'] === undefined ? undefined : Number(args['dev-limit']);
const TEST_LIMIT = args['test-limit'] === undefined ? undefined : Number(args['test-limit']);
const WITH_BLEU = !args['no-bleu'];
/** At most this many scale values per method on dev (spread over the method's grid). */
const GRID_POINTS = args['grid-points'] === undefined ? Infinity : Number(args['grid-points']);

/**
 * The dev grid per method: the scale key and its candidate values (merging.md §5.4 [rec]: sweep
 * λ on dev, never on test). Sum-like methods (TA, DARE-linear, Breadcrumbs, Consensus, LoRS) need
 * roughly 1/T; mean-like ones (TIES dis-mean, DELLA, PCB, SCE) around 1; subspace ones 0.3…1.5.
 * Other parameters stay at their documented defaults, except TIES/DARE densities set as below.
 */
const GRID: Record<string, { key: string; values: number[]; fixed?: Record<string, unknown> }> = {
  linear: { key: '', values: [] },
  task_arithmetic: { key: 'lambda', values: [0.15, 0.3, 0.5, 0.8] },
  ties: { key: 'lambda', values: [0.5, 1, 1.5], fixed: { density: 0.2 } },
  ties_global: { key: 'lambda', values: [0.5, 1, 1.5], fixed: { density: 0.2 } },
  dare_linear: { key: 'lambda', values: [0.15, 0.3, 0.5], fixed: { density: 0.5 } },
  dare_ties: { key: 'lambda', values: [0.5, 1, 1.5], fixed: { density: 0.5 } },
  breadcrumbs: { key: 'lambda', values: [0.3, 0.6, 1] },
  della: { key: 'lambda', values: [0.7, 1.1, 1.5] },
  pcb: { key: 'lambda', values: [0.8, 1.2, 1.6] },
  pcb_global: { key: 'lambda', values: [0.8, 1.2, 1.6] },
  sce: { key: 'lambda', values: [0.5, 1, 1.5] },
  consensus: { key: 'lambda', values: [0.15, 0.3, 0.5] },
  tsv_m: { key: 'scale', values: [0.3, 0.6, 1] },
  boosted_tsv_m: { key: 'scale', values: [0.3, 0.6, 1] },
  lors: { key: 'scale', values: [0.15, 0.3, 0.5] },
  iso_c: { key: 'scale', values: [0.3, 0.6, 1] },
  iso_cts: { key: 'scale', values: [0.3, 0.6, 1] },
  subspace_boosting: { key: 'scale', values: [0.15, 0.3, 0.5] },
  model_stock: { key: '', values: [] },
  karcher: { key: '', values: [] },
  multislerp: { key: '', values: [] },
};
/** Steps past the grid's edge when the best dev value lies on it (see main()). */
const EDGE_STEPS = 2;
// Above this base WER the models are not transcribing at all, and the table says so.
const UNUSABLE_BASE_WER = 0.9;
/** Methods that build task-specific models (need a task id) are not single merged models. */
const EXCLUDED = new Set(['tall_mask']);

function experts(): { name: string; path: string }[] {
  const dir = join(MODELS, 'experts');
  if (!existsSync(dir)) return [];
  const shipped = readdirSync(dir)
    .sort()
    .filter((n) => existsSync(join(dir, n, 'delta.safetensors')));
  const unknown = (ONLY_EXPERTS ?? []).filter((n) => !shipped.includes(n));
  if (unknown.length > 0)
    throw new Error(`--experts: no models/experts/<name>/delta.safetensors for ${unknown.join(', ')}`);
  return shipped
    .filter((n) => ONLY_EXPERTS === undefined || ONLY_EXPERTS.includes(n))
    .map((name) => ({ name, path: join(dir, name, 'delta.safetensors') }));
}

const MULTITASK = join(MODELS, 'multitask', 'delta.safetensors');

interface Scored {
  transcribe: EvalReport;
  translate?: EvalReport;
}

function spread(entries: readonly ManifestEntry[], limit: number | undefined): readonly ManifestEntry[] {
  if (limit === undefined || limit >= entries.length) return entries;
  const step = entries.length / limit;
  return Array.from({ length: limit }, (_, i) => entries[Math.floor(i * step)]);
}

/** `count` values spread over `values` (all when count ≥ length; the middle one when count = 1). */
function pickSpread(values: readonly number[], count: number): number[] {
  if (count >= values.length) return [...values];
  if (count <= 1) return [values[Math.floor(values.length / 2)]];
  return Array.from({ length: count }, (_, i) => values[Math.round((i * (values.length - 1)) / (count - 1))]);
}

/** Mean of the per-language and per-domain WERs (each set weighs the same). */
function meanGroupWer(report: EvalReport): number {
  const groups = [...Object.values(report.byLanguage), ...Object.values(report.byDomain)];
  const wers = groups.map((g) => g.wer).filter((w): w is number => typeof w === 'number');
  return wers.length === 0 ? Number.NaN : wers.reduce((a, b) => a + b, 0) / wers.length;
}

async function evaluate(
  dir: string,
  entries: readonly ManifestEntry[],
  withBleu: boolean,
): Promise<{ transcribe: EvalReport; translate?: EvalReport }> {
  const { model, tokenizer } = await openWhisperModel(dir, { intraOpThreads: THREADS });
  try {
    const run: TranscribeFn = async (entry, request) => {
      const pcm = await loadAudioFile(entry.audioPath);
      const r = await transcribe(model, tokenizer, pcm, { task: request.task, language: request.language });
      return { text: r.text, language: r.language, audioDurationSec: r.durationSec };
    };
    const transcribeReport = await evaluateManifest(entries, run, {});
    const foreign = entries.filter((e) => e.language !== 'en');
    const translate =
      withBleu && foreign.length > 0
        ? await evaluateManifest(foreign, run, { task: 'translate' })
        : undefined;
    return { transcribe: transcribeReport, ...(translate !== undefined ? { translate } : {}) };
  } finally {
    await model.close();
  }
}

interface MethodResult {
  readonly method: string;
  readonly parameters: Record<string, unknown>;
  readonly dev: { readonly value: number | null; readonly meanWer: number }[];
  readonly mergeSeconds: number;
  readonly test: { transcribe: EvalReport; translate?: EvalReport };
}

function summary(report: EvalReport | undefined): Record<string, unknown> | undefined {
  if (report === undefined) return undefined;
  const g = (x: { wer?: number | null; cer?: number | null; bleu?: { score: number } } | undefined) =>
    x === undefined
      ? undefined
      : { wer: x.wer ?? null, cer: x.cer ?? null, ...(x.bleu ? { bleu: x.bleu.score } : {}) };
  return {
    overall: g(report.overall),
    byLanguage: Object.fromEntries(Object.entries(report.byLanguage).map(([k, v]) => [k, g(v)])),
    byDomain: Object.fromEntries(Object.entries(report.byDomain).map(([k, v]) => [k, g(v)])),
  };
}

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : (100 * x).toFixed(1);

function readmeSection(
  base: Scored,
  references: readonly { name: string; test: Scored }[],
  results: readonly MethodResult[],
  expertNames: string[],
): string {
  const langs = Object.keys(base.transcribe.byLanguage).sort();
  const domains = Object.keys(base.transcribe.byDomain).sort();
  const row = (name: string, params: string, r: { transcribe: EvalReport; translate?: EvalReport }) =>
    `| ${name} | ${params} | ${pct(r.transcribe.overall.wer)} | ${langs.map((l) => pct(r.transcribe.byLanguage[l]?.wer)).join(' | ')} | ${domains
      .map((d) => pct(r.transcribe.byDomain[d]?.wer))
      .join(
        ' | ',
      )} | ${r.translate?.overall.bleu === undefined ? '–' : r.translate.overall.bleu.score.toFixed(1)} |`;
  const lines = [
    BEGIN,
    TAG === 'all'
      ? '## Merge quality (all experts merged into one model)'
      : `## Merge quality: ${TAG} (${expertNames.join(', ')} merged)`,
    '',
    `Made by \`npm run bench:merge-quality\` (\`bench/merge/merge-quality.bench.ts\`) on ${new Date().toISOString().slice(0, 10)}: ` +
      `each method merges the ${expertNames.length} shipped experts (${expertNames.join(', ')}) into \`models/base\`; its scale ` +
      `(λ / scale, ${GRID_POINTS === Infinity ? 'full grid, extended by up to two steps past an edge where the best value lay (halving below, ×1.5 above)' : `${GRID_POINTS} grid points`}) is chosen on the dev split${DEV_LIMIT === undefined ? '' : ` (${DEV_LIMIT} utterances)`} by the mean of the per-language and ` +
      `per-domain WER, then scored on the test split${TEST_LIMIT === undefined ? '' : ` (${TEST_LIMIT} utterances spread over it)`}. ` +
      "Other parameters at their documented defaults (TIES density 0.2, DARE density 0.5). Decoding: chorus's transcribe() " +
      "with its defaults, as the server runs it (language given, timestamps, temperature fallback); the model cards' " +
      '"Measured quality" uses one temperature-0 pass without timestamps (openai\'s evaluation setting), so the base ' +
      'scores a point differently there. WER % (Whisper normalisers), ' +
      `BLEU of X → en translation. Raw figures: \`bench/results/${RESULT_NAME}.json\`. ` +
      'Reference rows on the same utterances: the base, each expert alone (base + its task vector; ' +
      'it is meant to win only on its own language or domain column) and the multi-task baseline ' +
      "(fine-tuned on the union of the experts' data with the same total step budget).",
    ...(typeof base.transcribe.overall.wer === 'number' && base.transcribe.overall.wer >= UNUSABLE_BASE_WER
      ? [
          '',
          `**Caveat:** the base model's own WER here is ${pct(base.transcribe.overall.wer)} %: the shipped models do not ` +
            'transcribe yet, so these rows compare noise, not merging methods. The table shows that every method runs ' +
            'end to end on the shipped experts; rerun the bench when the models improve.',
        ]
      : []),
    '',
    `| method | tuned | WER all | ${langs.join(' | ')} | ${domains.join(' | ')} | BLEU |`,
    `| --- | --- | --- | ${langs.map(() => '---').join(' | ')} | ${domains.map(() => '---').join(' | ')} | --- |`,
    row('base (no merge)', '–', base),
    ...references.map((r) => row(r.name, 'λ = 1', r.test)),
    ...results.map((r) =>
      row(
        r.method,
        Object.entries(r.parameters)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ') || 'defaults',
        r.test,
      ),
    ),
    END,
  ];
  return lines.join('\n');
}

function writeReadme(section: string): void {
  const text = existsSync(README) ? readFileSync(README, 'utf8') : '# chorus reference models\n';
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(README, next);
}

async function main(): Promise<void> {
  const list = experts();
  if (!existsSync(join(BASE_DIR, 'config.json')) || list.length === 0) {
    process.stderr.write(
      'bench:merge-quality: models/base or models/experts/*/delta.safetensors is missing\n',
    );
    process.exitCode = 1;
    return;
  }
  const methods = (args.methods?.split(',') ?? mergeMethodNames()).filter((m) => !EXCLUDED.has(m));
  const dev = spread(await readManifest(join(MODELS, 'eval', 'dev', 'all.jsonl')), DEV_LIMIT);
  const test = spread(await readManifest(join(MODELS, 'eval', 'test', 'all.jsonl')), TEST_LIMIT);
  const scratch = await mkdtemp(join(tmpdir(), 'chorus-merge-quality-'));
  const results: MethodResult[] = [];
  try {
    process.stderr.write('base on test\n');
    const base = await evaluate(BASE_DIR, test, WITH_BLEU);
    const references: { name: string; test: Scored }[] = [];
    const refs = [
      ...list.map((e) => ({ name: `expert ${e.name}`, path: e.path })),
      ...(existsSync(MULTITASK) ? [{ name: 'multitask', path: MULTITASK }] : []),
    ];
    for (const ref of refs) {
      process.stderr.write(`${ref.name} on test\n`);
      const dir = join(scratch, `ref-${references.length}`);
      await mkdir(dir, { recursive: true });
      const test1 = await evaluate(await applyExperts(BASE_DIR, [ref.path], dir), test, WITH_BLEU);
      references.push({ name: ref.name, test: test1 });
      await rm(dir, { recursive: true, force: true });
    }
    const save = (): void => {
      writeBenchResult(RESULT_NAME, THREADS, {
        tag: TAG,
        experts: list.map((e) => e.name),
        devLimit: DEV_LIMIT ?? null,
        testLimit: TEST_LIMIT ?? null,
        selection: 'scale chosen on dev by the mean of per-language and per-domain WER',
        base: { transcribe: summary(base.transcribe), translate: summary(base.translate) },
        references: references.map((r) => ({
          name: r.name,
          test: { transcribe: summary(r.test.transcribe), translate: summary(r.test.translate) },
        })),
        methods: results.map((r) => ({
          method: r.method,
          parameters: r.parameters,
          dev: r.dev,
          mergeSeconds: r.mergeSeconds,
          test: { transcribe: summary(r.test.transcribe), translate: summary(r.test.translate) },
        })),
      });
      if (!args['no-readme'])
        writeReadme(
          readmeSection(
            base,
            references,
            results,
            list.map((e) => e.name),
          ),
        );
    };
    save(); // the reference rows alone, before the first merge
    for (const method of methods) {
      const grid = GRID[method] ?? { key: '', values: [] };
      const candidates = grid.values.length === 0 ? [null] : pickSpread(grid.values, GRID_POINTS);
      const devScores: { value: number | null; meanWer: number }[] = [];
      let best: { value: number | null; meanWer: number; dir: string; seconds: number } | undefined;
      const tryValue = async (value: number | null): Promise<void> => {
        const parameters = { ...(grid.fixed ?? {}), ...(value === null ? {} : { [grid.key]: value }) };
        const dir = join(scratch, `${method}-${value ?? 'default'}`);
        const t0 = performance.now();
        try {
          await mergeToCheckpoint(
            parseMergeRecipe({
              base: BASE_DIR,
              method,
              parameters,
              experts: list,
              output: { dtype: 'float32' },
            }),
            dir,
            { overwrite: true },
          );
        } catch (e) {
          process.stderr.write(
            `${method} ${JSON.stringify(parameters)}: merge failed: ${(e as Error).message}\n`,
          );
          return;
        }
        const seconds = (performance.now() - t0) / 1000;
        const meanWer =
          candidates.length === 1 ? Number.NaN : meanGroupWer((await evaluate(dir, dev, false)).transcribe);
        devScores.push({ value, meanWer });
        process.stderr.write(`${method} ${grid.key}=${value ?? '–'}: dev mean WER ${pct(meanWer)} %\n`);
        if (best === undefined || meanWer < best.meanWer) {
          if (best !== undefined) await rm(best.dir, { recursive: true, force: true });
          best = { value, meanWer, dir, seconds };
        } else {
          await rm(dir, { recursive: true, force: true });
        }
      };
      for (const value of candidates) await tryValue(value);
      // A best value on the grid's edge may not be the optimum: step past it (halving below, ×1.5
      // above) while that keeps improving the dev WER, at most EDGE_STEPS times.
      for (let step = 0; step < EDGE_STEPS && candidates.length > 1 && best !== undefined; step++) {
        const tried = devScores.map((d) => d.value ?? Number.NaN);
        const lowest = Math.min(...tried);
        const highest = Math.max(...tried);
        const before: number | null = best.value;
        if (before === lowest) await tryValue(lowest / 2);
        else if (before === highest) await tryValue(highest * 1.5);
        else break;
        if ((best as { value: number | null }).value === before) break;
      }
      if (best === undefined) continue;
      const parameters = {
        ...(grid.fixed ?? {}),
        ...(best.value === null ? {} : { [grid.key]: best.value }),
      };
      process.stderr.write(`${method}: test with ${JSON.stringify(parameters)}\n`);
      results.push({
        method,
        parameters,
        dev: devScores,
        mergeSeconds: best.seconds,
        test: await evaluate(best.dir, test, WITH_BLEU),
      });
      await rm(best.dir, { recursive: true, force: true });
      save(); // after every method: an interrupted run keeps what it measured
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await relaunchWithHugePages(); // as `chorus` runs (bin/huge-pages.mjs)
await main();
