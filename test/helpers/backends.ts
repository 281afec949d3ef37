/** Backend and thread configurations every fixture and fuzz test runs under. */
import {
  type Backend,
  getBackend,
  getNumThreads,
  setBackend,
  setNumThreads,
} from '../../src/index.js';
import { placement } from './fixtures.js';

export interface BackendConfig {
  name: string;
  backend: Backend;
  threads: number;
  /** Fixture tensors' float data in `wasmArray`s (read in place by the kernels). */
  wasmArrays?: boolean;
}

export const CONFIGS: BackendConfig[] = [
  { name: 'js', backend: 'js', threads: 1 },
  { name: 'wasm, 1 thread', backend: 'wasm', threads: 1 },
  { name: 'wasm, 2 threads', backend: 'wasm', threads: 2 },
];

/** The WebAssembly backend on 2 threads with every fixture input in a `wasmArray`. */
export const WASM_ARRAYS: BackendConfig = {
  name: 'wasm, 2 threads, inputs in wasmArray',
  backend: 'wasm',
  threads: 2,
  wasmArrays: true,
};

/** Runs `fn` under a configuration, restoring the previous one afterwards. */
export function withConfig<T>(config: BackendConfig, fn: () => T): T {
  const backend = getBackend();
  const threads = getNumThreads();
  setBackend(config.backend);
  setNumThreads(config.threads);
  placement.wasmArrays = config.wasmArrays === true;
  try {
    return fn();
  } finally {
    setBackend(backend);
    setNumThreads(threads);
    placement.free();
  }
}
