/**
 * The declaration of `chorus export` (argument, options, help text) without its implementation:
 * main.ts declares the command from here and imports export.ts only when the command runs.
 */
import { Option, type Command } from 'commander';

/** Options of the export command, as commander parses them. */
export interface ExportCommandOptions {
  readonly format: 'optimum';
  readonly out: string;
}

/** Declares `chorus export` on the program; `run` is its action (checkpoint folder, parsed options). */
export function declareExportCommand(
  program: Command,
  run: (modelDir: string, options: ExportCommandOptions) => Promise<void>,
): void {
  program
    .command('export')
    .description('Export a Whisper checkpoint folder to another model layout')
    .argument('<model>', 'HF Whisper checkpoint folder')
    .addOption(new Option('--format <format>', 'output layout').choices(['optimum']).default('optimum'))
    .requiredOption('--out <dir>', 'output folder')
    .action(async (modelDir: string, options: ExportCommandOptions) => {
      await run(modelDir, options);
    });
}
