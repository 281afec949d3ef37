/**
 * Every case of torch-kl-div.json (PyTorch 1.13.1): outputs, warnings, both gradients, reprs
 * and errors. A failure lists case, index, actual, expected and tolerance.
 */
import { describe, expect, test } from 'vitest';
import { loadFixture } from '../helpers/fixtures.js';
import { type KlDivCase, runKlDivCase } from '../helpers/runners.js';

const { cases } = loadFixture<KlDivCase>('torch-kl-div.json');

describe('torch-kl-div.json (PyTorch 1.13.1 F.kl_div)', () => {
  test('holds the full reference set', () => {
    expect(cases.length).toBe(165);
  });
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = runKlDivCase(c);
    expect(problems, `case ${c.name}:\n${problems.join('\n')}`).toEqual([]);
  });
});
