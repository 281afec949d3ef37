/**
 * Tensors of the JS ML ecosystem, accepted as they are by every function that converts its
 * arguments (toTensor): onnxruntime / transformers.js tensors ({ data, dims, type }), ndarray-style
 * objects ({ data, shape }, with scijs's stride and offset) and TensorFlow.js tensors (dataSync()).
 * The onnxruntime tensors come from a real onnxruntime-node session running
 * test/data/tiny-logits.onnx (written by tools/make-tiny-onnx.py).
 * Malformed foreign tensors and their coded errors: interop-errors.test.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
  KLAccumulator,
  KLDivLoss,
  klDiv,
  klDivBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  klEstimate,
  klEstimateBackward,
  LogitsKLAccumulator,
  Tensor,
  type TensorLike,
  tensor,
} from '../../src/index.js';
import { thrownBy } from '../helpers/runners.js';

const model = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'tiny-logits.onnx');
// the model's input: any values; the test compares kldiv on the output with kldiv on a copy
const X = Float32Array.from([1, 2, 3, -1, 0.5, 0]);
const TEACHER = [
  [0.5, -1.0, 2.0, 0.0, 1.5],
  [-0.3, 0.8, 0.1, -2.0, 0.4],
];

let logits: ort.Tensor; // [2, 5] float32, straight from the session
let logits64: ort.Tensor; // [2, 5] float64

beforeAll(async () => {
  await tf.setBackend('cpu');
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ x: new ort.Tensor('float32', X, [2, 3]) });
  logits = out.logits;
  logits64 = out.logits64;
  await session.release();
});

/** A kldiv Tensor holding a copy of a typed array. */
function copy(data: Float32Array | Float64Array | Int32Array, shape: readonly number[]): Tensor {
  return tensor(data.slice(), { shape });
}

/** Every Tensor in a result (a Tensor, or an object of gradients), flattened for comparison. */
function parts(
  result: unknown,
): Record<string, { shape: number[]; dtype: string; data: number[] }> {
  const entries = result instanceof Tensor ? [['value', result]] : Object.entries(result as object);
  return Object.fromEntries(
    entries.map(([k, t]) => [k, { shape: t.shape, dtype: t.dtype, data: Array.from(t.data) }]),
  );
}

describe('onnxruntime-node: a real session output goes straight into kldiv', () => {
  test('the session ran: [2, 5] logits of both float dtypes, finite and distinct', () => {
    expect(logits.dims).toEqual([2, 5]);
    expect(logits.type).toBe('float32');
    expect(logits64.type).toBe('float64');
    expect(logits.data).toBeInstanceOf(Float32Array);
    expect(new Set(logits.data as Float32Array).size).toBe(10);
    expect(Array.from(logits64.data as Float64Array)).toEqual(
      Array.from(logits.data as Float32Array),
    );
  });

  test('klDivWithLogits(ortTensor, teacher) equals klDivWithLogits on the plain data', () => {
    const plain = copy(logits.data as Float32Array, [2, 5]);
    for (const temperature of [1, 2.5]) {
      const fromOrt = klDivWithLogits(logits, TEACHER, { temperature, reduction: 'batchmean' });
      const fromPlain = klDivWithLogits(plain, TEACHER, { temperature, reduction: 'batchmean' });
      expect(fromOrt.dtype).toBe('float32');
      expect(Number.isFinite(fromOrt.item()) && fromOrt.item() > 0).toBe(true);
      expect(fromOrt.item(), `T = ${temperature}`).toBe(fromPlain.item());
    }
  });

  test('float32 and float64 outputs are wrapped without copying, keeping dtype and shape', () => {
    for (const t of [logits, logits64]) {
      const k = tensor(t);
      expect(k.data).toBe(t.data);
      expect(k.shape).toEqual([2, 5]);
      expect(k.dtype).toBe(t.type);
    }
    // another dtype, or a shape, is a conversion / reshape of the same values
    expect(tensor(logits, { dtype: 'float64' }).data).not.toBe(logits.data);
    expect(tensor(logits, { shape: [10] }).data).toBe(logits.data);
  });

  test('both ort tensors as student and teacher, float64 promotes', () => {
    const r = klDivWithLogits(logits, logits64, { reduction: 'none' });
    const plain = klDivWithLogits(
      copy(logits.data as Float32Array, [2, 5]),
      copy(logits64.data as Float64Array, [2, 5]),
      {
        reduction: 'none',
      },
    );
    expect(parts(r)).toEqual(parts(plain));
  });

  test('an int32 ort tensor is read without copying, and the losses refuse it as PyTorch does', () => {
    const ints = new ort.Tensor('int32', Int32Array.from([1, 2, 3, 4]), [2, 2]);
    expect(tensor(ints).data).toBe(ints.data);
    expect(tensor(ints).dtype).toBe('int32');
    expect(thrownBy(() => klDiv(ints, [[0.5, 0.5]]))).toMatchObject({
      code: 'E_INTEGRAL_INPUT',
      argument: 'input',
    });
  });
});

