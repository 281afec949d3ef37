/** Deterministic test logits and a plainly written log_softmax, shared by the from-logits tests. */
import { type Tensor, tensor } from '../../src/index.js';

/** Deterministic pseudo-random logits. */
export function logits(shape: number[], seed: number, scale = 3): Tensor {
  let a = seed >>> 0;
  const n = shape.reduce((x, y) => x * y, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return tensor(data, { shape });
}

/** log_softmax / softmax of x / T along the last dim, written plainly (two-pass, max shift). */
export function logSoftmaxLast(x: Tensor, T: number): Float64Array {
  const V = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.numel);
  for (let r = 0; r < x.numel / V; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < V; j++) m = Math.max(m, x.data[r * V + j] / T);
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(x.data[r * V + j] / T - m);
    for (let j = 0; j < V; j++) out[r * V + j] = x.data[r * V + j] / T - m - Math.log(s);
  }
  return out;
}
