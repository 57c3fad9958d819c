/**
 * Every merge method chorus knows, in one array (CONVENTIONS.md §2: nothing registers itself by
 * being imported). Subspace methods (TSV-M, Iso-C, LoRS, …) are added here as they land.
 */
import { AppError } from '../../shared/index.js';
import { boostedTsvM } from './boosted-tsv-m.js';
import { breadcrumbsMethod } from './breadcrumbs.js';
import { consensusMethod } from './consensus.js';
import { dareLinearMethod } from './dare-linear.js';
import { dareTiesMethod } from './dare-ties.js';
import { dellaMethod } from './della.js';
import { isoCts } from './iso-cts.js';
import { isoC } from './iso-c.js';
import { karcher } from './karcher.js';
import { linearMethod } from './linear.js';
import { lors } from './lors.js';
import type { MergeMethod } from './merge-method.js';
import { modelStock } from './model-stock.js';
import { multiSlerp } from './multi-slerp.js';
import { pcbGlobalMethod } from './pcb-global.js';
import { pcbMethod } from './pcb.js';
import { sceMethod } from './sce.js';
import { subspaceBoosting } from './subspace-boosting.js';
import { tallMaskMethod } from './tall-mask.js';
import { taskArithmeticMethod } from './task-arithmetic.js';
import { tiesGlobalMethod } from './ties-global.js';
import { tiesMethod } from './ties.js';
import { tsvM } from './tsv-m.js';

/** A method with its parameter and statistics types erased, as the engine handles it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- P and S are method-private; the engine only passes back what the method's own schema and collector produced
export type AnyMergeMethod = MergeMethod<any, any>;

/** All registered methods, by recipe name. */
export const MERGE_METHODS: readonly AnyMergeMethod[] = [
  linearMethod,
  modelStock,
  karcher,
  multiSlerp,
  taskArithmeticMethod,
  tiesMethod,
  tiesGlobalMethod,
  dareLinearMethod,
  dareTiesMethod,
  breadcrumbsMethod,
  dellaMethod,
  pcbMethod,
  pcbGlobalMethod,
  sceMethod,
  consensusMethod,
  tallMaskMethod,
  tsvM,
  boostedTsvM,
  lors,
  subspaceBoosting,
  isoC,
  isoCts,
];

/** The recipe names of all registered methods. */
export function mergeMethodNames(): string[] {
  return MERGE_METHODS.map((m) => m.name);
}

/**
 * The method registered under `name`.
 * @throws AppError MERGE_RECIPE_INVALID when no method has that name (the message lists the known ones)
 */
export function findMergeMethod(name: string): AnyMergeMethod {
  const method = MERGE_METHODS.find((m) => m.name === name);
  if (method === undefined) {
    throw new AppError(
      'MERGE_RECIPE_INVALID',
      `Cannot merge with method "${name}": unknown; known methods are ${mergeMethodNames().join(', ')}`,
    );
  }
  return method;
}
