/**
 * Foreign tensors kldiv cannot read (unsupported dtypes, data off the CPU, shapes, strides and
 * data that disagree, disposed tensors, failing accessors): coded errors naming the function,
 * the argument and the fault. The well-formed ones: interop.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { KLDivError, klDiv, klDivWithLogits, type TensorLike } from '../../src/index.js';
import { thrownBy } from '../helpers/runners.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bad foreign tensors: coded errors naming the function, the argument and the fault', () => {
  const fake = (type: string, data: unknown, dims: number[], location = 'cpu') => ({
    type,
    data,
    dims,
    location,
  });
  test.each([
    [
      'ort int64',
      () => new ort.Tensor('int64', BigInt64Array.from([1n, 2n]), [2]),
      'E_INVALID_DTYPE',
      "is an onnxruntime-style tensor ({ data, dims, type }) of type 'int64'; kldiv reads 'float32', 'float64' and 'int32'",
    ],
    [
      'ort float16',
      () => fake('float16', new Uint16Array(2), [2]),
      'E_INVALID_DTYPE',
      "of type 'float16'",
    ],
    [
      'ort bool',
      () => new ort.Tensor('bool', Uint8Array.from([1, 0]), [2]),
      'E_INVALID_DTYPE',
      "of type 'bool'",
    ],
    [
      'ort string',
      () => new ort.Tensor('string', ['a', 'b'], [2]),
      'E_INVALID_DTYPE',
      "of type 'string'",
    ],
    [
      'ort data on the GPU',
      () => fake('float32', undefined, [2], 'gpu-buffer'),
      'E_INVALID_DATA',
      "whose data is on 'gpu-buffer', not the CPU; download it first: { data: await t.getData(), shape: t.dims }.",
    ],
    [
      'ort dims that do not fit the data',
      () => fake('float32', new Float32Array(6), [2, 4]), // ort.Tensor's constructor refuses these itself
      'E_DATA_LENGTH',
      "klDiv: dims [2, 4] is invalid for input of size 6 (argument 'input', an onnxruntime-style tensor ({ data, dims, type })).",
    ],
    [
      'ort negative dims',
      () => fake('float32', new Float32Array(2), [-2]),
      'E_INVALID_SHAPE',
      'whose dims must be an array of non-negative integer sizes; received [-2].',
    ],
    [
      'ort type and data that disagree',
      () => fake('float32', new Float64Array(2), [2]),
      'E_INVALID_DATA',
      "of type 'float32' whose data is Float64Array(2).",
    ],
    [
      'tf bool',
      () => tf.tensor([true, false], [2], 'bool'),
      'E_INVALID_DTYPE',
      "is a tf.Tensor of dtype 'bool'; kldiv reads 'float32' and 'int32' (tf.cast(t, 'float32')).",
    ],
    ['tf complex64', () => tf.complex([1], [2]), 'E_INVALID_DTYPE', "of dtype 'complex64'"],
    ['tf string', () => tf.tensor(['a']), 'E_INVALID_DTYPE', "of dtype 'string'"],
    [
      'ndarray data of another typed array',
      () => ({ data: new Uint8Array(4), shape: [4] }),
      'E_INVALID_DATA',
      'whose data must be a Float32Array / Float64Array / Int32Array or an array of numbers (convert other typed arrays with Float32Array.from or Float64Array.from); received Uint8Array(4).',
    ],
    [
      'ndarray shape that does not fit the data',
      () => ({ data: new Float32Array(5), shape: [2, 3] }),
      'E_DATA_LENGTH',
      'klDiv: shape [2, 3] is invalid for input of size 5',
    ],
    [
      'ndarray shape not an array',
      () => ({ data: new Float32Array(5), shape: 5 }),
      'E_INVALID_SHAPE',
      'whose shape must be an array of non-negative integer sizes; received 5.',
    ],
    [
      'ndarray strides that read past the data',
      () => ({ data: new Float32Array(6), shape: [2, 3], stride: [3, 1], offset: 1 }),
      'E_DATA_LENGTH',
      'whose shape [2, 3], stride [3, 1] and offset 1 read indices 1 to 6 of data of size 6.',
    ],
    [
      'ndarray strides that read before the data',
      () => ({ data: new Float32Array(6), shape: [3], stride: [-1], offset: 1 }),
      'E_DATA_LENGTH',
      'read indices -1 to 1 of data of size 6.',
    ],
    [
      'ndarray stride of the wrong length',
      () => ({ data: new Float32Array(6), shape: [2, 3], stride: [1], offset: 0 }),
      'E_INVALID_SHAPE',
      'whose stride must have one integer per dimension of shape [2, 3]',
    ],
    [
      'ndarray fractional stride',
      () => ({ data: new Float32Array(6), shape: [6], stride: [0.5], offset: 0 }),
      'E_INVALID_SHAPE',
      'whose stride must be an array of integers; received [0.5].',
    ],
    [
      'ndarray plain data holding a string',
      () => ({ data: [1, 2, 'x'], shape: [3] }),
      'E_INVALID_DATA',
      "klDiv: argument 'input' must hold only numbers; received 'x' at input.data[2].",
    ],
    [
      'ndarray strided plain data holding a string: the index in data',
      () => ({ data: [0, 1, 2, null, 4, 5], shape: [3, 2], stride: [1, 3], offset: 0 }),
      'E_INVALID_DATA',
      'received null at input.data[3].',
    ],
  ])('%s', (_name, make, code, message) => {
    const e = thrownBy(() => klDiv(make() as TensorLike, [0.5]));
    expect(e, 'no KLDivError thrown').toBeInstanceOf(KLDivError);
    expect(e).toMatchObject({ code, fn: 'klDiv', argument: 'input' });
    expect((e as Error).message).toContain(message);
  });

  test('the target argument is named as such', () => {
    const e = thrownBy(() => klDiv([-1], { type: 'int64', data: new BigInt64Array(1), dims: [1] }));
    expect(e).toMatchObject({ code: 'E_INVALID_DTYPE', fn: 'klDiv', argument: 'target' });
  });

  test('disposed tensors are refused with a coded error, not a library exception', () => {
    const o = new ort.Tensor('float32', new Float32Array(2), [2]);
    o.dispose();
    expect(thrownBy(() => klDivWithLogits(o, [1, 2]))).toMatchObject({
      code: 'E_INVALID_DATA',
      fn: 'klDivWithLogits',
      argument: 'studentLogits',
      message: expect.stringContaining('has been disposed'),
    });
    const t = tf.tensor([1, 2]);
    t.dispose();
    expect(thrownBy(() => klDivWithLogits([1, 2], t))).toMatchObject({
      code: 'E_INVALID_DATA',
      argument: 'teacherLogits',
      message: "klDivWithLogits: argument 'teacherLogits' is a tf.Tensor that has been disposed.",
    });
  });

  test("what a tensor's own accessor throws becomes a coded error", () => {
    const broken = {
      type: 'float32',
      dims: [2],
      get data(): Float32Array {
        throw new Error('The data is not on CPU.');
      },
    };
    expect(thrownBy(() => klDiv(broken, [0.5]))).toMatchObject({
      code: 'E_INVALID_DATA',
      argument: 'input',
      message:
        "klDiv: argument 'input' is an onnxruntime-style tensor ({ data, dims, type }) whose data could not be read: The data is not on CPU.",
    });
    const tfBroken = {
      shape: [1],
      dtype: 'float32',
      dataSync: (): Float32Array => {
        throw new Error('Failed to download from the GPU.');
      },
    };
    expect(thrownBy(() => klDiv([-1], tfBroken))).toMatchObject({
      code: 'E_INVALID_DATA',
      argument: 'target',
      message:
        "klDiv: argument 'target' is a tf.Tensor whose data could not be read: Failed to download from the GPU.",
    });
  });

  test('other objects keep the generic message, which now lists the tensor-like forms', () => {
    const e = thrownBy(() => klDiv({ values: [1] } as never, [1]));
    expect(e).toMatchObject({ code: 'E_INVALID_DATA', argument: 'input' });
    expect((e as Error).message).toBe(
      "klDiv: argument 'input' must be a Tensor, a number, nested arrays of numbers, a Float32Array / Float64Array / Int32Array, or a tensor of onnxruntime, transformers.js or TensorFlow.js, or an ndarray-style { data, shape }; received object.",
    );
  });
});