// Every public function that converts its tensor arguments, run on foreign tensors and on kldiv
// Tensors holding copies of the same data: the results must be identical.
const FUNCTIONS: [string, (a: TensorLike, b: TensorLike) => unknown][] = [
  ['klDiv', (a, b) => klDiv(a, b, { reduction: 'none' })],
  ['klDiv sum', (a, b) => klDiv(a, b, { reduction: 'sum' })],
  ['klDivBackward', (a, b) => klDivBackward(a, b, { reduction: 'none' }, b)],
  ['KLDivLoss.forward', (a, b) => new KLDivLoss({ reduction: 'batchmean' }).forward(a, b)],
  ['klDivWithLogits', (a, b) => klDivWithLogits(a, b, { temperature: 2, reduction: 'batchmean' })],
  ['klDivWithLogitsBackward', (a, b) => klDivWithLogitsBackward(a, b, { reduction: 'sum' })],
  ['jsDivergence', (a, b) => jsDivergence(a, b, { beta: 0.3 })],
  ['jsDivergenceBackward', (a, b) => jsDivergenceBackward(a, b)],
  ['jsDivergenceWithLogits', (a, b) => jsDivergenceWithLogits(a, b)],
  ['jsDivergenceWithLogitsBackward', (a, b) => jsDivergenceWithLogitsBackward(a, b)],
  ['klEstimate', (a, b) => klEstimate(a, b, { estimator: 'k3' })],
  [
    'klEstimateBackward',
    (a, b) => klEstimateBackward(a, b, { estimator: 'k3', reduction: 'none' }, a),
  ],
  ['KLAccumulator.add', (a, b) => new KLAccumulator().add(a, b).result('sum')],
  ['LogitsKLAccumulator.add', (a, b) => new LogitsKLAccumulator().add(a, b).result('batchmean')],
];

// [2, 3] values: log-probabilities for the first argument, probabilities for the second
const A = Float32Array.from([-1.2, -0.4, -2.3, -0.1, -3.0, -0.7]);
const B = Float32Array.from([0.2, 0.5, 0.3, 0.6, 0.1, 0.3]);
const B64 = Float64Array.from([0.2, 0.5, 0.3, 0.6, 0.1, 0.3]);

/** transformers.js's Tensor keeps its fields behind getters; this mirrors that layout. */
class TransformersTensor {
  readonly #data: Float32Array | Float64Array;
  readonly #dims: number[];
  constructor(data: Float32Array | Float64Array, dims: number[]) {
    this.#data = data;
    this.#dims = dims;
  }
  get data() {
    return this.#data;
  }
  get dims() {
    return this.#dims;
  }
  get type() {
    return this.#data instanceof Float32Array ? 'float32' : 'float64';
  }
  get size() {
    return this.#data.length;
  }
}

const FOREIGN: [string, () => [TensorLike, TensorLike]][] = [
  [
    'onnxruntime tensors',
    () => [new ort.Tensor('float32', A, [2, 3]), new ort.Tensor('float64', B64, [2, 3])],
  ],
  [
    'transformers.js-style tensors',
    () => [new TransformersTensor(A, [2, 3]), new TransformersTensor(B64, [2, 3])],
  ],
  [
    'ndarray-style objects',
    () => [
      { data: A, shape: [2, 3] },
      { data: B64, shape: [2, 3] },
    ],
  ],
  [
    'scijs ndarrays (stride, offset)',
    () => [
      { data: A, shape: [2, 3], stride: [3, 1], offset: 0 },
      { data: B64, shape: [2, 3], stride: [3, 1], offset: 0 },
    ],
  ],
  ['tf.Tensors', () => [tf.tensor(A, [2, 3]), tf.tensor(B, [2, 3])]],
];

describe.each(FOREIGN)('%s', (_name, make) => {
  test.each(FUNCTIONS)('%s gives what it gives on kldiv Tensors of the same data', (_fn, f) => {
    const [a, b] = make();
    const plainB = b instanceof tf.Tensor ? copy(B, [2, 3]) : copy(B64, [2, 3]);
    expect(parts(f(a, b))).toEqual(parts(f(copy(A, [2, 3]), plainB)));
  });
});

