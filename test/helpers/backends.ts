/** Backend and thread configurations every fixture and fuzz test runs under. */
import { type Backend, setBackend, setNumThreads } from '../../src/index.js';
import { resetRuntime, runtime } from '../../src/kernels/runtime.js';
import { placement } from './fixtures.js';

export interface BackendConfig {
  name: string;
  backend: Backend;
  threads: number;
  /** Fixture tensors' float data in `wasmArray`s (read in place by the kernels). */
  wasmArrays?: boolean;
  /**
   * With `threads` > 1, every WebAssembly job goes to the worker threads however small (the
   * runtime's `forceThreads` seam), so small fuzz and differential inputs reach the workers.
   */
  forceThreads?: boolean;
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

/**
 * Runs `fn` under a configuration, then puts the runtime's settings back to their defaults
 * (`resetRuntime`): tests never restore state by hand.
 */
export function withConfig<T>(config: BackendConfig, fn: () => T): T {
  setBackend(config.backend);
  setNumThreads(config.threads);
  if (config.forceThreads === true && config.threads > 1) runtime.forceThreads = config.threads;
  placement.wasmArrays = config.wasmArrays === true;
  try {
    return fn();
  } finally {
    resetRuntime();
    placement.free();
  }
}
