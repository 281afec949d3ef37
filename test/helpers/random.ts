/** Seeded pseudo-random test data, the same on every run and platform. */

/** `n` deterministic pseudo-random numbers in [-scale, scale) (mulberry32 seeded by `seed`). */
export function numbers(n: number, seed: number, scale = 3): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}
