/**
 * Tensor#toString beyond the shared fixtures: test/data/torch-repr-extra.json holds reprs that
 * PyTorch 1.13 printed (tools/gen-torch-repr-extra.py): integer mode, wrapping, summarisation
 * in 2/3-d, int32, empty float64, ties.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { setPrintOptions, tensor } from '../../src/index.js';
import data from '../data/torch-repr-extra.json' with { type: 'json' };
import { specTensor, type TensorSpec } from '../helpers/fixtures.js';

type Case = TensorSpec & { name: string; repr: string };
const cases = (data as { cases: Case[] }).cases;

describe('Tensor#toString matches PyTorch repr()', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(specTensor(c).toString()).toBe(c.repr);
  });
});

describe('setPrintOptions', () => {
  afterEach(() => {
    setPrintOptions(null);
  });

  test('precision changes the digits printed and null restores the default', () => {
    setPrintOptions({ precision: 2 });
    expect(tensor([0.12345, 1]).toString()).toBe('tensor([0.12, 1.00])');
    setPrintOptions(null);
    expect(tensor([0.12345, 1]).toString()).toBe('tensor([0.1235, 1.0000])');
  });

  test('threshold and edgeitems control summarisation', () => {
    setPrintOptions({ threshold: 5, edgeitems: 1 });
    expect(tensor([1, 2, 3, 4, 5, 6]).toString()).toBe('tensor([1.,  ..., 6.])');
  });

  test('sciMode forces scientific notation', () => {
    setPrintOptions({ sciMode: true });
    expect(tensor([0.5]).toString()).toBe('tensor([5.0000e-01])');
  });

  test('rejects unknown options and bad values with codes', () => {
    expect(() => setPrintOptions({ precison: 2 } as never)).toThrow(
      expect.objectContaining({ code: 'E_UNKNOWN_OPTION', argument: 'precison' }),
    );
    expect(() => setPrintOptions({ precision: -1 })).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', argument: 'precision' }),
    );
  });
});

test('console.log in Node prints the repr', async () => {
  const { inspect } = await import('node:util');
  expect(inspect(tensor([1, 2]))).toBe('tensor([1., 2.])');
});
