/**
 * The composition root: parses the command line and runs one command. Everything stateful is
 * built here and passed down (CONVENTIONS.md §6).
 */
import { Command } from 'commander';
import { AppError, isAppError } from '../shared/index.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerExportCommand } from './commands/export.js';
import { registerMergeCommand } from './commands/merge.js';
import { registerTranscribeCommands } from './commands/transcribe.js';

/** Builds the `chorus` command tree. Commands register here, in one place. */
export function buildProgram(): Command {
  const program = new Command('chorus')
    .description('Real-time Whisper speech recognition and translation, with an embedded merge engine')
    .showHelpAfterError()
    .exitOverride();
  registerEvalCommand(program);
  registerExportCommand(program);
  registerMergeCommand(program);
  registerTranscribeCommands(program);
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
