/**
 * A slow float64 reference for kl_div, written from the PyTorch formula and documentation
 * without any of the library's kernels, iteration or broadcasting code: every output element
 * is found by unravelling its index and mapping it into each operand.
 */

export interface RefTensor {
  shape: number[];
  data: ArrayLike<number>;
}

export type RefReduction = 'none' | 'mean' | 'batchmean' | 'sum';

/** NumPy broadcasting of two shapes (throws when they do not broadcast). */
export function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('shapes do not broadcast');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element of `t` that the broadcast index `idx` (of `outShape`) reads. */
export function at(t: RefTensor, idx: number[]): number {
  const lead = idx.length - t.shape.length;
  let flat = 0;
  for (let d = 0; d < t.shape.length; d++) {
    const i = t.shape[d] === 1 ? 0 : idx[lead + d];
    flat = flat * t.shape[d] + i;
  }
  return t.data[flat];
}

/** Every multi-index of `shape`, row-major. */
export function indices(shape: number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) {
    const next: number[][] = [];
    for (const prefix of out) for (let i = 0; i < n; i++) next.push([...prefix, i]);
    out = next;
  }
  return out;
}

export function pointwise(x: number, y: number, logTarget: boolean): number {
  if (logTarget) return Math.exp(y) * (y - x);
  // xlogy(y, y): 0 when y == 0 (and y is not NaN)
  const xlogy = y === 0 ? 0 : y * Math.log(y);
  return xlogy - y * x;
}

/** kl_div in float64: the broadcast shape's losses, or their reduction as a number. */
export function referenceKlDiv(
  input: RefTensor,
  target: RefTensor,
  reduction: RefReduction,
  logTarget = false,
): { shape: number[]; values: number[] } {
  const shape = broadcast(input.shape, target.shape);
  const values = indices(shape).map((idx) => pointwise(at(input, idx), at(target, idx), logTarget));
  if (reduction === 'none') return { shape, values };
  let sum = 0;
  for (const v of values) sum += v;
  if (reduction === 'sum') return { shape: [], values: [sum] };
  if (reduction === 'mean') return { shape: [], values: [sum / values.length] };
  return { shape: [], values: [input.shape.length === 0 ? sum : sum / input.shape[0]] };
}
