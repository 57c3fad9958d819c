/**
 * `chorus export DIR --format optimum --out OUT`: writes a chorus (HF Whisper) checkpoint in the
 * HF optimum ONNX layout (`onnx/encoder_model.onnx`, `onnx/decoder_model_merged.onnx`, plus the
 * config and tokenizer files), the layout transformers.js loads.
 */
import { Option, type Command } from 'commander';
import { HfCheckpoint } from '../../checkpoint/index.js';
import { exportOptimum, parseWhisperConfig } from '../../whisper/index.js';

interface ExportCommandOptions {
  readonly format: 'optimum';
  readonly out: string;
}

/** Registers `chorus export`. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Export a Whisper checkpoint folder to another model layout')
    .argument('<model>', 'HF Whisper checkpoint folder')
    .addOption(new Option('--format <format>', 'output layout').choices(['optimum']).default('optimum'))
    .requiredOption('--out <dir>', 'output folder')
    .action(async (modelDir: string, opts: ExportCommandOptions) => {
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
    });
}
