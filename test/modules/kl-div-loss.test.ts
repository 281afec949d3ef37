import { describe, expect, test } from 'vitest';
import { KLDivLoss, klDiv, klDivBackward } from '../../src/index.js';
import { collectWarnings } from '../helpers/runners.js';

const x = [
  [-1.2, -0.4],
  [-0.3, -1.5],
];
const y = [
  [0.3, 0.7],
  [0.8, 0.2],
];

describe('KLDivLoss', () => {
  test('forward equals klDiv with the same options', () => {
    for (const reduction of ['none', 'sum', 'batchmean'] as const) {
      for (const logTarget of [false, true]) {
        const a = new KLDivLoss({ reduction, logTarget }).forward(x, y);
        const b = klDiv(x, y, { reduction, logTarget });
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
      }
    }
  });

  test('backward equals klDivBackward', () => {
    const a = new KLDivLoss({ reduction: 'batchmean' }).backward(x, y);
    const b = klDivBackward(x, y, { reduction: 'batchmean' });
    expect(Array.from(a.gradInput.data)).toEqual(Array.from(b.gradInput.data));
    expect(Array.from(a.gradTarget.data)).toEqual(Array.from(b.gradTarget.data));
  });

  test("defaults to reduction 'mean', warning on forward", () => {
    const loss = new KLDivLoss();
    expect(loss.reduction).toBe('mean');
    expect(loss.logTarget).toBe(false);
    expect(collectWarnings(() => loss.forward(x, y)).warnings).toHaveLength(1);
  });

  test('legacy arguments convert at construction, warning then', () => {
    const run = collectWarnings(() => new KLDivLoss({ sizeAverage: false }));
    expect(run.result!.reduction).toBe('sum');
    expect(run.warnings).toEqual([
      "size_average and reduce args will be deprecated, please use reduction='sum' instead.",
    ]);
    expect(collectWarnings(() => run.result!.forward(x, y)).warnings).toEqual([]);
  });

  test("legacy arguments that give 'mean' warn again on forward, as PyTorch's module does", () => {
    const loss = collectWarnings(() => new KLDivLoss({ reduce: true })).result!;
    expect(loss.reduction).toBe('mean');
    expect(collectWarnings(() => loss.forward(x, y)).warnings).toHaveLength(1);
  });

  test('a bad reduction throws at forward, not at construction (as in PyTorch)', () => {
    const loss = new KLDivLoss({ reduction: 'avg' as never });
    expect(() => loss.forward(x, y)).toThrow('avg is not a valid value for reduction');
  });

  test('unknown option names and wrong types throw at construction', () => {
    expect(() => new KLDivLoss({ log_target: true } as never)).toThrow(
      expect.objectContaining({ code: 'E_UNKNOWN_OPTION', fn: 'KLDivLoss' }),
    );
    expect(() => new KLDivLoss({ logTarget: 'true' } as never)).toThrow(
      expect.objectContaining({ code: 'E_OPTION_TYPE', fn: 'KLDivLoss' }),
    );
  });
});
