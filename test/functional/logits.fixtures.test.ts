/**
 * Every case of torch-kl-div-logits.json (PyTorch 1.13.1): the fused distillation loss
 * `F.kl_div(F.log_softmax(s/T), F.softmax(t/T)) * T*T` with both gradients, and the generalised
 * JSD with the student gradient, on every backend (rows along the last dim take the
 * WebAssembly kernels, other dims the JS ones), also with the logits in `wasmArray`s.
 */
import { describe, expect, test } from 'vitest';
import { CONFIGS, WASM_ARRAYS, withConfig } from '../helpers/backends.js';
import { loadFixture } from '../helpers/fixtures.js';
import { type LogitsCase, runLogitsCase } from '../helpers/runners.js';

const { cases } = loadFixture<LogitsCase>('torch-kl-div-logits.json');

test('torch-kl-div-logits.json holds the full reference set', () => {
  expect(cases.length).toBe(116);
});

describe.each([...CONFIGS.slice(0, 2), WASM_ARRAYS])(
  'torch-kl-div-logits.json (PyTorch 1.13.1), backend $name',
  (config) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const problems = withConfig(config, () => runLogitsCase(c));
      expect(problems, `case ${c.name} (${config.name}):\n${problems.join('\n')}`).toEqual([]);
    });
  },
);
