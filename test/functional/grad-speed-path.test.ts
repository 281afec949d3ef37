/**
 * The input-only WebAssembly kernels (issue 19: `klBackwardInput`, `logitsRowBackwardStudent`)
 * against the path they replace: `klDivBackward(..., { gradTarget: false })` and
 * `klDivWithLogitsBackward(..., { gradTeacher: false })` must give, byte for byte, the gradInput /
 * gradStudent and the loss of the both-gradients call on the same backend and thread count
 * (which computes them with the full kernels, themselves checked against PyTorch by the
 * fixtures and the differential tests); bitwise as Object.is compares. Random data with special values sprinkled in (NaN,
 * +-inf, -0, zeros and negatives in the target, subnormals, huge logits, teachers whose
 * probabilities underflow), float32 and float64, vector tails, multi-chunk and multi-thread
 * jobs, per-element and scalar upstream gradients, ordinary arrays and wasmArrays.
 */
import { describe, expect, test } from 'vitest';
import {
  freeWasmArray,
  klDivBackward,
  klDivWithLogitsBackward,
  type Reduction,
  tensor,
  wasmArray,
} from '../../src/index.js';
import { type BackendConfig, withConfig } from '../helpers/backends.js';

type Dt = 'float32' | 'float64';
type Floats = Float32Array | Float64Array;

const CONFIGS: BackendConfig[] = [
  { name: 'wasm, 1 thread', backend: 'wasm', threads: 1 },
  { name: 'wasm, 2 threads', backend: 'wasm', threads: 2 },
  { name: 'wasm, 2 threads, forced', backend: 'wasm', threads: 2, forceThreads: true },
  { name: 'js', backend: 'js', threads: 1 },
];

/** Seeded uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function alloc(dt: Dt, n: number, inWasm: boolean): Floats {
  if (inWasm) return wasmArray(n, dt);
  return dt === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/**
 * The first index where two arrays differ, with both values; null if none. Bitwise, as
 * Object.is compares (so -0 differs from 0), every NaN equal to every NaN: a NaN's payload is
 * not something JavaScript arithmetic keeps stable.
 */
