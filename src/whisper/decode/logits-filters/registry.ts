import type { LogitsFilter, LogitsFilterContext, LogitsFilterFactory } from './logits-filter.js';
import { suppressBlank } from './suppress-blank.js';
import { suppressTokens } from './suppress-tokens.js';
import { timestampRules } from './timestamp-rules.js';

/** Every logits filter, in the order openai applies them (decoding.py@c0d2f62 `DecodingTask.__init__`). */
export const LOGITS_FILTERS: readonly LogitsFilterFactory[] = [suppressBlank, suppressTokens, timestampRules];

/** The filters active for one decoding pass, in application order. */
export function createLogitsFilters(context: LogitsFilterContext): LogitsFilter[] {
  const out: LogitsFilter[] = [];
  for (const factory of LOGITS_FILTERS) {
    const filter = factory.create(context);
    if (filter !== undefined) out.push(filter);
  }
  return out;
}
