/**
 * `chorus merge RECIPE --out DIR`: merges a base Whisper checkpoint with experts per a YAML/JSON
 * recipe into an HF checkpoint folder, atomically, with a progress bar on stderr when it is a TTY.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  inlineMergeExecutor,
  loadMergeRecipe,
  MergeWorkerPool,
  mergeToCheckpoint,
  writeLanguagePathways,
  type MergeExecutor,
  type MergeProgress,
} from '../../merge/index.js';
import { BYTES_PER_MIB } from '../../shared/index.js';
import { declareMergeCommand, type MergeCommandOptions } from './merge-command.js';

function chorusVersion(): string {
  try {
    // src/cli/commands/merge.ts and dist/cli/commands/merge.js both sit three levels below the root.
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A progress reporter: a cli-progress bar on a TTY stderr, nothing otherwise. */
function progressReporter(isEnabled: boolean): { onProgress: (p: MergeProgress) => void; stop: () => void } {
  if (!isEnabled || process.stderr.isTTY !== true)
    return { onProgress: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream: process.stderr,
    format: '{phase} |{bar}| {value}/{total} tensors | {rate} MB/s | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 20,
  });
  let phase: MergeProgress['phase'] | undefined;
  return {
    onProgress(p) {
      const rate = p.elapsedMs > 0 ? (p.bytesDone / BYTES_PER_MIB / (p.elapsedMs / 1000)).toFixed(1) : '0';
      if (p.phase !== phase) {
        if (phase !== undefined) bar.stop();
        phase = p.phase;
        bar.start(p.tensorsTotal, 0, { phase: p.phase, rate });
      }
      bar.update(p.tensorsDone, { phase: p.phase, rate });
    },
    stop() {
      if (phase !== undefined) bar.stop();
      phase = undefined;
    },
  };
}

/** Runs `chorus merge`: merges per the recipe, then writes the pathway masks if asked. */
export async function runMergeCommand(recipePath: string, options: MergeCommandOptions): Promise<void> {
  const recipe = await loadMergeRecipe(recipePath);
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  const pool = threads > 1 ? new MergeWorkerPool({ threadCount: threads }) : undefined;
  const executor: MergeExecutor = pool ?? inlineMergeExecutor;
  const reporter = progressReporter(options.progress);
  try {
    const result = await mergeToCheckpoint(recipe, options.out, {
      executor,
      concurrency: threads,
      chorusVersion: chorusVersion(),
      overwrite: options.overwrite === true,
      onProgress: reporter.onProgress,
      ...(options.allowedRoot !== undefined ? { allowedRoots: options.allowedRoot } : {}),
    });
    reporter.stop();
    const seconds = ((result.provenance?.timings_ms.total ?? 0) / 1000).toFixed(1);
    process.stdout.write(
      result.isCached
        ? `${result.outDir}: already holds merge ${result.id}\n`
        : `${result.outDir}: merged ${recipe.method} (${recipe.experts.length} experts) in ${seconds} s, id ${result.id}\n`,
    );
    if (options.pathways === true) {
      const summary = await writeLanguagePathways(result.outDir, {
        ...(options.pathwayLambda !== undefined ? { maskLambda: options.pathwayLambda } : {}),
        ...(options.allowedRoot !== undefined
          ? { allowedRoots: [...options.allowedRoot, result.outDir] }
          : {}),
      });
      for (const [name, info] of Object.entries(summary.languages)) {
        process.stdout.write(
          `pathway ${name}: ${(info.density * 100).toFixed(1)} % of entries (${info.file})\n`,
        );
      }
    }
  } finally {
    reporter.stop();
    await pool?.close();
  }
}

/** Registers `chorus merge` on the program, its implementation loaded with it (main.ts loads it lazily). */
export function registerMergeCommand(program: Command): void {
  declareMergeCommand(program, runMergeCommand);
}
