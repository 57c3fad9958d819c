// Evaluates the shipped reference models on their held-out sets with chorus's own pipeline
// (openWhisperModel + transcribe, greedy, language forced from the manifest) and Whisper's
// normalisers: the base and the multitask model on every test utterance, each expert on its own
// language/domain subset. Experts ship as task vectors (models/experts/<name>/delta.safetensors,
// θ_expert − θ_base); each is applied by the merge engine's task_arithmetic with one expert and
// λ = 1 (= θ_base + τ, the expert itself) into a temporary checkpoint folder. The base is also
// scored with int8 decoder weights (--weight-type int8), on the same sets.
// Writes bench/results/models.json and the metrics section of models/README.md (between
// <!-- eval:begin --> and <!-- eval:end -->).
// Run: npm run eval:models [-- --split dev] [--limit N] [--threads N] [--no-bleu]   (nice -n 10)
import { relaunchWithHugePages } from '../../bin/huge-pages.mjs';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  evaluateManifest,
  readManifest,
  type EvalReport,
  type GroupSummary,
  type ManifestEntry,
} from '../../src/eval/index.js';
import { applyExperts, openEvalTranscriber } from '../../src/cli/commands/eval.js';
import { writeBenchResult } from '../whisper/bench-timing.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODELS = join(ROOT, 'models');
const BASE_DIR = join(MODELS, 'base');
const README = join(MODELS, 'README.md');
const BEGIN = '<!-- eval:begin -->';
const END = '<!-- eval:end -->';

