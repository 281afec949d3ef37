/**
 * klDiv semantics beyond the fixtures. Expected values come from the float64 reference in
 * helpers/reference.ts (written independently of the kernels), from identities, or from
 * PyTorch's documented rules (quoted where used).
 */
import { describe, expect, test } from 'vitest';
import { ArgumentError, DTypeError, klDiv, ShapeError, tensor } from '../../src/index.js';
import { CONFIGS, withConfig } from '../helpers/backends.js';
import { referenceKlDiv } from '../helpers/reference.js';
import { collectWarnings } from '../helpers/runners.js';

const MEAN_WARNING =
  "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.";

const x = tensor(
  [
    [-1.2, -0.4, -2.5],
    [-0.7, -1.9, -0.9],
  ],
  { dtype: 'float64' },
);
const y = tensor(
  [
    [0.2, 0.5, 0.3],
    [0.6, 0.1, 0.3],
  ],
  { dtype: 'float64' },
);
const ref = (reduction: 'none' | 'mean' | 'batchmean' | 'sum', logTarget = false) =>
  referenceKlDiv(x, y, reduction, logTarget).values;
const quiet = <T>(f: () => T): T => collectWarnings(f).result as T;

describe('reductions', () => {
  test("klDiv(x, y, {reduction: 'sum'}) sums every pointwise loss", () => {
    expect(klDiv(x, y, { reduction: 'sum' }).item()).toBeCloseTo(ref('sum')[0], 14);
  });

  test("klDiv(x, y, {reduction: 'batchmean'}) divides by input.shape[0]", () => {
    const sum = klDiv(x, y, { reduction: 'sum' }).item();
    expect(klDiv(x, y, { reduction: 'batchmean' }).item()).toBe(sum / 2);
  });

  test("klDiv(x, y, {reduction: 'mean'}) divides by every element", () => {
    const sum = klDiv(x, y, { reduction: 'sum' }).item();
    expect(quiet(() => klDiv(x, y, { reduction: 'mean' })).item()).toBe(sum / 6);
  });

  test("'none' returns the pointwise losses in the broadcast shape", () => {
    const out = klDiv(x, y, { reduction: 'none' });
    expect(out.shape).toEqual([2, 3]);
    Array.from(out.data).forEach((v, i) => {
      expect(v).toBeCloseTo(ref('none')[i], 14);
    });
  });

  test("'batchmean' divides by input.shape[0], not by the broadcast shape's first size", () => {
    const input = tensor([-1, -2, -3, -0.5, -0.1], { dtype: 'float64' });
    const target = tensor(
      [
        [0.1, 0.2, 0.3, 0.2, 0.2],
        [0.3, 0.3, 0.1, 0.2, 0.1],
      ],
      { dtype: 'float64' },
    );
    const sum = klDiv(input, target, { reduction: 'sum' }).item();
    expect(klDiv(input, target, { reduction: 'batchmean' }).item()).toBe(sum / 5);
  });

  test("'batchmean' on 0-d input is a plain sum", () => {
    const out = klDiv(-1, 0.5, { reduction: 'batchmean' });
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(klDiv(-1, 0.5, { reduction: 'sum' }).item());
  });

  test('empty tensors: NaN for mean and batchmean, 0 for sum, shape kept for none', () => {
    const e = tensor(new Float32Array(0), { shape: [0, 3] });
    expect(quiet(() => klDiv(e, e, { reduction: 'mean' })).item()).toBeNaN();
    expect(klDiv(e, e, { reduction: 'batchmean' }).item()).toBeNaN();
    expect(klDiv(e, e, { reduction: 'sum' }).item()).toBe(0);
    expect(klDiv(e, e, { reduction: 'none' }).shape).toEqual([0, 3]);
  });

  test("'elementwise_mean' is PyTorch's deprecated alias of 'mean', with its warning", () => {
    const run = collectWarnings(() => klDiv(x, y, { reduction: 'elementwise_mean' }));
    expect(run.result!.item()).toBe(klDiv(x, y, { reduction: 'sum' }).item() / 6);
    expect(run.warnings).toEqual([
      "reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.",
    ]);
  });
});

describe('warnings', () => {
  test("the default reduction is 'mean' and raises PyTorch's warning on every call", () => {
    const run = collectWarnings(() => [klDiv(x, y), klDiv(x, y)]);
    expect(run.warnings).toEqual([MEAN_WARNING, MEAN_WARNING]);
    expect(run.result![0].item()).toBe(klDiv(x, y, { reduction: 'sum' }).item() / 6);
  });

  test("'batchmean', 'sum' and 'none' do not warn", () => {
    for (const reduction of ['batchmean', 'sum', 'none'] as const) {
      expect(collectWarnings(() => klDiv(x, y, { reduction })).warnings).toEqual([]);
    }
  });
});

