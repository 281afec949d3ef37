/**
 * Row masks and the batch means (decisions.md): a mask zeroes rows and never changes a
 * divisor but `'mean'`'s and `'tokenmean'`'s, so an all-true mask equals no mask for every
 * function, reduction, rank and dim; the KL's `'batchmean'` divides by `shape[0]` (PyTorch's),
 * `'tokenmean'` by kept rows, and the JSD's `'batchmean'` is TRL's `generalized_jsd_loss`
 * (test/data/trl-jsd.json, from tools/differential/gen-trl-jsd.py).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type FloatDType,
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  klDiv,
  klDivWithLogits,
  klDivWithLogitsBackward,
  klEstimate,
  LogitsKLAccumulator,
  type LogitsReduction,
  type RowMask,
  type Tensor,
  tensor,
} from '../../src/index.js';
import * as ktf from '../../src/tfjs/index.js';
import { CONFIGS, withConfig } from '../helpers/backends.js';
import { numbers } from '../helpers/random.js';
import { quiet } from '../helpers/runners.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const rowShape = (shape: number[], dim: number) => shape.filter((_, i) => i !== dim);

/** log_softmax of x / T along `dim`, in float64 (the JSD's log-probability inputs). */
function logSoftmax(x: Float64Array, shape: number[], dim: number, T = 1): Float64Array {
  const V = shape[dim];
  const inner = numel(shape.slice(dim + 1));
  const outer = numel(shape.slice(0, dim));
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => o * V * inner + j * inner + i;
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < V; j++) m = Math.max(m, x[at(j)] / T);
      let s = 0;
      for (let j = 0; j < V; j++) s += Math.exp(x[at(j)] / T - m);
      for (let j = 0; j < V; j++) out[at(j)] = x[at(j)] / T - m - Math.log(s);
    }
  }
  return out;
}

/** All-true masks in the forms users pass: booleans nested to the row shape, 1s, Uint8Array. */
function allTrue(rows: number[], form: number): RowMask {
  const n = numel(rows);
  if (form === 0) return Array.from({ length: n }, () => 1);
  if (form === 1) return new Uint8Array(n).fill(1);
  // nested booleans of the row shape (a 0-d row shape is one flag)
  const nest = (dims: number[]): unknown =>
    dims.length === 0 ? true : Array.from({ length: dims[0] }, () => nest(dims.slice(1)));
  const nested = nest(rows);
  return (Array.isArray(nested) ? nested : [nested]) as RowMask;
}

const REDUCTIONS: LogitsReduction[] = ['none', 'sum', 'mean', 'batchmean', 'tokenmean'];
const GEOMETRIES: { shape: number[]; dim: number }[] = [
  { shape: [5, 7], dim: -1 },
  { shape: [5, 7], dim: 0 },
  { shape: [2, 3, 6], dim: -1 },
  { shape: [2, 3, 6], dim: 1 },
  { shape: [3, 2, 2, 5], dim: -1 },
  { shape: [3, 2, 2, 5], dim: 0 },
];

/** Logits s, t and their log-probabilities ls, lt along `dim`, as {@link inputs} makes them. */
interface Inputs {
  s: Tensor;
  t: Tensor;
  ls: Tensor;
  lt: Tensor;
}

/** Named flat outputs of masked functions on inputs `x`, for one reduction and mask (or none). */
type Outputs = (
  x: Inputs,
  dim: number,
  reduction: LogitsReduction,
  mask: RowMask | undefined,
) => Record<string, number[]>;

/** The KL's and the JSD's options of one call of {@link Outputs} (`mask` only when given). */
function options(dim: number, reduction: LogitsReduction, mask: RowMask | undefined) {
  const m = mask === undefined ? {} : { mask };
  return {
    kl: { temperature: 1.5, dim, reduction, ...m },
    jsd: { beta: 0.3, dim, reduction, ...m },
  };
}

