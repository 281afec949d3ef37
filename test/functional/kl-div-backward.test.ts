/**
 * klDivBackward against central finite differences of klDiv in float64 (an expected value that
 * owes nothing to the gradient formulas), plus PyTorch's rules for shapes, dtypes and zeros.
 */
import { describe, expect, test } from 'vitest';
import { klDiv, klDivBackward, type Reduction, type Tensor, tensor } from '../../src/index.js';
import { CONFIGS, withConfig } from '../helpers/backends.js';
import { collectWarnings } from '../helpers/runners.js';

const f64 = (shape: number[], f: (i: number) => number) =>
  tensor(
    Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
    { shape },
  );

/** sum(klDiv(x, y) * g): the scalar whose gradient klDivBackward returns. */
function objective(x: Tensor, y: Tensor, reduction: Reduction, logTarget: boolean, g?: Tensor) {
  const out = collectWarnings(() => klDiv(x, y, { reduction, logTarget })).result!;
  let s = 0;
  for (let i = 0; i < out.numel; i++) s += out.data[i] * (g ? g.data[i] : 1);
  return s;
}

function numericGradient(
  which: 'x' | 'y',
  x: Tensor,
  y: Tensor,
  f: (x: Tensor, y: Tensor) => number,
) {
  const t = which === 'x' ? x : y;
  const grad = new Float64Array(t.numel);
  for (let i = 0; i < t.numel; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(t.data[i]));
    const plus = Float64Array.from(t.data);
    const minus = Float64Array.from(t.data);
    plus[i] += h;
    minus[i] -= h;
    const tp = tensor(plus, { shape: t.shape });
    const tm = tensor(minus, { shape: t.shape });
    grad[i] = which === 'x' ? (f(tp, y) - f(tm, y)) / (2 * h) : (f(x, tp) - f(x, tm)) / (2 * h);
  }
  return grad;
}

const cases: [string, number[], number[]][] = [
  ['same shape', [3, 4], [3, 4]],
  ['input broadcast over rows', [1, 4], [3, 4]],
  ['target broadcast', [2, 3, 4], [4]],
  ['both broadcast', [3, 1], [1, 5]],
  ['0-d input', [], [2, 3]],
];

describe('gradients equal finite differences (float64)', () => {
  for (const [name, xs, ys] of cases) {
    for (const reduction of ['sum', 'mean', 'batchmean', 'none'] as const) {
      for (const logTarget of [false, true]) {
        test(`${name}, ${reduction}${logTarget ? ', logTarget' : ''}`, () => {
          const x = f64(xs, (i) => -0.2 - ((i * 0.613) % 2.5));
          const y = f64(ys, (i) =>
            logTarget ? -0.1 - ((i * 0.37) % 3) : 0.05 + ((i * 0.29) % 0.9),
          );
          const outShape = reduction === 'none' ? klDiv(x, y, { reduction }).shape : [];
          const g = f64(outShape, (i) => 0.5 + ((i * 0.7) % 1.3));
          const { gradInput, gradTarget } = klDivBackward(x, y, { reduction, logTarget }, g);
          expect(gradInput.shape).toEqual(xs);
          expect(gradTarget.shape).toEqual(ys);
          const f = (a: Tensor, b: Tensor) => objective(a, b, reduction, logTarget, g);
          const nx = numericGradient('x', x, y, f);
          const ny = numericGradient('y', x, y, f);
          nx.forEach((v, i) => {
            expect(gradInput.data[i], `gradInput[${i}]`).toBeCloseTo(v, 6);
          });
          ny.forEach((v, i) => {
            expect(gradTarget.data[i], `gradTarget[${i}]`).toBeCloseTo(v, 6);
          });
        });
      }
    }
  }
});

