/**
 * Every case of torch-kl-div-logits.json (PyTorch 1.13.1): the fused distillation loss
 * `F.kl_div(F.log_softmax(s/T), F.softmax(t/T)) * T*T` with both gradients, and the generalised
 * JSD with the student gradient.
 */
import { describe, expect, test } from 'vitest';
import { loadFixture } from '../helpers/fixtures.js';
import { type LogitsCase, runLogitsCase } from '../helpers/runners.js';

const { cases } = loadFixture<LogitsCase>('torch-kl-div-logits.json');

describe('torch-kl-div-logits.json (PyTorch 1.13.1)', () => {
  test('holds the full reference set', () => {
    expect(cases.length).toBe(116);
  });
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const problems = runLogitsCase(c);
    expect(problems, `case ${c.name}:\n${problems.join('\n')}`).toEqual([]);
  });
});