/** Every output of every masked function. */
const outputs: Outputs = ({ s, t, ls, lt }, dim, reduction, mask) => {
  const { kl, jsd } = options(dim, reduction, mask);
  const flat = (x: Tensor) => Array.from(x.data);
  const back = klDivWithLogitsBackward(s, t, kl);
  const out: Record<string, number[]> = {
    klDivWithLogits: flat(quiet(() => klDivWithLogits(s, t, kl))),
    'klDivWithLogitsBackward loss': flat(back.loss),
    'klDivWithLogitsBackward gradStudent': flat(back.gradStudent),
    'klDivWithLogitsBackward gradTeacher': flat(back.gradTeacher as Tensor),
    jsDivergenceWithLogits: flat(jsDivergenceWithLogits(s, t, { ...jsd, temperature: 2 })),
    'jsDivergenceWithLogitsBackward gradStudent': flat(
      jsDivergenceWithLogitsBackward(s, t, { ...jsd, temperature: 2 }).gradStudent,
    ),
    jsDivergence: flat(jsDivergence(ls, lt, jsd)),
    'jsDivergenceBackward gradStudent': flat(jsDivergenceBackward(ls, lt, jsd).gradStudent),
  };
  // chunks are rows along dim 0, so the accumulator refuses a softmax along it (rank >= 2)
  const alongChunks = s.ndim > 1 && (dim === 0 || dim === -s.ndim);
  if (reduction !== 'none' && !alongChunks) {
    // one chunk: the accumulator's dim 0 is the whole batch
    const acc = new LogitsKLAccumulator({ temperature: 1.5, dim }).add(s, t, mask);
    out.LogitsKLAccumulator = [acc.result(reduction).item()];
  }
  return out;
};

/** The kldiv/tfjs adapter's masked functions (float32, on tf's CPU backend), with gradients. */
const tfOutputs: Outputs = ({ s, t, ls, lt }, dim, reduction, mask) => {
  const { kl, jsd } = options(dim, reduction, mask);
  const st = tf.tensor(Array.from(s.data), s.shape);
  const tt = tf.tensor(Array.from(t.data), t.shape);
  const lst = tf.tensor(Array.from(ls.data), ls.shape);
  const ltt = tf.tensor(Array.from(lt.data), lt.shape);
  // upstream gradient of ones for 'none' (tfjs-core registers no gradient for tf.sum)
  const dy = reduction === 'none' ? tf.onesLike(st) : undefined;
  const out = {
    'tfjs klDivWithLogits': Array.from(quiet(() => ktf.klDivWithLogits(st, tt, kl)).dataSync()),
    'tfjs klDivWithLogits grad': Array.from(
      quiet(() => tf.grad((x: tf.Tensor) => ktf.klDivWithLogits(x, tt, kl))(st, dy)).dataSync(),
    ),
    'tfjs jsDivergence': Array.from(ktf.jsDivergence(lst, ltt, jsd).dataSync()),
    'tfjs jsDivergence grad': Array.from(
      tf
        .grad((x: tf.Tensor) => ktf.jsDivergence(x, ltt, jsd))(lst, dy)
        .dataSync(),
    ),
  };
  tf.dispose([st, tt, lst, ltt, ...(dy ? [dy] : [])]);
  return out;
};

function inputs(shape: number[], dim: number, dtype: FloatDType): Inputs & { rows: number[] } {
  const d = dim < 0 ? dim + shape.length : dim;
  const sd = numbers(numel(shape), 51);
  const td = numbers(numel(shape), 52);
  return {
    s: tensor(sd, { shape, dtype }),
    t: tensor(td, { shape, dtype }),
    ls: tensor(logSoftmax(sd, shape, d), { shape, dtype }),
    lt: tensor(logSoftmax(td, shape, d), { shape, dtype }),
    rows: rowShape(shape, d),
  };
}

describe.each(CONFIGS)('an all-true mask equals no mask ($name)', (config) => {
  const cases = GEOMETRIES.flatMap((g) =>
    REDUCTIONS.flatMap((reduction) =>
      (['float64', 'float32'] as const).map((dtype) => ({ ...g, reduction, dtype })),
    ),
  );
  test.each(
    cases.map((c, i) => [`[${c.shape}] dim ${c.dim}, ${c.reduction}, ${c.dtype}`, c, i] as const),
  )('%s', (_, { shape, dim, reduction, dtype }, i) =>
    withConfig(config, () => {
      const x = inputs(shape, dim, dtype);
      const mask = allTrue(x.rows, i % 3);
      const bare = outputs(x, dim, reduction, undefined);
      const masked = outputs(x, dim, reduction, mask);
      for (const name of Object.keys(bare)) {
        // bit for bit: a kept row is computed the same way either way
        expect(masked[name], `${name}: all-true mask ${JSON.stringify(mask)}`).toEqual(bare[name]);
      }
    }),
  );
});

describe('an all-true mask equals no mask in kldiv/tfjs', () => {
  const cases = GEOMETRIES.flatMap((g) => REDUCTIONS.map((reduction) => ({ ...g, reduction })));
  test.each(cases.map((c, i) => [`[${c.shape}] dim ${c.dim}, ${c.reduction}`, c, i] as const))(
    '%s',
    (_, { shape, dim, reduction }, i) => {
      const x = inputs(shape, dim, 'float32');
      const bare = tfOutputs(x, dim, reduction, undefined);
      const masked = tfOutputs(x, dim, reduction, allTrue(x.rows, i % 3));
      for (const name of Object.keys(bare)) expect(masked[name], name).toEqual(bare[name]);
    },
  );
});

