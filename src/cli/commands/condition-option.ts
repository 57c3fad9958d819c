import type { Command } from 'commander';

/**
 * Adds `--condition-on-previous-text` and `--no-condition-on-previous-text`. Both forms are
 * declared, positive first, so that commander sets no default: giving neither leaves
 * `conditionOnPreviousText` undefined and transcribe() takes the model's own default
 * (generation_config `condition_on_prev_tokens`, else on).
 */
export function addConditionOnPreviousTextOptions(cmd: Command): Command {
  return cmd
    .option(
      '--condition-on-previous-text',
      "audio longer than a window: prompt each window with the previous windows' text (default: the model's generation_config condition_on_prev_tokens, else on)",
    )
    .option(
      '--no-condition-on-previous-text',
      "audio longer than a window: decode each window without the previous windows' text as its prompt",
    );
}
