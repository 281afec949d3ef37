/**
 * Every case of torch-kl-div.json (PyTorch 1.13.1): outputs, warnings, both gradients, reprs
 * and errors, on every backend and thread count, and with the inputs in `wasmArray`s. A failure lists case, index, actual,
 * expected and tolerance.
 */
import { describe, expect, test } from 'vitest';
import { CONFIGS, WASM_ARRAYS, withConfig } from '../helpers/backends.js';
import { loadFixture } from '../helpers/fixtures.js';
import { type KlDivCase, runKlDivCase } from '../helpers/runners.js';

const { cases } = loadFixture<KlDivCase>('torch-kl-div.json');

test('torch-kl-div.json holds the full reference set', () => {
  expect(cases.length).toBe(165);
});

describe.each([...CONFIGS, WASM_ARRAYS])(
  'torch-kl-div.json (PyTorch 1.13.1 F.kl_div), backend $name',
  (config) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const problems = withConfig(config, () => runKlDivCase(c));
      expect(problems, `case ${c.name} (${config.name}):\n${problems.join('\n')}`).toEqual([]);
    });
  },
);
