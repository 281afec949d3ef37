/**
 * A float64 exponential for arguments <= 0 (softmax arguments x - max), for the row loops of
 * kldiv/report, where `Math.exp` is a call into C costing twice as much: the hot loop
 * (report-rows.ts) writes {@link exp64Normal} out in full, the other loops call {@link exp64}.
 *
 *   t = (q 256 + j) ln2 / 256 + r,   |r| <= ln2 / 512,   exp(t) = 2^q * 2^(j/256) * e^r
 *
 * n = q 256 + j is round(t 256 / ln2) (the 1.5 * 2^52 shifter rounds to nearest), r is
 * t - n ln2/256 with ln2/256 split in two (the high part has 34 significant bits, so n times it is
 * exact for |n| < 2^19, i.e. t > -1400), e^r - 1 is a degree-4 polynomial (Chebyshev fit, 0.043
 * ulp of 1 from e^r; tools/kernels/gen-exp64-cases.py prints every constant) and 2^(j/256),
 * 2^q come from {@link EXP64_TABLE}: 2^(j/256) correctly rounded (built below in double-double,
 * checked exactly with BigInt in test/kernels/exp64.test.ts), 2^q exact. The largest error seen
 * is 1.04 ulp (an offline check of 200,000 seeded arguments against mpmath; `Math.exp`: 0.84),
 * so the result is the correctly rounded double or a neighbour of it (81 % correctly rounded on
 * the 2121 arguments of test/data/kernels/exp64-cases.json, 1 ulp from `Math.exp` on 17 % of
 * arguments).
 * Below -708 (results near 2^-1022 and below) the scale is applied in two factors, so that a
 * subnormal result is rounded once; below -745.14 the result is 0 (exp(t) < 2^-1075 rounds to
 * 0), -inf included.
 *
 * @module
 */

/** Entries 2^(j/256) for j in [0, 256), then 2^q for q in [-1022, 0] at `EXP64_SCALE + q`. */
const TABLE_LENGTH = 256 + 1023;
/** Index of 2^0 in {@link EXP64_TABLE}: 2^q sits at `EXP64_SCALE + q`. */
export const EXP64_SCALE = 256 + 1022;

/**
 * The tables of {@link exp64}: 2^(j/256) (j in [0, 256), correctly rounded) at index j, and 2^q
 * (q in [-1022, 0], exact) at {@link EXP64_SCALE} + q. Callers pass it to `exp64` as an argument
 * held in a local, which V8 keeps in a register across a loop (a module constant read inside a
 * loop is reloaded and checked at every iteration).
 */
export const EXP64_TABLE: Float64Array = buildTable();

function buildTable(): Float64Array {
  const table = new Float64Array(TABLE_LENGTH);
  // c = 2^(1/256) as a double-double (hi + lo, from mpmath); 2^(j/256) = c^j accumulated in
  // double-double: 255 products of relative error ~2^-104 each, far below what would change
  // the rounding of any entry (the test checks every entry's rounding exactly)
  const ch = 1.0027112750502025;
  const cl = -3.636615928692264e-17;
  let h = 1;
  let l = 0;
  for (let j = 0; j < 256; j++) {
    table[j] = h + l;
    const p = h * ch;
    const lo = productError(h, ch, p) + (h * cl + l * ch);
    const s = p + lo;
    l = lo - (s - p);
    h = s;
  }
  let v = 1;
  for (let q = 0; q >= -1022; q--) {
    table[EXP64_SCALE + q] = v;
    v *= 0.5;
  }
  return table;
}

/** The rounding error of the product p = fl(a b): a b - p exactly (Dekker's, no FMA needed). */
function productError(a: number, b: number, p: number): number {
  const split = 134217729; // 2^27 + 1
  let t = split * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = split * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return al * bl - (p - ah * bh - al * bh - ah * bl);
}

/**
 * exp(t) for t <= 0 (and -inf: 0), within 1 ulp; NaN gives NaN. `table` is
 * {@link EXP64_TABLE}. Positive arguments are outside its domain.
 */
export function exp64(t: number, table: Float64Array): number {
  if (t >= -708) return scaled(t, table, 1278);
  // 2^q with q in [-1076, -1022] as 2^(q + 64) 2^-64: the first product is exact (a normal
  // number), the second rounds once
  if (t >= -745.2) return scaled(t, table, 1278 + 64) * 5.421010862427522e-20;
  return t < -745.2 ? 0 : t;
}

/**
 * exp(t) for -708 <= t <= 0 only (results of 3.3e-308 or more): no test at all, for loops whose
 * caller has checked the range of the row (outside it, the table is read out of bounds).
 */
export function exp64Normal(t: number, table: Float64Array): number {
  // 1278 is EXP64_SCALE, a literal here: V8 reloads (and checks) a module constant at every use
  return scaled(t, table, 1278);
}

/** 2^(j/256) e^r 2^q with 2^q read at `table[at + q]`. */
function scaled(t: number, table: Float64Array, at: number): number {
  const n = t * 369.3299304675746 + 6755399441055744 - 6755399441055744;
  const i = n | 0;
  const r = t - n * 0.002707606173999011 - n * 6.327543041662719e-14;
  const p = r + r * r * (0.5 + r * (0.16666667812155952 + r * 0.04166666857581546));
  const c = table[i & 255];
  return (c + c * p) * table[at + (i >> 8)];
}
