/**
 * Properties that hold for every input, checked with fast-check (seeded: FC_SEED overrides).
 * Expected values are identities of the mathematics or the float64 reference.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { KLDivLoss, klDiv, klDivBackward, type Tensor, tensor } from '../src/index.js';
import { closeEnough } from './helpers/fixtures.js';
import { referenceKlDiv } from './helpers/reference.js';
import { collectWarnings } from './helpers/runners.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127), numRuns: 150 });

const quiet = <T>(f: () => T): T => {
  const run = collectWarnings(f);
  if (run.error !== undefined) throw run.error;
  return run.result as T;
};

/** A batch of normalised distributions: [rows, cols] float64 probabilities. */
const distributions = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }))
  .chain(([rows, cols]) =>
    fc
      .array(fc.double({ min: 1e-6, max: 1, noNaN: true }), {
        minLength: rows * cols,
        maxLength: rows * cols,
      })
      .map((w) => {
        const p = new Float64Array(w.length);
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < cols; c++) s += w[r * cols + c];
          for (let c = 0; c < cols; c++) p[r * cols + c] = w[r * cols + c] / s;
        }
        return tensor(p, { shape: [rows, cols] });
      }),
  );

const logOf = (t: Tensor) => tensor(Float64Array.from(t.data, Math.log), { shape: t.shape });

/** Another distribution of the same shape: each row of p rotated by `shift`. */
function rotated(p: Tensor, shift: number): Tensor {
  const [rows, cols] = p.shape;
  const q = new Float64Array(p.numel);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) q[r * cols + c] = p.data[r * cols + ((c + shift) % cols)];
  return tensor(q, { shape: p.shape });
}

describe('properties', () => {
  test('KL(p || p) = 0', () => {
    fc.assert(
      fc.property(distributions, (p) => {
        const v = klDiv(logOf(p), p, { reduction: 'sum' }).item();
        expect(Math.abs(v)).toBeLessThanOrEqual(1e-14 * p.numel);
      }),
    );
  });

  test('KL(p || q) >= 0 for normalised p and q (Gibbs)', () => {
    fc.assert(
      fc.property(distributions, fc.nat(), (p, shift) => {
        const v = klDiv(logOf(rotated(p, shift)), p, { reduction: 'batchmean' }).item();
        expect(v).toBeGreaterThanOrEqual(-1e-12);
      }),
    );
  });

  test('sum = batchmean * input.shape[0] = mean * numel', () => {
    fc.assert(
      fc.property(distributions, fc.nat(), (p, shift) => {
        const x = logOf(rotated(p, shift));
        const sum = klDiv(x, p, { reduction: 'sum' }).item();
        const batchmean = klDiv(x, p, { reduction: 'batchmean' }).item();
        const mean = quiet(() => klDiv(x, p, { reduction: 'mean' })).item();
        const tol = { rtol: 1e-12, atol: 1e-14 };
        expect(closeEnough(batchmean * p.shape[0], sum, tol)).toBe(true);
        expect(closeEnough(mean * p.numel, sum, tol)).toBe(true);
      }),
    );
  });

  test('KLDivLoss equals klDiv, forward and backward', () => {
    const reductions = fc.constantFrom('none', 'sum', 'batchmean', 'mean' as const);
    fc.assert(
      fc.property(distributions, reductions, fc.boolean(), (p, reduction, logTarget) => {
        const x = logOf(p);
        const module = new KLDivLoss({ reduction, logTarget });
        const a = quiet(() => module.forward(x, p));
        const b = quiet(() => klDiv(x, p, { reduction, logTarget }));
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
        const ga = module.backward(x, p);
        const gb = klDivBackward(x, p, { reduction, logTarget });
        expect(Array.from(ga.gradInput.data)).toEqual(Array.from(gb.gradInput.data));
      }),
    );
  });
});

/** Any broadcastable pair of shapes (up to 4-d) with values, special values included. */
const shapePair = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.integer({ min: 0, max: shape.length }),
    ),
  )
  .map(([shape, ones, drop]) => {
    const other = shape.map((s, i) => (ones[i] ? 1 : s)).slice(drop);
    return [shape, other] as const;
  });
const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -Number.POSITIVE_INFINITY,
      5e-324,
      1e-300,
    ),
  },
);
const filled = (shape: readonly number[]) =>
  fc
    .array(value, {
      minLength: shape.reduce((a, b) => a * b, 1),
      maxLength: shape.reduce((a, b) => a * b, 1),
    })
    .map((v) => tensor(Float64Array.from(v), { shape }));

test('klDiv equals the float64 reference on random broadcast shapes and special values', () => {
  fc.assert(
    fc.property(
      shapePair.chain(([a, b]) => fc.tuple(filled(a), filled(b), fc.boolean())),
      fc.constantFrom('none', 'sum', 'batchmean', 'mean' as const),
      fc.boolean(),
      ([first, second, swap], reduction, logTarget) => {
        const [x, y] = swap ? [second, first] : [first, second];
        const got = quiet(() => klDiv(x, y, { reduction, logTarget }));
        const want = referenceKlDiv(x, y, reduction, logTarget);
        expect(got.shape).toEqual(want.shape);
        want.values.forEach((w, i) => {
          const ok = closeEnough(got.data[i], w, { rtol: 1e-12, atol: 1e-300 });
          expect(ok, `[${i}] got ${got.data[i]} want ${w}`).toBe(true);
        });
      },
    ),
    { numRuns: 400 },
  );
});
