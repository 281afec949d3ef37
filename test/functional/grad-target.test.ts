/**
 * klDivBackward with `gradTarget: false`: the input's gradient and the loss must be bitwise those
 * of the both-gradients call (the expected values: the same library's full call, itself checked
 * against finite differences and PyTorch in kl-div-backward.test.ts and the fixtures), on every
 * backend and thread path, with no target gradient returned; plus its option and `out` errors.
 */
import { describe, expect, test } from 'vitest';
import {
  KLDivLoss,
  klDivBackward,
  type Reduction,
  type Tensor,
  tensor,
  wasmArray,
} from '../../src/index.js';
import { type BackendConfig, CONFIGS, WASM_ARRAYS, withConfig } from '../helpers/backends.js';

type Dt = 'float32' | 'float64';

/** Deterministic data: log-probability-like inputs, targets with zeros (NaN target gradients). */
function make(shape: number[], dtype: Dt, seed: number, kind: 'x' | 'y', logTarget: boolean) {
  const n = shape.reduce((a, b) => a * b, 1);
  const arr = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    if (kind === 'x') arr[i] = -4 * u - 0.01;
    else if (logTarget) arr[i] = -5 * u;
    else arr[i] = i % 7 === 3 ? 0 : u;
  }
  return arr instanceof Float32Array ? tensor(arr, { shape }) : tensor(arr, { shape });
}

interface Case {
  name: string;
  x: number[];
  y: number[];
  dx: Dt;
  dy: Dt;
  reduction: Reduction;
  logTarget: boolean;
  /** an upstream gradient (per element for 'none', else a scalar) */
  grad?: boolean;
}

const BIG = 140_000; // above 131072 elements: a WebAssembly job on the worker threads
const CASES: Case[] = [
  {
    name: 'same shape',
    x: [3, 5],
    y: [3, 5],
    dx: 'float32',
    dy: 'float32',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: 'logTarget batchmean',
    x: [4, 6],
    y: [4, 6],
    dx: 'float32',
    dy: 'float32',
    reduction: 'batchmean',
    logTarget: true,
  },
  {
    name: 'none with gradOutput',
    x: [2, 3],
    y: [2, 3],
    dx: 'float64',
    dy: 'float64',
    reduction: 'none',
    logTarget: false,
    grad: true,
  },
  {
    name: 'mean, scalar gradOutput',
    x: [5],
    y: [5],
    dx: 'float64',
    dy: 'float64',
    reduction: 'mean',
    logTarget: true,
    grad: true,
  },
  {
    name: 'broadcast target',
    x: [4, 3],
    y: [3],
    dx: 'float32',
    dy: 'float32',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: 'broadcast input',
    x: [1, 3],
    y: [2, 3],
    dx: 'float32',
    dy: 'float32',
    reduction: 'none',
    logTarget: true,
    grad: true,
  },
  {
    name: 'mixed f32 input, f64 target',
    x: [3, 4],
    y: [3, 4],
    dx: 'float32',
    dy: 'float64',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: 'mixed f64 input, f32 target',
    x: [3, 4],
    y: [4],
    dx: 'float64',
    dy: 'float32',
    reduction: 'batchmean',
    logTarget: true,
  },
  {
    name: '0-d f64 target, f32 input',
    x: [2, 3],
    y: [],
    dx: 'float32',
    dy: 'float64',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: '0-d f64 log target, none',
    x: [2, 3],
    y: [],
    dx: 'float32',
    dy: 'float64',
    reduction: 'none',
    logTarget: true,
    grad: true,
  },
  {
    name: '0-d input',
    x: [],
    y: [2, 2],
    dx: 'float64',
    dy: 'float64',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: 'empty broadcast',
    x: [0, 3],
    y: [3],
    dx: 'float32',
    dy: 'float32',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: 'large f32 (threads)',
    x: [BIG],
    y: [BIG],
    dx: 'float32',
    dy: 'float32',
    reduction: 'sum',
    logTarget: false,
  },
  {
    name: 'large f64 log, none (threads)',
    x: [2, BIG / 2],
    y: [2, BIG / 2],
    dx: 'float64',
    dy: 'float64',
    reduction: 'none',
    logTarget: true,
    grad: true,
  },
  {
    name: 'large broadcast (JS path)',
    x: [BIG / 4, 4],
    y: [4],
    dx: 'float32',
    dy: 'float32',
    reduction: 'mean',
    logTarget: true,
  },
];

const CONFIGS_ALL: BackendConfig[] = [
  ...CONFIGS,
  { name: 'wasm, 2 threads, forced', backend: 'wasm', threads: 2, forceThreads: true },
  WASM_ARRAYS,
];