describe.each(CONFIGS)('what a partial mask divides by ($name)', (config) => {
  test.each(GEOMETRIES.map((g) => [`[${g.shape}] dim ${g.dim}`, g] as const))(
    '%s',
    (_, { shape, dim }) =>
      withConfig(config, () => {
        const { s, t, ls, lt, rows } = inputs(shape, dim, 'float64');
        const d = dim < 0 ? dim + shape.length : dim;
        const V = shape[d];
        const nRows = numel(rows);
        // keep every other row, at least one dropped
        const mask = Array.from({ length: nRows }, (_, r) => r % 2);
        const kept = mask.reduce((a, b) => a + b, 0);
        const inner = numel(shape.slice(d + 1));
        const rowOf = (i: number) => Math.floor(i / (V * inner)) * inner + (i % inner);
        // the masked sum from the unmasked per-element losses (their PyTorch parity is tested
        // by the fixtures), with masked rows zeroed
        const maskedSum = (none: Tensor) =>
          Array.from(none.data).reduce((a, v, i) => a + (mask[rowOf(i)] ? v : 0), 0);
        const bound = (none: Tensor) =>
          4 * none.numel * 2 ** -53 * Array.from(none.data).reduce((a, v) => a + Math.abs(v), 0);
        const klNone = klDivWithLogits(s, t, { temperature: 1.5, dim, reduction: 'none' });
        const klSum = maskedSum(klNone);
        const want: Record<string, number> = {
          sum: klSum,
          mean: klSum / (kept * V),
          batchmean: klSum / shape[0],
          tokenmean: klSum / kept,
        };
        for (const [reduction, value] of Object.entries(want)) {
          const got = quiet(() =>
            klDivWithLogits(s, t, {
              temperature: 1.5,
              dim,
              reduction: reduction as LogitsReduction,
              mask,
            }),
          ).item();
          expect(
            Math.abs(got - value),
            `klDivWithLogits ${reduction}: ${got} vs ${value}`,
          ).toBeLessThanOrEqual(bound(klNone));
        }
        // the JSD's 'batchmean' is TRL's per-token mean: kept rows, as 'tokenmean'
        for (const [name, f] of [
          [
            'jsDivergence',
            (r: LogitsReduction) => jsDivergence(ls, lt, { dim, reduction: r, mask }),
          ],
          [
            'jsDivergenceWithLogits',
            (r: LogitsReduction) => jsDivergenceWithLogits(s, t, { dim, reduction: r, mask }),
          ],
        ] as const) {
          const none = f('none');
          const total = maskedSum(none);
          for (const [reduction, value] of [
            ['sum', total],
            ['mean', total / (kept * V)],
            ['batchmean', total / kept],
            ['tokenmean', total / kept],
          ] as const) {
            const got = f(reduction).item();
            expect(
              Math.abs(got - value),
              `${name} ${reduction}: ${got} vs ${value}`,
            ).toBeLessThanOrEqual(bound(none));
          }
        }
      }),
  );

  test("rank 3, PyTorch's number: masked rows contribute 0, 'batchmean' divides by B", () =>
    withConfig(config, () => {
      const s = tensor(
        [
          [
            [1.5, -0.3, 2.2],
            [0.2, 0.9, -1.1],
          ],
          [
            [-2.0, 0.5, 0.5],
            [0.4, 1.1, -0.5],
          ],
        ],
        { dtype: 'float64' },
      );
      const t = tensor(
        [
          [
            [0.4, 1.1, -0.5],
            [1.0, -1.0, 0.3],
          ],
          [
            [0.0, 0.0, 4.0],
            [2.0, -3.0, 0.0],
          ],
        ],
        { dtype: 'float64' },
      );
      const mask = [
        [true, false],
        [true, true],
      ];
      const cases: [LogitsReduction, RowMask | undefined, number][] = [
        // torch: (F.kl_div(F.log_softmax(s/2,-1), F.softmax(t/2,-1), reduction='batchmean')*4).item()
        ['batchmean', undefined, 2.573403383880546],
        [
          'batchmean',
          [
            [1, 1],
            [1, 1],
          ],
          2.573403383880546,
        ],
        // torch: none = F.kl_div(F.log_softmax(s/2,-1), F.softmax(t/2,-1), reduction='none')*4;
        //        ((none*m[...,None]).sum()/s.size(0)).item(), m = [[1,0],[1,1]]
        ['batchmean', mask, 2.1486473162636113],
        // torch: ((none*m[...,None]).sum()/m.sum()).item()
        ['tokenmean', mask, 1.432431544175741],
        // torch: ((none*m[...,None]).sum()/(m.sum()*3)).item()
        ['mean', mask, 0.47747718139191364],
      ];
      for (const [reduction, m, want] of cases) {
        const got = quiet(() =>
          klDivWithLogits(s, t, { temperature: 2, reduction, ...(m ? { mask: m } : {}) }),
        ).item();
        // float64, a dozen terms: a few ulps of the terms' magnitude (about 3)
        expect(
          Math.abs(got - want),
          `${reduction} ${JSON.stringify(m)}: ${got}`,
        ).toBeLessThanOrEqual(1e-14);
      }
    }));
});

