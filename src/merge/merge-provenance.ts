import type { MergeInputs } from './merge-inputs.js';
import type { MergeInputDigests } from './merge-model-id.js';

/** Contents of `provenance.json` beside a merged checkpoint. */
export interface MergeProvenance {
  readonly id: string;
  readonly chorus_version: string;
  readonly method: string;
  readonly created_at: string;
  readonly inputs: {
    readonly base: { readonly path: string; readonly digest: string };
    readonly experts: readonly {
      readonly name: string;
      readonly path: string;
      readonly format: string;
      readonly digest: string;
    }[];
  };
  readonly tensors: { readonly merged: number; readonly passed_through: number };
  readonly timings_ms: Readonly<Record<string, number>>;
}

/** Builds the provenance record of a finished merge. */
export function buildProvenance(
  inputs: MergeInputs,
  id: string,
  digests: MergeInputDigests,
  chorusVersion: string,
  counts: { merged: number; passedThrough: number },
  timingsMs: Readonly<Record<string, number>>,
): MergeProvenance {
  return {
    id,
    chorus_version: chorusVersion,
    method: inputs.recipe.method,
    created_at: new Date().toISOString(),
    inputs: {
      base: { path: inputs.recipe.base, digest: digests.base },
      experts: inputs.recipe.experts.map((e, i) => ({
        name: e.name,
        path: e.path,
        format: inputs.experts[i].format,
        digest: digests.experts[i],
      })),
    },
    tensors: { merged: counts.merged, passed_through: counts.passedThrough },
    timings_ms: Object.fromEntries(Object.entries(timingsMs).map(([k, v]) => [k, Math.round(v)])),
  };
}