describe('klDivBackward follows PyTorch autograd', () => {
  test('gradOutput defaults to ones of the loss shape', () => {
    const x = [[-1, -2]];
    const y = [[0.25, 0.75]];
    const a = klDivBackward(x, y, { reduction: 'none' });
    const b = klDivBackward(x, y, { reduction: 'none' }, [[1, 1]]);
    expect(Array.from(a.gradInput.data)).toEqual(Array.from(b.gradInput.data));
    expect(Array.from(a.gradTarget.data)).toEqual(Array.from(b.gradTarget.data));
  });

  test('a zero target has a -0 input gradient and a NaN target gradient', () => {
    const { gradInput, gradTarget } = klDivBackward([-1, -2], [0, 1], { reduction: 'sum' });
    expect(Object.is(gradInput.data[0], -0)).toBe(true);
    expect(gradTarget.data[0]).toBeNaN();
    expect(gradTarget.data[1]).toBe(1 + 2);
  });

  test('each gradient keeps its own argument dtype', () => {
    const { gradInput, gradTarget } = klDivBackward(
      tensor([-1, -2]),
      tensor([0.5, 0.5], { dtype: 'float64' }),
      { reduction: 'sum' },
    );
    expect(gradInput.dtype).toBe('float32');
    expect(gradTarget.dtype).toBe('float64');
  });

  test('float32 broadcast gradients are summed in float64 and rounded once', () => {
    const n = 1 << 16;
    const y = new Float32Array(n).fill(0.1);
    const { gradInput } = klDivBackward(tensor([-1]), tensor(y), { reduction: 'sum' });
    // d/dx of sum over n broadcast copies is -n * 0.1f, rounded once to float32
    expect(gradInput.data[0]).toBe(Math.fround(-n * Math.fround(0.1)));
  });

  test('a gradOutput of the wrong shape throws PyTorch\'s "Mismatch in shape"', () => {
    const run = () => klDivBackward([[-1, -2]], [[0.5, 0.5]], { reduction: 'sum' }, [1, 1]);
    expect(run).toThrow(
      'Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([])',
    );
    expect(run).toThrow(expect.objectContaining({ code: 'E_GRAD_SHAPE', argument: 'gradOutput' }));
  });

  test('does not warn: warnings belong to the forward call', () => {
    expect(collectWarnings(() => klDivBackward([-1], [1])).warnings).toEqual([]);
  });

  test('validates like klDiv, naming klDivBackward', () => {
    expect(() => klDivBackward([-1], [1], { reduction: 'avg' as never })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_REDUCTION', fn: 'klDivBackward' }),
    );
  });
});

describe.each(CONFIGS)('klDivBackward(...).loss equals klDiv(...), backend $name', (config) => {
  // 3e5 elements: above the parallel threshold, so the 2-thread configuration uses a worker
  const n = 300_000;
  const x32 = Float32Array.from({ length: n }, (_, i) => -8 + ((i * 7919) % 1000) / 126);
  const y32 = Float32Array.from({ length: n }, (_, i) =>
    i % 97 === 0 ? 0 : ((i * 104729) % 1000) / 5000,
  );
  const reductions: Reduction[] = ['sum', 'mean', 'batchmean', 'none'];
  test.each(reductions.flatMap((r) => [[r, false] as const, [r, true] as const]))(
    "reduction '%s', logTarget %s, float32 and float64",
    (reduction, logTarget) => {
      for (const [x, y] of [
        [x32, y32],
        [Float64Array.from(x32), Float64Array.from(y32)],
      ]) {
        const shape = [600, 500];
        const input = tensor(x, { shape });
        const target = tensor(logTarget ? x.map((v) => v / 2) : y, { shape });
        withConfig(config, () => {
          const options = { reduction, logTarget };
          const want = collectWarnings(() => klDiv(input, target, options)).result!;
          const { loss } = klDivBackward(input, target, options);
          expect(loss.shape).toEqual(want.shape);
          expect(loss.dtype).toBe(want.dtype);
          const rtol = x instanceof Float32Array ? 2 ** -22 : 1e-13;
          // one expect for the worst element ('none' has 3e5 of them)
          let worst = 0;
          let at = 0;
          for (let i = 0; i < want.numel; i++) {
            const a = loss.data[i];
            const b = want.data[i];
            if (Number.isNaN(a) && Number.isNaN(b)) continue;
            const excess = Math.abs(a - b) - rtol * Math.abs(b);
            if (!(excess <= worst)) {
              worst = excess;
              at = i;
              if (Number.isNaN(excess)) break; // a NaN on one side only: report it
            }
          }
          expect(
            worst,
            `element ${at}: ${loss.data[at]} vs ${want.data[at]} (rtol ${rtol})`,
          ).toBeLessThanOrEqual(0);
        });
      }
    },
  );

  test('broadcast operands: the loss sums the broadcast shape', () => {
    withConfig(config, () => {
      const input = tensor([[-1, -2, -3]]);
      const target = tensor([[0.2], [0.3]]);
      const want = klDiv(input, target, { reduction: 'sum' }).item();
      expect(klDivBackward(input, target, { reduction: 'sum' }).loss.item()).toBeCloseTo(want, 6);
    });
  });
});