/** The index and values of the first element that differs bitwise (Object.is), or null. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return `element ${i}: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

function expectSame(what: string, a: Tensor, b: Tensor) {
  expect({ what, dtype: a.dtype, shape: a.shape }).toEqual({
    what,
    dtype: b.dtype,
    shape: b.shape,
  });
  expect(firstDiff(a.data, b.data), what).toBeNull();
}

function inputs(c: Case) {
  const x = make(c.x, c.dx, 7, 'x', c.logTarget);
  const y = make(c.y, c.dy, 11, 'y', c.logTarget);
  const shape = c.reduction === 'none' ? (c.x.length >= c.y.length ? c.x : c.y) : [];
  // gradOutput: the broadcast shape of x and y (these cases broadcast to the longer one)
  const full = c.x.length === c.y.length ? c.x.map((d, i) => Math.max(d, c.y[i])) : shape;
  const g = c.grad ? make(c.reduction === 'none' ? full : [], c.dx, 3, 'y', true) : undefined;
  return { x, y, g };
}

describe.each(CONFIGS_ALL)('klDivBackward gradTarget: false, $name', (config) => {
  test.each(CASES)('$name: gradInput and loss bitwise those of the full call', (c) => {
    withConfig(config, () => {
      const { x, y, g } = inputs(c);
      const opts = { reduction: c.reduction, logTarget: c.logTarget };
      const full = klDivBackward(x, y, opts, g);
      const only = klDivBackward(x, y, { ...opts, gradTarget: false }, g);
      expect('gradTarget' in only, 'no gradTarget key').toBe(false);
      expect(full.gradTarget.shape).toEqual(y.shape);
      expectSame('gradInput', only.gradInput, full.gradInput);
      expectSame('loss', only.loss, full.loss);
      // an explicit true is the default
      const withTrue = klDivBackward(x, y, { ...opts, gradTarget: true }, g);
      expectSame('gradTarget (true)', withTrue.gradTarget, full.gradTarget);
    });
  });

  test('out.gradInput is written in place, wasmArray included', () => {
    withConfig(config, () => {
      const n = 4096;
      const x = make([n], 'float32', 5, 'x', false);
      const y = make([n], 'float32', 9, 'y', false);
      const full = klDivBackward(x, y, { reduction: 'batchmean' });
      for (const buffer of [new Float32Array(n), wasmArray(n)]) {
        const only = klDivBackward(x, y, {
          reduction: 'batchmean',
          gradTarget: false,
          out: { gradInput: buffer as Float32Array },
        });
        expect(only.gradInput.data).toBe(buffer);
        expect(firstDiff(buffer, full.gradInput.data)).toBeNull();
        expect(only.gradTarget).toBeUndefined();
      }
    });
  });
});

describe('KLDivLoss.backward with { gradTarget: false }', () => {
  test.each([
    { reduction: 'batchmean' as const, logTarget: false },
    { reduction: 'none' as const, logTarget: true },
  ])('$reduction, logTarget $logTarget', ({ reduction, logTarget }) => {
    const loss = new KLDivLoss({ reduction, logTarget });
    const x = make([3, 4], 'float32', 1, 'x', logTarget);
    const y = make([3, 4], 'float32', 2, 'y', logTarget);
    const full = loss.backward(x, y);
    const only = loss.backward(x, y, undefined, { gradTarget: false });
    expect(only.gradTarget).toBeUndefined();
    expectSame('gradInput', only.gradInput, full.gradInput);
    expectSame('loss', only.loss, full.loss);
  });
});

describe('klDivBackward gradTarget errors', () => {
  const x = [[-1.2, -0.4]];
  const y = [[0.3, 0.7]];
  test.each([
    {
      name: 'unknown option',
      run: () => klDivBackward(x, y, { gradTargets: false } as never),
      code: 'E_UNKNOWN_OPTION',
      argument: 'gradTargets',
    },
    {
      name: 'non-boolean',
      run: () => klDivBackward(x, y, { gradTarget: 0 } as never),
      code: 'E_OPTION_TYPE',
      argument: 'gradTarget',
    },
    {
      name: 'out.gradTarget with gradTarget false',
      run: () =>
        klDivBackward(x, y, {
          gradTarget: false,
          out: { gradTarget: new Float32Array(2) },
        } as never),
      code: 'E_OUT_BUFFER',
      argument: 'out.gradTarget',
    },
  ])('$name throws $code', ({ run, code, argument }) => {
    expect(run).toThrow(expect.objectContaining({ code, argument, fn: 'klDivBackward' }));
  });
});

describe('KLDivLoss.backward options', () => {
  test('an unknown key or a non-object is refused, naming KLDivLoss.backward', () => {
    const loss = new KLDivLoss({ reduction: 'sum' });
    expect(() => loss.backward([-1], [0.5], undefined, { gradtarget: false } as never)).toThrow(
      expect.objectContaining({
        code: 'E_UNKNOWN_OPTION',
        fn: 'KLDivLoss.backward',
        argument: 'gradtarget',
      }),
    );
    expect(() => loss.backward([-1], [0.5], undefined, 3 as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', fn: 'KLDivLoss.backward' }),
    );
  });
});
