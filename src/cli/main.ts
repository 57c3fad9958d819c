/**
 * The composition root: parses the command line and runs one command. Everything stateful is
 * built here and passed down (CONVENTIONS.md §6).
 */
import { Command } from 'commander';
import { AppError, isAppError } from '../shared/index.js';
import { declareEvalCommand } from './commands/eval-command.js';
import { declareExportCommand } from './commands/export-command.js';
import { declareMergeCommand } from './commands/merge-command.js';
import { declareTranscribeCommands } from './commands/transcribe-command.js';

/**
 * Builds the `chorus` command tree. Commands register here, in one place: each is declared
 * (arguments, options, help) from its light `*-command.ts` module, and its implementation, which
 * loads the model code, the merge engine and ONNX Runtime, is imported only when the command
 * runs, so that help and argument errors do not wait for it.
 */
export function buildProgram(): Command {
  const program = new Command('chorus')
    .description('Real-time Whisper speech recognition and translation, with an embedded merge engine')
    .showHelpAfterError()
    .exitOverride();
  declareEvalCommand(program, async (manifestPath, options) =>
    (await import('./commands/eval.js')).runEvalCommand(manifestPath, options),
  );
  declareExportCommand(program, async (modelDir, options) =>
    (await import('./commands/export.js')).runExportCommand(modelDir, options),
  );
  declareMergeCommand(program, async (recipePath, options) =>
    (await import('./commands/merge.js')).runMergeCommand(recipePath, options),
  );
  declareTranscribeCommands(program, async (files, options) =>
    (await import('./commands/transcribe.js')).runTranscribeCommand(files, options),
  );
  return program;
}

/** Entry point used by bin/chorus.mjs. Sets the exit code; never throws. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof Error && 'exitCode' in e && typeof (e as { exitCode: unknown }).exitCode === 'number') {
      process.exitCode = (e as { exitCode: number }).exitCode;
      return;
    }
    if (isAppError(e)) {
      process.stderr.write(`chorus: ${e.code}: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    const err = e instanceof Error ? e : new AppError('INTERNAL', String(e));
    process.stderr.write(`chorus: INTERNAL: ${err.stack ?? err.message}\n`);
    process.exitCode = 1;
  }
}