describe('legacy sizeAverage / reduce (PyTorch _Reduction.legacy_get_string)', () => {
  // None counts as true; (true, true) -> mean, (*, true) -> sum, (*, false) -> none.
  test.each([
    [true, undefined, 'mean'],
    [undefined, true, 'mean'],
    [null, true, 'mean'],
    [true, true, 'mean'],
    [false, undefined, 'sum'],
    [false, true, 'sum'],
    [true, false, 'none'],
    [false, false, 'none'],
    [undefined, false, 'none'],
  ] as const)('sizeAverage=%s reduce=%s maps to %s', (sizeAverage, reduce, expected) => {
    const run = collectWarnings(() => klDiv(x, y, { sizeAverage, reduce, reduction: 'sum' }));
    const direct = quiet(() => klDiv(x, y, { reduction: expected }));
    expect(Array.from(run.result!.data)).toEqual(Array.from(direct.data));
    expect(run.warnings).toEqual([
      `size_average and reduce args will be deprecated, please use reduction='${expected}' instead.`,
    ]);
  });

  test("legacy arguments skip validating 'reduction' (no error for an unknown value)", () => {
    const run = collectWarnings(() =>
      klDiv(x, y, { sizeAverage: false, reduction: 'avg' as never }),
    );
    expect(run.error).toBeUndefined();
  });

  test("legacy arguments with reduction 'batchmean' still divide by input.shape[0] (PyTorch quirk)", () => {
    const run = collectWarnings(() => klDiv(x, y, { reduce: false, reduction: 'batchmean' }));
    const none = klDiv(x, y, { reduction: 'none' });
    expect(Array.from(run.result!.data)).toEqual(Array.from(none.data, (v) => v / 2));
  });
});

describe('special values follow PyTorch', () => {
  const none = (input: number[], target: number[], logTarget = false) =>
    Array.from(klDiv(input, target, { reduction: 'none', logTarget }).data);

  test('a zero target contributes 0, but 0 with input -inf is NaN', () => {
    expect(none([-3, -Number.POSITIVE_INFINITY], [0, 0])).toEqual([0, Number.NaN]);
  });

  test('a negative target gives NaN; NaN propagates into every reduction', () => {
    expect(none([-1], [-0.5])[0]).toBeNaN();
    expect(klDiv([Number.NaN, -1], [0.5, 0.5], { reduction: 'sum' }).item()).toBeNaN();
    expect(klDiv([-1, -1], [Number.NaN, 0.5], { reduction: 'batchmean' }).item()).toBeNaN();
  });

  test('log target -inf (probability 0) gives NaN, as exp(-inf) * -inf does in PyTorch', () => {
    expect(none([-1], [Number.NEGATIVE_INFINITY], true)[0]).toBeNaN();
  });

  test('input +inf gives -inf', () => {
    expect(none([Number.POSITIVE_INFINITY], [0.3])[0]).toBe(Number.NEGATIVE_INFINITY);
  });

  test('logTarget: exp(t) * (t - x) equals the probability form with p = exp(t)', () => {
    const t = [-0.3, -1.7, -2.2];
    const q = [-1, -0.5, -3];
    const p = t.map(Math.exp);
    const a = klDiv(tensor(q, { dtype: 'float64' }), tensor(t, { dtype: 'float64' }), {
      reduction: 'none',
      logTarget: true,
    });
    const b = klDiv(tensor(q, { dtype: 'float64' }), tensor(p, { dtype: 'float64' }), {
      reduction: 'none',
    });
    Array.from(a.data).forEach((v, i) => {
      expect(v).toBeCloseTo(b.data[i], 14);
    });
  });
});

describe('dtypes', () => {
  test('float32 with float64 promotes to float64; float32 alone stays float32', () => {
    const a = klDiv(tensor([-1, -2]), tensor([0.5, 0.5], { dtype: 'float64' }), {
      reduction: 'sum',
    });
    expect(a.dtype).toBe('float64');
    expect(klDiv([-1, -2], [0.5, 0.5], { reduction: 'sum' }).dtype).toBe('float32');
  });

  test.each(CONFIGS)(
    'float32 sums accumulate in float64 where float32 accumulation drifts ($name)',
    (config) => {
      const n = 1 << 20;
      const input = new Float32Array(n);
      const target = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        target[i] = 1 / 3 + (i % 7) * 1e-3;
        input[i] = -4.5 - (i % 5) * 0.01;
      }
      let exact = 0;
      let f32 = 0;
      for (let i = 0; i < n; i++) {
        const l = target[i] * Math.log(target[i]) - target[i] * input[i];
        exact += l;
        f32 = Math.fround(f32 + Math.fround(l));
      }
      const got = withConfig(config, () => klDiv(input, target, { reduction: 'sum' }).item());
      const rel = (v: number) => Math.abs(v - exact) / Math.abs(exact);
      // float32 pointwise rounding averages out; accumulation error would not
      expect(rel(got)).toBeLessThan(2 ** -23);
      expect(rel(f32)).toBeGreaterThan(1e-5); // what float32 accumulation would have given
    },
  );
});

