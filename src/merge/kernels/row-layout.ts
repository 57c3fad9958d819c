/**
 * Rows along the last dimension, as `torch.topk(..., dim=-1)` sees them (Breadcrumbs, DELLA):
 * a `[a, b, c]` tensor is a·b rows of length c; 1-D tensors are one row; scalars one row of 1.
 */
export function rowLengthOf(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}
