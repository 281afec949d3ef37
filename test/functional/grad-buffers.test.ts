/**
 * The `out` option of klDivBackward and klDivWithLogitsBackward: gradients written into
 * caller-provided buffers are bitwise the fresh ones, on every backend and thread count, the
 * returned tensors wrap the buffers, and bad buffers get `E_OUT_BUFFER`.
 */
import { describe, expect, test } from 'vitest';
import {
  type FloatArray,
  klDivBackward,
  klDivWithLogitsBackward,
  type Reduction,
  tensor,
} from '../../src/index.js';
import { quiet } from '../fuzz/targets-core.js';
import { CONFIGS, withConfig } from '../helpers/backends.js';
import { firstDifference } from '../helpers/fixtures.js';

/** Deterministic log-probabilities (`log`) or probabilities with some zeros (`prob`). */
function values(n: number, seed: number, kind: 'log' | 'prob', f64: boolean): FloatArray {
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    a[i] = kind === 'log' ? -9 * u - 1e-3 : i % 89 === 0 ? 0 : u;
  }
  return a;
}

const REDUCTIONS: Reduction[] = ['none', 'sum', 'batchmean'];

describe.each(CONFIGS)('out buffers, backend $name', (config) => {
  const cases = [false, true].flatMap((f64) =>
    [false, true].flatMap((logTarget) =>
      REDUCTIONS.map((reduction) => ({ f64, logTarget, reduction })),
    ),
  );

  test.each(cases)(
    'klDivBackward(x, y, { out }) writes the fresh gradients into the buffers (float64 $f64, $reduction, logTarget $logTarget)',
    ({ f64, logTarget, reduction }) => {
      const n = 300_001;
      const shape = { shape: [1, n] };
      const x = tensor(values(n, 1, 'log', f64), shape);
      const y = tensor(values(n, 2, logTarget ? 'log' : 'prob', f64), shape);
      const g = reduction === 'none' ? tensor(values(n, 3, 'prob', f64), shape) : undefined;
      const out = { gradInput: values(n, 4, 'log', f64), gradTarget: values(n, 5, 'log', f64) };
      withConfig(config, () => {
        const fresh = quiet(() => klDivBackward(x, y, { reduction, logTarget }, g));
        const got = quiet(() => klDivBackward(x, y, { reduction, logTarget, out }, g));
        expect(got.gradInput.data).toBe(out.gradInput);
        expect(got.gradTarget.data).toBe(out.gradTarget);
        expect(firstDifference(got.gradInput.data, fresh.gradInput.data), 'gradInput').toBe(-1);
        expect(firstDifference(got.gradTarget.data, fresh.gradTarget.data), 'gradTarget').toBe(-1);
        expect(firstDifference(got.loss.data, fresh.loss.data), 'loss').toBe(-1);
      });
    },
  );

  test('broadcast operands: the summed gradients are rounded into the buffers', () => {
    const x = tensor(values(6 * 500, 6, 'log', false), { shape: [6, 500] });
    const y = tensor(values(500, 7, 'prob', false), { shape: [500] });
    const out = { gradInput: new Float32Array(3000), gradTarget: new Float32Array(500).fill(9) };
    withConfig(config, () => {
      const fresh = klDivBackward(x, y, { reduction: 'sum' });
      const got = klDivBackward(x, y, { reduction: 'sum', out });
      expect(got.gradTarget.data).toBe(out.gradTarget);
      expect(firstDifference(out.gradInput, fresh.gradInput.data), 'gradInput').toBe(-1);
      expect(firstDifference(out.gradTarget, fresh.gradTarget.data), 'gradTarget').toBe(-1);
    });
  });

  test('klDivWithLogitsBackward(s, t, { out }) writes the fresh gradients into the buffers', () => {
    const [B, V] = [5, 30_011];
    for (const f64 of [false, true]) {
      const s = tensor(
        values(B * V, 8, 'log', f64).map((v) => v * 3),
        { shape: [B, V] },
      );
      const t = tensor(
        values(B * V, 9, 'log', f64).map((v) => v * 2),
        { shape: [B, V] },
      );
      for (const reduction of ['none', 'batchmean'] as const) {
        const options = { reduction, temperature: 2 };
        const out = {
          gradStudent: values(B * V, 10, 'log', f64),
          gradTeacher: values(B * V, 11, 'log', f64),
        };
        withConfig(config, () => {
          const fresh = klDivWithLogitsBackward(s, t, options);
          const got = klDivWithLogitsBackward(s, t, { ...options, out });
          expect(got.gradStudent.data).toBe(out.gradStudent);
          expect(got.gradTeacher?.data).toBe(out.gradTeacher);
          expect(firstDifference(out.gradStudent, fresh.gradStudent.data), 'gradStudent').toBe(-1);
          expect(firstDifference(out.gradTeacher, fresh.gradTeacher!.data), 'gradTeacher').toBe(-1);
          const only = { gradStudent: new (f64 ? Float64Array : Float32Array)(B * V) };
          // the student gradient does not depend on whether the teacher's is wanted
          klDivWithLogitsBackward(s, t, { ...options, gradTeacher: false, out: only });
          expect(firstDifference(only.gradStudent, fresh.gradStudent.data), 'student only').toBe(
            -1,
          );
        });
      }
    }
  });
});

