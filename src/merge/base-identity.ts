import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { EMBED_TOKENS_NAME, SAFETENSORS_WEIGHTS_NAME, type HfCheckpoint } from '../checkpoint/index.js';
import { AppError, firstNonFiniteIndex } from '../shared/index.js';
import type { ExpertSource } from './expert-source.js';

// A fine-tune moves a weight matrix by a few percent of its norm; two independently trained or
// initialised models differ by about √2 of it. Half the norm separates the cases with a wide margin.
// Only 2-D weights are compared: biases and norms can sit near zero in θ_0, where relative drift means nothing.
const MAX_RELATIVE_DRIFT = 0.5;
// Frozen tables (HF freezes `model.encoder.embed_positions`): allow only fp16 storage rounding.
const MAX_FROZEN_DRIFT = 1e-2;
const FROZEN_TABLES = ['model.encoder.embed_positions.weight'];
/** How many weight matrices are compared. */
const SAMPLE_TENSOR_COUNT = 4;

function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

const fileDigests = new WeakMap<HfCheckpoint, Promise<string | undefined>>();

/** sha256 of the base's single `model.safetensors` file (undefined for sharded folders); cached per checkpoint. */
function baseFileSha256(base: HfCheckpoint): Promise<string | undefined> {
  let p = fileDigests.get(base);
  if (p === undefined) {
    p = new Promise<string | undefined>((resolve) => {
      const hash = createHash('sha256');
      createReadStream(join(base.dir, SAFETENSORS_WEIGHTS_NAME))
        .on('data', (chunk) => hash.update(chunk))
        .on('error', () => resolve(undefined))
        .on('end', () => resolve(hash.digest('hex')));
    });
    fileDigests.set(base, p);
  }
  return p;
}

function foreignBase(expert: ExpertSource, what: string): AppError {
  return new AppError('MERGE_INPUT_INVALID', `Cannot merge expert ${expert.path}: ${what}`);
}

/**
 * Refuses an expert trained from another base. A declared base digest (delta metadata
 * `base_digest`: the checkpoint layer's content digest) or a declared base file hash (expert.json
 * `base.sha256`: sha256 of the base's model.safetensors, as models/train writes it) must match.
 * Then a sample of tensors is compared: frozen positional tables of full checkpoints must be
 * unchanged, and the median relative drift ‖τ‖/‖θ_0‖ of a few weight matrices must be small.
 * The sampled tensors are also checked for NaN/Inf.
 * @throws AppError `MERGE_INPUT_INVALID`
 */
export async function assertSameBase(base: HfCheckpoint, expert: ExpertSource): Promise<void> {
  if (expert.declaredBaseDigest !== undefined) {
    const digest = await base.digest();
    if (digest !== expert.declaredBaseDigest) {
      throw foreignBase(
        expert,
        `it declares base digest ${expert.declaredBaseDigest.slice(0, 12)}…, the base is ${digest.slice(0, 12)}…`,
      );
    }
  }
  if (expert.declaredBaseFileSha256 !== undefined) {
    const sha = await baseFileSha256(base);
    if (sha !== undefined && sha !== expert.declaredBaseFileSha256) {
      throw foreignBase(
        expert,
        `it declares base file sha256 ${expert.declaredBaseFileSha256.slice(0, 12)}…, the base file is ${sha.slice(0, 12)}…`,
      );
    }
  }
  const names = expert.tensorNames;
  const frozen = FROZEN_TABLES.filter((n) => names.includes(n) && expert.format === 'checkpoint');
  const matrices = names.filter(
    (n) => n !== EMBED_TOKENS_NAME && !frozen.includes(n) && expert.shapeOf(n).length === 2,
  );
  const sampled: string[] = [];
  for (let k = 0; k < SAMPLE_TENSOR_COUNT && k < matrices.length; k++) {
    sampled.push(matrices[Math.floor(((k + 0.5) * matrices.length) / SAMPLE_TENSOR_COUNT)]);
  }
  const drifts: number[] = [];
  for (const name of [...frozen, ...sampled]) {
    const theta0 = await base.readF32(name);
    const delta = await expert.readDelta(name, theta0);
    const bad = firstNonFiniteIndex(delta);
    if (bad >= 0) throw foreignBase(expert, `tensor ${name} holds ${delta[bad]} at ${bad}`);
    const baseNorm = norm(theta0);
    const drift = norm(delta) / (baseNorm > 0 ? baseNorm : 1);
    if (frozen.includes(name)) {
      if (!(drift <= MAX_FROZEN_DRIFT)) {
        throw foreignBase(
          expert,
          `its frozen table ${name} differs from the base (by ${drift.toPrecision(3)} of its norm)`,
        );
      }
    } else {
      drifts.push(drift);
    }
  }
  drifts.sort((a, b) => a - b);
  const median = drifts.length === 0 ? 0 : drifts[Math.floor(drifts.length / 2)];
  if (!(median <= MAX_RELATIVE_DRIFT)) {
    throw foreignBase(
      expert,
      `it does not look fine-tuned from this base (its weight matrices moved by a median ${median.toPrecision(3)} of their norm, limit ${MAX_RELATIVE_DRIFT})`,
    );
  }
}