describe('broadcasting matches the float64 reference', () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 1],
      [1, 4],
    ],
    [[5], [2, 5]],
    [
      [2, 1, 3],
      [4, 3],
    ],
    [[], [2, 2]],
    [[2, 3], []],
    [
      [1, 1, 4],
      [3, 1, 1],
    ],
  ];
  const fill = (shape: number[], f: (i: number) => number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Float64Array.from({ length: n }, (_, i) => f(i)),
      { shape },
    );
  };
  test.each(shapes)('input %j with target %j', (xs, ys) => {
    const input = fill(xs, (i) => -0.3 - 0.37 * i);
    const target = fill(ys, (i) => 0.05 + 0.11 * i);
    for (const reduction of ['none', 'sum', 'batchmean', 'mean'] as const) {
      for (const logTarget of [false, true]) {
        const got = quiet(() => klDiv(input, target, { reduction, logTarget }));
        const want = referenceKlDiv(input, target, reduction, logTarget);
        expect(got.shape, `${reduction}`).toEqual(want.shape);
        Array.from(got.data).forEach((v, i) => {
          expect(v, `${reduction} logTarget=${logTarget} [${i}]`).toBeCloseTo(want.values[i], 12);
        });
      }
    }
  });
});

describe('errors name the function, the argument and the value, with PyTorch text', () => {
  test('an unknown reduction: ValueError text, E_INVALID_REDUCTION', () => {
    const run = () => klDiv(x, y, { reduction: 'avg' as never });
    expect(run).toThrow(ArgumentError);
    expect(run).toThrow("klDiv: avg is not a valid value for reduction. Argument 'reduction'");
    expect(run).toThrow(
      expect.objectContaining({
        code: 'E_INVALID_REDUCTION',
        fn: 'klDiv',
        argument: 'reduction',
        received: 'avg',
        torchType: 'ValueError',
      }),
    );
  });

  test('a non-string reduction is rejected the same way', () => {
    expect(() => klDiv(x, y, { reduction: 2 as never })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION', received: 2 }),
    );
  });

  test('integer tensors: "kl_div: Integral inputs not supported."', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => klDiv(i, [0.5, 0.5])).toThrow(DTypeError);
    expect(() => klDiv(i, [0.5, 0.5])).toThrow('kl_div: Integral inputs not supported.');
    expect(() => klDiv([-1, -1], i, { reduction: 'sum' })).toThrow(
      expect.objectContaining({ code: 'E_INTEGRAL_INPUT', argument: 'target' }),
    );
  });

  test("shapes that do not broadcast: PyTorch's message, tensor a being the target", () => {
    const run = () => klDiv(tensor([[1, 2, 3]]), tensor([[1, 2, 3, 4]]), { reduction: 'sum' });
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(
      'The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1',
    );
    expect(run).toThrow(expect.objectContaining({ code: 'E_BROADCAST' }));
  });

  test.each([
    ['logtarget', 'logTarget'],
    ['log_target', 'logTarget'],
    ['size_average', 'sizeAverage'],
    ['reductio', 'reduction'],
  ])('an unknown option %s suggests %s', (bad, good) => {
    expect(() => klDiv(x, y, { [bad]: true } as never)).toThrow(`Did you mean '${good}'?`);
    expect(() => klDiv(x, y, { [bad]: true } as never)).toThrow(
      expect.objectContaining({ code: 'E_UNKNOWN_OPTION', argument: bad }),
    );
  });

  test.each([
    ['logTarget', 'yes'],
    ['logTarget', 1],
    ['sizeAverage', 0],
    ['reduce', 'false'],
  ])('option %s = %j has the wrong type', (key, value) => {
    expect(() => klDiv(x, y, { [key]: value } as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: key }),
    );
  });

  test("a 'none' result too large for a typed array is refused before allocating", () => {
    const a = tensor(new Float32Array(70000), { shape: [70000, 1] });
    const b = tensor(new Float32Array(70000), { shape: [1, 70000] });
    expect(() => klDiv(a, b, { reduction: 'none' })).toThrow(
      expect.objectContaining({ code: 'E_TOO_LARGE' }),
    );
  });

  test('options must be an object', () => {
    expect(() => klDiv(x, y, 'sum' as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: 'options' }),
    );
  });

  test('bad input and target data name their argument', () => {
    expect(() => klDiv('a' as never, y)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_DATA', fn: 'klDiv', argument: 'input' }),
    );
    expect(() => klDiv(x, [[1], [2, 3]])).toThrow(
      expect.objectContaining({ code: 'E_RAGGED', argument: 'target' }),
    );
    expect(() => klDiv(x, undefined as never)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_DATA', argument: 'target' }),
    );
  });
});

test('inputs are never modified', () => {
  const input = new Float32Array([-1, -2, -3]);
  const target = new Float32Array([0.2, 0.3, 0.5]);
  const before = [Array.from(input), Array.from(target)];
  klDiv(input, target, { reduction: 'none' });
  klDiv(input, target, { reduction: 'sum' });
  expect([Array.from(input), Array.from(target)]).toEqual(before);
});