describe('bad out buffers', () => {
  const x = [[-1.2, -0.4]];
  const y = [[0.3, 0.7]];
  const code = (c: string, argument: string) => expect.objectContaining({ code: c, argument });

  test('wrong dtype, wrong length or not a typed array: E_OUT_BUFFER naming the buffer', () => {
    expect(() => klDivBackward(x, y, { out: { gradInput: new Float64Array(2) } })).toThrow(
      "klDivBackward: option 'out.gradInput' must be a Float32Array of 2 elements (the float32 gradient of shape [1, 2]); received Float64Array(2).",
    );
    expect(() => klDivBackward(x, y, { out: { gradTarget: new Float32Array(3) } })).toThrow(
      code('E_OUT_BUFFER', 'out.gradTarget'),
    );
    expect(() => klDivBackward(x, y, { out: { gradTarget: [0, 0] as never } })).toThrow(
      code('E_OUT_BUFFER', 'out.gradTarget'),
    );
    // the other buffer is checked against a bad one without tripping over it
    const gradInput = new Float32Array(2);
    expect(() => klDivBackward(x, y, { out: { gradInput, gradTarget: null as never } })).toThrow(
      code('E_OUT_BUFFER', 'out.gradTarget'),
    );
  });

  test('a buffer that overlaps an input, gradOutput or the other buffer', () => {
    const xs = new Float32Array([-1.2, -0.4]);
    const ys = new Float32Array([0.3, 0.7]);
    const shared = new Float32Array(4);
    const overlap = code('E_OUT_BUFFER', 'out.gradInput');
    expect(() => klDivBackward(xs, ys, { out: { gradInput: xs } })).toThrow(overlap);
    expect(() =>
      klDivBackward(xs, ys, {
        out: { gradInput: shared.subarray(0, 2), gradTarget: shared.subarray(1, 3) },
      }),
    ).toThrow(overlap);
    const g = new Float32Array(2);
    expect(() => klDivBackward(xs, ys, { reduction: 'none', out: { gradInput: g } }, g)).toThrow(
      overlap,
    );
    // adjacent, not overlapping: accepted
    const got = klDivBackward(xs, ys, {
      reduction: 'sum',
      out: { gradInput: shared.subarray(0, 2), gradTarget: shared.subarray(2, 4) },
    });
    expect(Array.from(shared.subarray(0, 2))).toEqual(Array.from(got.gradInput.data));
  });

  test('out must be an object of known buffers; gradTeacher false takes no teacher buffer', () => {
    expect(() => klDivBackward(x, y, { out: new Float32Array(2) as never })).toThrow(
      code('E_OPTION_TYPE', 'out'),
    );
    expect(() => klDivBackward(x, y, { out: { gradinput: new Float32Array(2) } as never })).toThrow(
      "klDivBackward: unknown option 'gradinput'. Did you mean 'gradInput'?",
    );
    expect(() =>
      klDivWithLogitsBackward(x, y, {
        gradTeacher: false,
        out: { gradTeacher: new Float32Array(2) },
      }),
    ).toThrow(code('E_OUT_BUFFER', 'out.gradTeacher'));
  });
});
