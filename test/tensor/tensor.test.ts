import { describe, expect, test } from 'vitest';
import { ShapeError, Tensor, tensor } from '../../src/index.js';

const code = (c: string, argument?: string) =>
  expect.objectContaining(argument === undefined ? { code: c } : { code: c, argument });

describe('tensor()', () => {
  test('a number gives a 0-d float32 tensor', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.dtype).toBe('float32');
    expect(t.numel).toBe(1);
    expect(t.item()).toBe(2.5);
  });

  test('nested arrays give their shape, row-major data, float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  test('float32 storage rounds each value as PyTorch does', () => {
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).data[0]).toBe(0.1);
  });

  test('typed arrays are wrapped without copying and keep their dtype', () => {
    const buf = new Float64Array([1, 2, 3, 4]);
    const t = tensor(buf, { shape: [2, 2] });
    expect(t.dtype).toBe('float64');
    expect(t.data).toBe(buf);
    expect(t.shape).toEqual([2, 2]);
    expect(tensor(new Float32Array(3)).shape).toEqual([3]);
  });

  test('a dtype different from the typed array converts (a copy)', () => {
    const buf = new Float64Array([0.1]);
    const t = tensor(buf, { dtype: 'float32' });
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data[0]).toBe(Math.fround(0.1));
  });

  test('a Tensor passes through unchanged, or converts to another dtype', () => {
    const a = tensor([1, 2]);
    expect(tensor(a)).toBe(a);
    expect(tensor(a, { dtype: 'float64' }).dtype).toBe('float64');
  });

  test('int32 data is stored; non-integers are refused', () => {
    expect(tensor([1, 2], { dtype: 'int32' }).data).toBeInstanceOf(Int32Array);
    expect(tensor(new Int32Array([3])).dtype).toBe('int32');
    expect(() => tensor([1.5], { dtype: 'int32' })).toThrow(code('E_INVALID_DATA', 'value'));
  });

  test('empty tensors keep their shape', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor(new Float32Array(0), { shape: [0, 3] }).shape).toEqual([0, 3]);
  });

  test('NaN and infinities are values, not errors', () => {
    const t = tensor([Number.NaN, Number.POSITIVE_INFINITY, -0]);
    expect(Number.isNaN(t.data[0])).toBe(true);
    expect(Object.is(t.data[2], -0)).toBe(true);
  });
});

describe('tensor() rejects bad input with coded errors', () => {
  test.each([
    ['a string', 'abc', 'E_INVALID_DATA'],
    ['null', null, 'E_INVALID_DATA'],
    ['an object', { a: 1 }, 'E_INVALID_DATA'],
    ['a Uint8Array', new Uint8Array(2), 'E_INVALID_DATA'],
    ['a string inside an array', [1, '2'], 'E_INVALID_DATA'],
    ['a bigint', [1n], 'E_INVALID_DATA'],
    ['a ragged array', [[1, 2], [3]], 'E_RAGGED'],
    ['a number where a row belongs', [[1, 2], 3], 'E_RAGGED'],
  ])('%s', (_what, value, c) => {
    expect(() => tensor(value as never)).toThrow(code(c, 'value'));
  });

  test('the ragged error names the position', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/value\[1\]/);
  });

  test.each([
    ['length mismatch', [2, 3], 'E_DATA_LENGTH'],
    ['negative size', [-1, 4], 'E_INVALID_SHAPE'],
    ['fractional size', [1.5, 2], 'E_INVALID_SHAPE'],
    ['NaN size', [Number.NaN], 'E_INVALID_SHAPE'],
    ['absurd size', [2 ** 40, 2 ** 20], 'E_TOO_LARGE'],
  ])('shape: %s', (_what, shape, c) => {
    expect(() => tensor(new Float32Array(4), { shape })).toThrow(code(c));
  });

  test('length mismatch carries PyTorch view wording', () => {
    expect(() => tensor(new Float32Array(4), { shape: [3] })).toThrow(
      'shape [3] is invalid for input of size 4',
    );
  });

  test('unknown options and dtypes', () => {
    expect(() => tensor([1], { dtyp: 'float64' } as never)).toThrow(/Did you mean 'dtype'/);
    expect(() => tensor([1], { dtype: 'float16' as never })).toThrow(code('E_INVALID_DTYPE'));
    expect(() => tensor([1], 'float64' as never)).toThrow(code('E_OPTION_TYPE', 'options'));
  });
});

describe('Tensor methods', () => {
  test('item() on more than one element throws PyTorch wording', () => {
    expect(() => tensor([1, 2]).item()).toThrow(ShapeError);
    expect(() => tensor([1, 2]).item()).toThrow(
      'a Tensor with 2 elements cannot be converted to Scalar',
    );
  });

  test('tolist() of 0-d, 3-d and empty tensors', () => {
    expect(tensor(3).tolist()).toBe(3);
    const t = new Tensor(
      Float64Array.from({ length: 8 }, (_, i) => i),
      [2, 2, 2],
      'float64',
    );
    expect(t.tolist()).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
    ]);
    expect(tensor([[], []]).tolist()).toEqual([[], []]);
    expect(new Tensor(new Float32Array(0), [0, 3], 'float32').tolist()).toEqual([]);
  });

  test('ndim and numel', () => {
    const t = tensor([[1, 2, 3]]);
    expect(t.ndim).toBe(2);
    expect(t.numel).toBe(3);
  });
});