function firstDiff(a: Floats, b: Floats): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return `element ${i}: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

/** KL inputs and targets: random, then one special value every few elements. */
function klData(dt: Dt, n: number, logTarget: boolean, seed: number, inWasm: boolean) {
  const r = rng(seed);
  const x = alloc(dt, n, inWasm);
  const y = alloc(dt, n, inWasm);
  const tiny = dt === 'float32' ? 1e-40 : 5e-324;
  const specials = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    tiny,
    -tiny,
    -0.5,
    1e30,
  ];
  for (let i = 0; i < n; i++) {
    x[i] = -8 * r() - 0.01;
    y[i] = logTarget ? -6 * r() : r() < 0.1 ? 0 : 0.3 * r();
    if (i % 13 === 5) y[i] = specials[(i >> 4) % specials.length];
    if (i % 29 === 7) x[i] = specials[(i >> 5) % specials.length];
  }
  return { x, y };
}

interface KlCase {
  n: number;
  dt: Dt;
  logTarget: boolean;
  reduction: Reduction;
  /** a per-element upstream gradient ('none') */
  perElement?: boolean;
}

const KL_CASES: KlCase[] = [];
for (const dt of ['float32', 'float64'] as const) {
  for (const logTarget of [false, true]) {
    KL_CASES.push({ n: 1003, dt, logTarget, reduction: 'sum' });
    KL_CASES.push({ n: 1003, dt, logTarget, reduction: 'batchmean' });
    KL_CASES.push({ n: 777, dt, logTarget, reduction: 'none', perElement: true });
    // several chunks and above the parallel threshold (workers)
    KL_CASES.push({ n: 140_003, dt, logTarget, reduction: 'batchmean' });
    KL_CASES.push({ n: 140_001, dt, logTarget, reduction: 'none', perElement: true });
  }
}

describe.each(CONFIGS)('klDivBackward, gradTarget false vs both gradients ($name)', (config) => {
  test.each(KL_CASES)('$dt n=$n logTarget=$logTarget $reduction', (c) => {
    withConfig(config, () => {
      for (const placed of config.backend === 'wasm' ? [false, true] : [false]) {
        const { x, y } = klData(c.dt, c.n, c.logTarget, c.n * 7 + (c.logTarget ? 1 : 0), placed);
        const shape = [c.n];
        const g = c.perElement ? klData(c.dt, c.n, false, 99, false).x : undefined;
        const opts = { reduction: c.reduction, logTarget: c.logTarget };
        const X = tensor(x, { shape });
        const Y = tensor(y, { shape });
        const G = g === undefined ? undefined : tensor(g, { shape });
        const full = klDivBackward(X, Y, opts, G);
        // a wasmArray out buffer, written in place (and, with inputs placed too, a job whose
        // every operand is in the shared memory)
        const out = placed ? { gradInput: alloc(c.dt, c.n, true) } : undefined;
        const only = klDivBackward(X, Y, { ...opts, gradTarget: false, out }, G);
        const where = placed ? 'wasmArrays' : 'ordinary arrays';
        expect(only.gradTarget, where).toBeUndefined();
        expect(
          firstDiff(only.gradInput.data as Floats, full.gradInput.data as Floats),
          where,
        ).toBeNull();
        expect(firstDiff(only.loss.data as Floats, full.loss.data as Floats), where).toBeNull();
        // the data has NaN targets: the loss holds NaN (a comparison that could not fail on
        // finite data is made by the next describe)
        expect(Array.from(full.loss.data).some(Number.isNaN), where).toBe(true);
        if (placed) for (const a of [x, y, out!.gradInput]) freeWasmArray(a);
      }
    });
  });
});

describe.each(CONFIGS)('klDivBackward on finite data ($name)', (config) => {
  // no special values: a finite loss, so a wrong loss cannot hide behind NaN
  test.each(['float32', 'float64'] as const)('%s, both target kinds', (dt) => {
    withConfig(config, () => {
      for (const logTarget of [false, true]) {
        const r = rng(5);
        const n = 140_005;
        const x = alloc(dt, n, false);
        const y = alloc(dt, n, false);
        for (let i = 0; i < n; i++) {
          x[i] = -8 * r() - 0.01;
          y[i] = logTarget ? -6 * r() : 1e-3 + 0.3 * r();
        }
        const opts = { reduction: 'sum' as const, logTarget };
        const full = klDivBackward(x, y, opts);
        const only = klDivBackward(x, y, { ...opts, gradTarget: false });
        expect(Number.isFinite(full.loss.data[0])).toBe(true);
        expect(firstDiff(only.gradInput.data as Floats, full.gradInput.data as Floats)).toBeNull();
        expect(firstDiff(only.loss.data as Floats, full.loss.data as Floats)).toBeNull();
      }
    });
  });
});

/** Logits rows: random in [-6, 6], with special rows and entries. */
function logits(dt: Dt, B: number, V: number, seed: number, teacher: boolean, inWasm: boolean) {
  const r = rng(seed);
  const a = alloc(dt, B * V, inWasm);
  for (let i = 0; i < B * V; i++) a[i] = 12 * r() - 6;
  const at = (row: number, j: number) => row * V + (j % V);
  // row 1: a -inf entry (probability 0), a -0 and a huge entry that makes others underflow
  a[at(1, 3)] = Number.NEGATIVE_INFINITY;
  a[at(1, 4)] = -0;
  a[at(1, 5)] = teacher ? 400 : 90;
  if (B > 2) a[at(2, 7)] = Number.NaN; // a NaN row
  if (B > 3) a[at(3, 2)] = Number.POSITIVE_INFINITY; // a +inf row
  if (B > 4) for (let j = 0; j < V; j++) a[at(4, j)] = Number.NEGATIVE_INFINITY; // all -inf
  if (B > 5) for (let j = 0; j < V; j++) a[at(5, j)] = teacher ? -200 * j : 0; // p underflows
  return a;
}

interface LogitsCase {
  dt: Dt;
  B: number;
  V: number;
  temperature: number;
  reduction: 'batchmean' | 'sum' | 'none' | 'tokenmean';
}

const LOGITS_CASES: LogitsCase[] = [];
for (const dt of ['float32', 'float64'] as const) {
  LOGITS_CASES.push({ dt, B: 7, V: 1001, temperature: 2, reduction: 'batchmean' });
  LOGITS_CASES.push({ dt, B: 7, V: 1003, temperature: 0.7, reduction: 'sum' });
  LOGITS_CASES.push({ dt, B: 6, V: 515, temperature: 1, reduction: 'none' });
  LOGITS_CASES.push({ dt, B: 2, V: 3, temperature: 2, reduction: 'tokenmean' });
  LOGITS_CASES.push({ dt, B: 3, V: 70_001, temperature: 2, reduction: 'batchmean' });
}

describe.each(CONFIGS)('klDivWithLogitsBackward, gradTeacher false vs both ($name)', (config) => {
  test.each(LOGITS_CASES)('$dt [$B, $V] T=$temperature $reduction', (c) => {
    withConfig(config, () => {
      for (const placed of config.backend === 'wasm' ? [false, true] : [false]) {
        const s = logits(c.dt, c.B, c.V, 11 + c.V, false, placed);
        const t = logits(c.dt, c.B, c.V, 23 + c.V, true, placed);
        const shape = [c.B, c.V];
        const opts = { temperature: c.temperature, reduction: c.reduction };
        const g =
          c.reduction === 'none'
            ? tensor(logits(c.dt, c.B, c.V, 5, false, false), { shape })
            : undefined;
        if (g !== undefined) (g.data as Floats)[c.V + 3] = Number.NaN; // row 1
        const S = tensor(s, { shape });
        const T = tensor(t, { shape });
        const full = klDivWithLogitsBackward(S, T, opts, g);
        const out = placed ? { gradStudent: alloc(c.dt, c.B * c.V, true) } : undefined;
        const only = klDivWithLogitsBackward(S, T, { ...opts, gradTeacher: false, out }, g);
        const where = placed ? 'wasmArrays' : 'ordinary arrays';
        expect(only.gradTeacher, where).toBeUndefined();
        expect(
          firstDiff(only.gradStudent.data as Floats, full.gradStudent.data as Floats),
          where,
        ).toBeNull();
        expect(firstDiff(only.loss.data as Floats, full.loss.data as Floats), where).toBeNull();
        // row 0 is ordinary: finite student gradients there
        expect(Number.isFinite(full.gradStudent.data[0]), where).toBe(true);
        if (placed) for (const a of [s, t, out!.gradStudent]) freeWasmArray(a);
      }
    });
  });
});