interface TrlCase {
  shape: [number, number, number];
  beta: number;
  temperature: number;
  labels: 'none' | 'all kept' | 'random';
  mask: number[] | null;
  student: number[];
  teacher: number[];
  expected: Record<'batchmean' | 'sum' | 'mean', number>;
}

const trl = JSON.parse(readFileSync(new URL('../data/trl-jsd.json', import.meta.url), 'utf8')) as {
  cases: TrlCase[];
};

describe.each(CONFIGS)(
  "jsDivergence's reductions are TRL's generalized_jsd_loss ($name)",
  (config) => {
    test('the generator wrote cases of every kind', () => {
      expect(trl.cases.length).toBeGreaterThanOrEqual(60);
      for (const kind of ['none', 'all kept', 'random'])
        expect(trl.cases.some((c) => c.labels === kind)).toBe(true);
    });

    test.each(
      trl.cases.map(
        (c) => [`[${c.shape}] beta ${c.beta} T ${c.temperature} labels ${c.labels}`, c] as const,
      ),
    )('%s', (_, c) =>
      withConfig(config, () => {
        const [B, S, V] = c.shape;
        const shape = [B, S, V];
        const s = tensor(c.student, { shape, dtype: 'float64' });
        const t = tensor(c.teacher, { shape, dtype: 'float64' });
        const lq = logSoftmax(Float64Array.from(c.student), shape, 2, c.temperature);
        const lp = logSoftmax(Float64Array.from(c.teacher), shape, 2, c.temperature);
        const mask = c.mask === null ? undefined : c.mask;
        const keep = (i: number) => mask === undefined || mask[Math.floor(i / V)] === 1;
        // error of one element: a few ulps of (p + q) (|log p| + |log q| + |log m| + 1), through
        // log-sum-exp in two implementations (kldiv's float64 rows, torch's float64 ops)
        let mag = 0;
        for (let i = 0; i < lq.length; i++) {
          if (!keep(i)) continue;
          const q = Math.exp(lq[i]);
          const p = Math.exp(lp[i]);
          mag += (p + q) * (Math.abs(lq[i]) + Math.abs(lp[i]) + Math.abs(Math.log(p + q)) + 2);
        }
        const kept = mask === undefined ? B * S : mask.reduce((a, b) => a + b, 0);
        const divisor = { sum: 1, mean: kept * V, batchmean: kept };
        for (const reduction of ['batchmean', 'sum', 'mean'] as const) {
          const opts = { beta: c.beta, reduction, ...(mask ? { mask } : {}) };
          const want = c.expected[reduction];
          const bound = (64 * 2 ** -52 * mag) / divisor[reduction];
          const fromLogits = jsDivergenceWithLogits(s, t, {
            ...opts,
            temperature: c.temperature,
          }).item();
          const fromLogProbs = jsDivergence(
            tensor(lq, { shape, dtype: 'float64' }),
            tensor(lp, { shape, dtype: 'float64' }),
            opts,
          ).item();
          for (const [name, got] of [
            ['jsDivergenceWithLogits', fromLogits],
            ['jsDivergence', fromLogProbs],
          ] as const) {
            expect(
              Math.abs(got - want),
              `${name} ${reduction}: kldiv ${got}, TRL ${want}, bound ${bound}`,
            ).toBeLessThanOrEqual(bound);
          }
        }
      }),
    );
  },
);

describe("'tokenmean' exists only where rows do", () => {
  test.each([
    // torch: F.kl_div(x, y, reduction='tokenmean') -> ValueError: tokenmean is not a valid value for reduction
    ['klDiv', () => klDiv([[-1]], [[1]], { reduction: 'tokenmean' as never })],
    ['klEstimate', () => klEstimate([-1], [-2], { reduction: 'tokenmean' as never })],
  ] as const)('%s refuses it', (_, f) => {
    expect(f).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION', received: 'tokenmean' }),
    );
  });

  test('the from-logits functions list it among the valid reductions', () => {
    expect(() => klDivWithLogits([[1, 2]], [[2, 1]], { reduction: 'avg' as never })).toThrow(
      "Argument 'reduction' must be one of 'none' | 'mean' | 'batchmean' | 'sum' | 'tokenmean'",
    );
  });
});