const { values: args } = parseArgs({
  options: {
    split: { type: 'string', default: 'test' },
    limit: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'no-bleu': { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
  },
});
const SPLIT = args.split;
const THREADS = Number(args.threads);
const LIMIT = args.limit === undefined ? undefined : Number(args.limit);
const WITH_BLEU = !args['no-bleu'];

interface ModelSpec {
  readonly name: string;
  readonly kind: 'base' | 'base-int8' | 'expert' | 'multitask';
  /** Task vector over models/base, for experts and multitask. */
  readonly delta?: string;
  /** Manifest subset: 'all', a language or a domain. */
  readonly set: string;
}

function modelSpecs(): ModelSpec[] {
  const specs: ModelSpec[] = [
    { name: 'base', kind: 'base', set: 'all' },
    { name: 'base-int8', kind: 'base-int8', set: 'all' },
  ];
  const multitask = join(MODELS, 'multitask', 'delta.safetensors');
  if (existsSync(multitask))
    specs.push({ name: 'multitask', kind: 'multitask', delta: multitask, set: 'all' });
  const expertsDir = join(MODELS, 'experts');
  if (existsSync(expertsDir)) {
    for (const name of readdirSync(expertsDir).sort()) {
      const delta = join(expertsDir, name, 'delta.safetensors');
      if (!existsSync(delta)) continue;
      const set = existsSync(join(MODELS, 'eval', SPLIT, `${name}.jsonl`)) ? name : 'all';
      specs.push({ name, kind: 'expert', delta, set });
    }
  }
  return specs;
}

/** Picks `limit` utterances spread over the set (every k-th), or all of them. */
function spread(entries: readonly ManifestEntry[], limit: number | undefined): readonly ManifestEntry[] {
  if (limit === undefined || limit >= entries.length) return entries;
  const step = entries.length / limit;
  return Array.from({ length: limit }, (_, i) => entries[Math.floor(i * step)]);
}

async function materialise(spec: ModelSpec, scratch: string): Promise<string> {
  if (spec.delta === undefined) return BASE_DIR;
  // chorus eval --expert: task_arithmetic with one expert and λ = 1 reproduces the expert.
  const dir = join(scratch, spec.name);
  await mkdir(dir);
  return applyExperts(BASE_DIR, [spec.delta], dir);
}

function pick(g: GroupSummary | undefined): Record<string, unknown> | undefined {
  if (g === undefined) return undefined;
  return {
    utteranceCount: g.utteranceCount,
    audioSec: g.audioSec,
    ...(g.wer !== undefined ? { wer: g.wer, cer: g.cer, words: g.words, chars: g.chars } : {}),
    ...(g.bleu !== undefined ? { bleu: g.bleu.score, bleuDetail: g.bleu } : {}),
  };
}

function compact(report: EvalReport): Record<string, unknown> {
  return {
    utteranceCount: report.utteranceCount,
    overall: pick(report.overall),
    byLanguage: Object.fromEntries(Object.entries(report.byLanguage).map(([k, g]) => [k, pick(g)])),
    byDomain: Object.fromEntries(Object.entries(report.byDomain).map(([k, g]) => [k, pick(g)])),
    realTimeFactor: report.realTimeFactor,
    worst: report.worst.slice(0, 5).map((r) => ({
      id: r.id,
      reference: r.normalizedReference ?? r.reference,
      hypothesis: r.normalizedHypothesis ?? r.hypothesis,
      ...(r.wer !== undefined ? { wer: r.wer } : {}),
      ...(r.sentenceBleu !== undefined ? { sentenceBleu: r.sentenceBleu } : {}),
    })),
  };
}

interface ModelResult {
  readonly spec: ModelSpec;
  readonly transcribe: EvalReport;
  readonly translate?: EvalReport;
}

async function evaluateModel(spec: ModelSpec, scratch: string): Promise<ModelResult> {
  const dir = await materialise(spec, scratch);
  const entries = spread(await readManifest(join(MODELS, 'eval', SPLIT, `${spec.set}.jsonl`)), LIMIT);
  const opened = await openEvalTranscriber(dir, {
    threads: THREADS,
    device: 'cpu',
    ...(spec.kind === 'base-int8' ? { weightType: 'int8' as const } : {}),
  });
  try {
    const run = opened.transcribe;
    const progress = (label: string) => (done: number, total: number) => {
      if (done === total || done % 25 === 0)
        process.stderr.write(`  ${spec.name} ${label} ${done}/${total}\n`);
    };
    const transcribeReport = await evaluateManifest(entries, run, { onProgress: progress('transcribe') });
    // X→en translation: English utterances' "translation" is their own text, so they are left out.
    const foreign = entries.filter((e) => e.language !== 'en');
    const translateReport =
      WITH_BLEU && foreign.length > 0
        ? await evaluateManifest(foreign, run, { task: 'translate', onProgress: progress('translate') })
        : undefined;
    return {
      spec,
      transcribe: transcribeReport,
      ...(translateReport !== undefined ? { translate: translateReport } : {}),
    };
  } finally {
    await opened.close();
  }
}

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : (100 * x).toFixed(1);

/** Rows: the whole set, each language, each domain; columns: base, multitask, the row's expert. */
function readmeSection(results: readonly ModelResult[], date: string): string {
  const base = results.find((r) => r.spec.kind === 'base');
  const int8 = results.find((r) => r.spec.kind === 'base-int8');
  const multitask = results.find((r) => r.spec.kind === 'multitask');
  const rows: [string, (r: ModelResult, t: 'transcribe' | 'translate') => GroupSummary | undefined][] = [
    ['all', (r, t) => (r.spec.set === 'all' ? r[t]?.overall : undefined)],
  ];
  const keys = (field: 'byLanguage' | 'byDomain') => Object.keys(base?.transcribe[field] ?? {});
  for (const lang of keys('byLanguage')) rows.push([lang, (r, t) => r[t]?.byLanguage[lang]]);
  for (const domain of keys('byDomain')) rows.push([domain, (r, t) => r[t]?.byDomain[domain]]);
  const expertFor = (row: string) => results.find((r) => r.spec.kind === 'expert' && r.spec.name === row);
  const lines: string[] = [
    BEGIN,
    '## Measured quality (chorus pipeline)',
    '',
    `Made by \`npm run eval:models\` (\`bench/eval/eval-models.ts\`) on ${date.slice(0, 10)}, split \`${SPLIT}\`` +
      `${LIMIT === undefined ? '' : ` (${LIMIT} utterances per model, spread over its set)`}: chorus's ONNX graphs and decoder ` +
      "(one greedy pass at temperature 0 without timestamps, as openai's evaluations; language forced from the manifest), scored with Whisper's normalisers " +
      '(EnglishTextNormalizer for en, BasicTextNormalizer otherwise) and sacrebleu-compatible BLEU. ' +
      'Experts are base + their task vector (task_arithmetic, λ = 1), evaluated on their own language or domain. ' +
      'The base model is also run with int8 decoder weights (`--weight-type int8`). ' +
      'Raw figures: `bench/results/models.json`.',
    '',
    'WER % (CER %), lower is better:',
    '',
    '| set | base | base, int8 decoder | multitask | expert |',
    '| --- | --- | --- | --- | --- |',
  ];
  const cell = (g: GroupSummary | undefined) => (g === undefined ? '–' : `${pct(g.wer)} (${pct(g.cer)})`);
  for (const [row, get] of rows) {
    const expert = expertFor(row);
    lines.push(
      `| ${row} | ${cell(base && get(base, 'transcribe'))} | ${cell(int8 && get(int8, 'transcribe'))} | ${cell(
        multitask && get(multitask, 'transcribe'),
      )} | ${
        expert === undefined
          ? '–'
          : `${cell(get(expert, 'transcribe') ?? expert.transcribe.overall)} (${row} expert)`
      } |`,
    );
  }
  if (WITH_BLEU) {
    const bleu = (g: GroupSummary | undefined) => (g?.bleu === undefined ? '–' : g.bleu.score.toFixed(1));
    lines.push('', 'BLEU, X → en translation of the non-English utterances, higher is better:', '');
    lines.push('| set | base | base, int8 decoder | multitask | expert |', '| --- | --- | --- | --- | --- |');
    for (const [row, get] of rows) {
      if (row === 'en') continue;
      const expert = expertFor(row);
      lines.push(
        `| ${row === 'all' ? 'all (de, es, fr)' : row} | ${bleu(base && get(base, 'translate'))} | ${bleu(
          int8 && get(int8, 'translate'),
        )} | ${bleu(multitask && get(multitask, 'translate'))} | ${expert === undefined ? '–' : bleu(get(expert, 'translate') ?? expert.translate?.overall)} |`,
      );
    }
  }
  const rtf = base?.transcribe.realTimeFactor;
  lines.push(
    '',
    `Real-time factor of the base model on this machine: ${rtf === null || rtf === undefined ? '–' : rtf.toFixed(3)} ` +
      `(${THREADS} ONNX Runtime threads, shared machine; processing time / audio time).`,
    END,
  );
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
  if (!existsSync(join(BASE_DIR, 'config.json'))) {
    process.stderr.write('eval:models: models/base/config.json is missing; nothing to evaluate\n');
    process.exitCode = 1;
    return;
  }
  const scratch = await mkdtemp(join(tmpdir(), 'chorus-eval-models-'));
  const results: ModelResult[] = [];
  try {
    for (const spec of modelSpecs()) {
      process.stderr.write(`eval:models ${spec.name} on ${SPLIT}/${spec.set}.jsonl\n`);
      results.push(await evaluateModel(spec, scratch));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const path = writeBenchResult('models', THREADS, {
    split: SPLIT,
    limit: LIMIT ?? null,
    decoding:
      'greedy, temperature 0, without timestamps (chorus eval default), language forced from the manifest',
    normalisers: 'Whisper EnglishTextNormalizer (en), BasicTextNormalizer (others)',
    bleu: 'sacrebleu-compatible corpus BLEU (13a, exp smoothing), X→en on the non-English utterances',
    models: results.map((r) => ({
      name: r.spec.name,
      kind: r.spec.kind,
      checkpoint:
        r.spec.delta === undefined ? 'models/base' : `models/base + ${relative(ROOT, r.spec.delta)}`,
      weightType: r.spec.kind === 'base-int8' ? 'int8' : 'float32',
      set: `models/eval/${SPLIT}/${r.spec.set}.jsonl`,
      transcribe: compact(r.transcribe),
      ...(r.translate !== undefined ? { translate: compact(r.translate) } : {}),
    })),
  });
  process.stderr.write(`wrote ${relative(ROOT, path)}\n`);
  if (!args['no-readme']) {
    writeReadme(readmeSection(results, new Date().toISOString()));
    process.stderr.write('updated models/README.md (eval section)\n');
  }
}

await relaunchWithHugePages(); // as `chorus` runs (bin/huge-pages.mjs)
await main();
