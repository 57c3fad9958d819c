/**
 * `chorus export DIR --format optimum --out OUT`: writes a chorus (HF Whisper) checkpoint in the
 * HF optimum ONNX layout (`onnx/encoder_model.onnx`, `onnx/decoder_model_merged.onnx`, plus the
 * config and tokenizer files), the layout transformers.js loads.
 */
import type { Command } from 'commander';
import { HfCheckpoint } from '../../checkpoint/index.js';
import { exportOptimum, parseWhisperConfig } from '../../whisper/index.js';
import { declareExportCommand, type ExportCommandOptions } from './export-command.js';

/** Runs `chorus export`: writes the optimum layout and prints the files written. */
export async function runExportCommand(modelDir: string, opts: ExportCommandOptions): Promise<void> {
  const checkpoint = await HfCheckpoint.open(modelDir);
  try {
    const config = parseWhisperConfig(
      checkpoint.configJson,
      checkpoint.generationConfigJson,
      checkpoint.preprocessorJson,
    );
    const result = await exportOptimum((name) => checkpoint.readF32(name), config, opts.out, {
      sourceDir: checkpoint.dir,
    });
    process.stdout.write(`${result.files.map((f) => `${opts.out}/${f}`).join('\n')}\n`);
  } finally {
    await checkpoint.close();
  }
}

/** Registers `chorus export`, its implementation loaded with it (main.ts loads it lazily). */
export function registerExportCommand(program: Command): void {
  declareExportCommand(program, runExportCommand);
}
