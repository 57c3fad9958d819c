import { AppError } from '../shared/index.js';

/**
 * Rows `first … first + count − 1` of a tensor: slices along its first dimension (a 0-d or 1-d
 * tensor's rows are its elements). Lets a large tensor be read and merged in blocks.
 */
export interface RowRange {
  readonly first: number;
  readonly count: number;
}

/** Elements in one row of a tensor of `shape` (1 for 0-d and 1-d tensors). */
export function elementsPerRow(shape: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Rows of a tensor of `shape` (1 for a scalar). */
export function rowCountOf(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[0];
}

/**
 * The element span of `rows` in a row-major tensor of `shape` (the whole tensor without `rows`).
 * @throws AppError `INTERNAL` when the range is not integral or lies outside the tensor (`what` names it).
 */
export function elementsOfRows(
  shape: readonly number[],
  rows: RowRange | undefined,
  what: string,
): { start: number; count: number } {
  const perRow = elementsPerRow(shape);
  const total = rowCountOf(shape);
  if (rows === undefined) return { start: 0, count: perRow * total };
  const { first, count } = rows;
  if (
    !Number.isInteger(first) ||
    !Number.isInteger(count) ||
    first < 0 ||
    count < 0 ||
    first + count > total
  ) {
    throw new AppError('INTERNAL', `Cannot read rows ${first}+${count} of ${what}: it has ${total} rows`);
  }
  return { start: first * perRow, count: count * perRow };
}

/**
 * `into` when it has exactly the element count of `rows` of a tensor of `shape` (a source may then
 * read into it), else undefined (the source allocates).
 * @throws AppError `INTERNAL` for rows outside the tensor (see {@link elementsOfRows}).
 */
export function lendableInto(
  into: Float32Array | undefined,
  shape: readonly number[],
  rows: RowRange | undefined,
  what: string,
): Float32Array | undefined {
  const { count } = elementsOfRows(shape, rows, what);
  return into !== undefined && into.length === count ? into : undefined;
}
