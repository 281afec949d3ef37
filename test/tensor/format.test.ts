/**
 * Tensor#toString beyond the shared fixtures: test/data/torch-repr-extra.json holds reprs that
 * PyTorch 1.13 printed (tools/gen-torch-repr-extra.py): integer mode, wrapping, summarisation
 * in 2/3-d, int32, empty float64, ties.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { setPrintOptions, tensor } from '../../src/index.js';
import printData from '../data/print-options.json' with { type: 'json' };
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
      expect.objectContaining({ code: 'E_OPTION_RANGE', argument: 'precision' }),
    );
  });
});

test('console.log in Node prints the repr', async () => {
  const { inspect } = await import('node:util');
  expect(inspect(tensor([1, 2]))).toBe('tensor([1., 2.])');
});

describe('setPrintOptions follows torch.set_printoptions call by call', () => {
  // test/data/print-options.json: reprs PyTorch 1.13 printed after each sequence of
  // torch.set_printoptions calls (tools/differential/gen-print-options.py).
  type Call = Parameters<typeof setPrintOptions>[0];
  type SeqCase = {
    name: string;
    calls: Call[];
    values: (number | string | number[])[];
    dtype: 'float32' | 'float64';
    repr: string;
  };
  const seqCases = (printData as { cases: SeqCase[] }).cases;

  afterEach(() => {
    setPrintOptions(null);
  });

  test.each(seqCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const call of c.calls) setPrintOptions(call);
    const values = c.values.map((v) =>
      typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v,
    );
    const got = tensor(values as number[], { dtype: c.dtype }).toString();
    expect(got, `after ${JSON.stringify(c.calls)}`).toBe(c.repr);
  });

  test('edgeitems 0 prints [...] as PyTorch 2.x does (1.13 printed every element after " ...")', () => {
    // torch>=2.0: torch.set_printoptions(threshold=2, edgeitems=0); repr(torch.arange(6.)) -> 'tensor([...])'.
    // torch 1.13 printed 'tensor([ ..., 0., 1., 2., 3., 4., 5.])' and raised for 2-d; see docs/parity.md.
    setPrintOptions({ threshold: 2, edgeitems: 0 });
    expect(tensor([0, 1, 2, 3, 4, 5]).toString()).toBe('tensor([...])');
  });

  test('setPrintOptions() with no argument resets only sciMode, as torch.set_printoptions() does', () => {
    // torch: set_printoptions(precision=2, sci_mode=True); set_printoptions(); repr(torch.tensor([0.5])) -> 'tensor([0.50])'
    setPrintOptions({ precision: 2, sciMode: true });
    setPrintOptions();
    expect(tensor([0.5]).toString()).toBe('tensor([0.50])');
  });

  test('returns the options in force, sciMode reset when omitted', () => {
    setPrintOptions({ sciMode: true, precision: 2 });
    expect(setPrintOptions({ threshold: 10 })).toEqual({
      precision: 2,
      threshold: 10,
      edgeitems: 3,
      linewidth: 80,
      sciMode: null,
    });
    expect(setPrintOptions({ profile: 'full' }).threshold).toBe(Number.POSITIVE_INFINITY);
  });

  test.each([
    ['inherited key', { constructor: 3 }, 'E_UNKNOWN_OPTION', 'constructor'],
    ['prototype key', { toString: 3 }, 'E_UNKNOWN_OPTION', 'toString'],
    ['snake_case', { sci_mode: true }, 'E_UNKNOWN_OPTION', 'sci_mode'],
    ['unknown profile', { profile: 'long' }, 'E_OPTION_RANGE', 'profile'],
    ['fractional precision', { precision: 2.5 }, 'E_OPTION_TYPE', 'precision'],
    ['infinite linewidth', { linewidth: Number.POSITIVE_INFINITY }, 'E_OPTION_TYPE', 'linewidth'],
    ['string sciMode', { sciMode: 'yes' }, 'E_OPTION_TYPE', 'sciMode'],
    ['array options', [1], 'E_OPTION_TYPE', 'options'],
  ])('rejects %s with a code and leaves the options unchanged', (_n, bad, code, argument) => {
    setPrintOptions({ precision: 2, sciMode: true });
    expect(() => setPrintOptions(bad as never)).toThrow(
      expect.objectContaining({ code, argument }),
    );
    expect(tensor([0.5]).toString()).toBe('tensor([5.00e-01])');
  });
});
