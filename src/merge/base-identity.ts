import { EMBED_TOKENS_NAME, type HfCheckpoint } from '../checkpoint/index.js';
import { AppError, firstNonFiniteIndex } from '../shared/index.js';
import type { ExpertSource } from './expert-source.js';

// A fine-tune moves a tensor by a few percent of its norm; two independently trained or initialised
// models differ by about √2 of it. Half the norm separates the two cases with a wide margin.
const MAX_RELATIVE_DRIFT = 0.5;
// Frozen tables (HF freezes `model.encoder.embed_positions`): allow only fp16 storage rounding.
const MAX_FROZEN_DRIFT = 1e-2;
const FROZEN_TABLES = ['model.encoder.embed_positions.weight'];
/** How many tensors besides the frozen tables are compared. */
const SAMPLE_TENSOR_COUNT = 4;

function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * Refuses an expert trained from another base: its declared base digest (delta metadata or
 * expert.json) must equal the base's digest; otherwise a sample of tensors is compared: frozen
 * positional tables must be unchanged and the sampled task vectors must be small next to θ_0.
 * The sampled tensors are also checked for NaN/Inf.
 * @throws AppError `MERGE_INPUT_INVALID`
 */
export async function assertSameBase(base: HfCheckpoint, expert: ExpertSource): Promise<void> {
  if (expert.declaredBaseDigest !== undefined) {
    const digest = await base.digest();
    if (digest !== expert.declaredBaseDigest) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge expert ${expert.path}: it declares base digest ${expert.declaredBaseDigest.slice(0, 12)}…, the base is ${digest.slice(0, 12)}…`,
      );
    }
  }
  const names = expert.tensorNames;
  const sample = new Set(FROZEN_TABLES.filter((n) => names.includes(n)));
  const candidates = names.filter((n) => n !== EMBED_TOKENS_NAME && !sample.has(n));
  for (let k = 0; k < SAMPLE_TENSOR_COUNT && k < candidates.length; k++) {
    sample.add(candidates[Math.floor(((k + 0.5) * candidates.length) / SAMPLE_TENSOR_COUNT)]);
  }
  for (const name of sample) {
    const theta0 = await base.readF32(name);
    const delta = await expert.readDelta(name, theta0);
    const bad = firstNonFiniteIndex(delta);
    if (bad >= 0) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge expert ${expert.path}: tensor ${name} holds ${delta[bad]} at ${bad}`,
      );
    }
    const baseNorm = norm(theta0);
    const drift = norm(delta) / (baseNorm > 0 ? baseNorm : 1);
    const limit =
      FROZEN_TABLES.includes(name) && expert.format === 'checkpoint' ? MAX_FROZEN_DRIFT : MAX_RELATIVE_DRIFT;
    if (!(drift <= limit)) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge expert ${expert.path}: it does not look fine-tuned from this base (tensor ${name} moved by ${drift.toPrecision(3)} of its norm, limit ${limit})`,
      );
    }
  }
}