describe('no copy where the dtype allows it', () => {
  test.each([
    ['ort float32', () => new ort.Tensor('float32', A, [2, 3]), A],
    ['ort float64', () => new ort.Tensor('float64', B64, [3, 2]), B64],
    ['transformers.js', () => new TransformersTensor(A, [6]), A],
    ['{ data, shape }', () => ({ data: B64, shape: [1, 6] }), B64],
    ['scijs, whole data', () => ({ data: A, shape: [3, 2], stride: [2, 1], offset: 0 }), A],
    [
      'a kldiv Tensor of another copy of kldiv',
      () => ({ data: A, shape: [2, 3], dtype: 'float32' }),
      A,
    ],
  ])('%s', (_name, make, data) => {
    const t = tensor(make() as TensorLike);
    expect(t.data).toBe(data);
  });

  test('a tf.Tensor on the CPU backend: the dataSync() array itself', () => {
    const t = tf.tensor([
      [1, 2],
      [3, 4],
    ]);
    const k = tensor(t);
    expect(k.data).toBe(t.dataSync());
    expect(k.shape).toEqual([2, 2]);
    expect(k.dtype).toBe('float32');
    const ints = tf.tensor([1, 2, 3], [3], 'int32');
    expect(tensor(ints).dtype).toBe('int32');
    expect(tensor(ints).data).toBe(ints.dataSync());
    t.dispose();
    ints.dispose();
  });

  test('a contiguous scijs view with an offset is a subarray over the same buffer', () => {
    const data = Float64Array.from({ length: 10 }, (_, i) => i);
    const t = tensor({ data, shape: [2, 3], stride: [3, 1], offset: 2 });
    expect(t.data.buffer).toBe(data.buffer);
    expect(t.tolist()).toEqual([
      [2, 3, 4],
      [5, 6, 7],
    ]);
    // size-1 dimensions do not break contiguity, whatever their stride
    const u = tensor({ data, shape: [1, 4], stride: [99, 1], offset: 6 });
    expect(u.data.buffer).toBe(data.buffer);
    expect(u.tolist()).toEqual([[6, 7, 8, 9]]);
  });

  test('plain number data is copied into float32 by default, float64 exactly on request', () => {
    const nd = { data: [0.1, 0.2, 0.3, 0.4], shape: [2, 2] };
    expect(tensor(nd).data).toEqual(Float32Array.from([0.1, 0.2, 0.3, 0.4]));
    expect(Array.from(tensor(nd, { dtype: 'float64' }).data)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});

describe('non-contiguous ndarray-style views are read through their strides (a copy)', () => {
  const data = Float32Array.from({ length: 12 }, (_, i) => i); // np.arange(12, dtype=np.float32)
  // expected values: numpy, np.lib.stride_tricks.as_strided(np.arange(12.), shape, strides * 8)
  // with the offset applied first (np.arange(12.)[offset:]), listed by hand below
  test.each([
    [
      'a transpose',
      [3, 2],
      [1, 3],
      0,
      [
        [0, 3],
        [1, 4],
        [2, 5],
      ],
    ],
    ['every other element', [3], [2], 1, [1, 3, 5]],
    ['a reversed row (step -1)', [4], [-1], 11, [11, 10, 9, 8]],
    [
      'a reversed 2-d block',
      [2, 2],
      [-4, -1],
      11,
      [
        [11, 10],
        [7, 6],
      ],
    ],
    ['a column', [3, 1], [4, 1], 2, [[2], [6], [10]]],
    [
      'a broadcast (stride 0)',
      [2, 3],
      [0, 1],
      4,
      [
        [4, 5, 6],
        [4, 5, 6],
      ],
    ],
  ])('%s', (_name, shape, stride, offset, expected) => {
    const t = tensor({ data, shape, stride, offset } as TensorLike);
    expect(t.tolist()).toEqual(expected);
    expect(t.dtype).toBe('float32');
    expect(t.data.buffer).not.toBe(data.buffer);
  });

  test('plain-array data through strides', () => {
    const t = tensor({ data: [0, 1, 2, 3, 4, 5], shape: [3, 2], stride: [1, 3], offset: 0 });
    expect(t.tolist()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  test('an empty view reads nothing, whatever its offset', () => {
    expect(tensor({ data, shape: [0, 3], stride: [3, 1], offset: 50 }).shape).toEqual([0, 3]);
  });
});
