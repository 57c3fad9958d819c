/**
 * The declaration of `chorus merge` (argument, options, help text) without its implementation:
 * main.ts declares the command from here and imports merge.ts only when the command runs.
 */
import type { Command } from 'commander';
import { nonNegativeNumber, positiveInt } from './number-arguments.js';

/** Options of the merge command, as commander parses them. */
export interface MergeCommandOptions {
  readonly out: string;
  readonly threads?: number;
  readonly overwrite?: boolean;
  readonly pathways?: boolean;
  readonly pathwayLambda?: number;
  readonly allowedRoot?: string[];
  readonly progress: boolean;
}

/**
 * The merge layer's `DEFAULT_PATHWAY_LAMBDA`, repeated for the help text because importing that
 * layer loads the merge engine and ONNX Runtime, which `--help` should not pay.
 * merge-command.test.ts keeps the two equal.
 */
export const HELP_PATHWAY_LAMBDA = 0.6;

/** Declares `chorus merge` on the program; `run` is its action (recipe path, parsed options). */
export function declareMergeCommand(
  program: Command,
  run: (recipePath: string, options: MergeCommandOptions) => Promise<void>,
): void {
  program
    .command('merge')
    .description('Merge a base Whisper checkpoint with language/domain experts per a YAML or JSON recipe')
    .argument('<recipe>', 'recipe file (YAML or JSON): base, method, parameters, experts, output, seed')
    .requiredOption('--out <dir>', 'output checkpoint folder (written atomically)')
    .option('--threads <n>', 'worker threads (default: cores − 1; 1 merges on the main thread)', positiveInt)
    .option('--overwrite', 'replace an existing output folder')
    .option('--pathways', 'also write per-language pathway masks (pathways/<name>.mask.safetensors)')
    .option(
      '--pathway-lambda <x>',
      `λ of the pathway masks (default ${HELP_PATHWAY_LAMBDA})`,
      nonNegativeNumber,
    )
    .option('--allowed-root <dir...>', 'refuse inputs outside these folders')
    .option('--no-progress', 'no progress bar')
    .action(async (recipePath: string, options: MergeCommandOptions) => {
      await run(recipePath, options);
    });
}
