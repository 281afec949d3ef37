/** Backend and thread configurations every fixture and fuzz test runs under. */
import {
  type Backend,
  getBackend,
  getNumThreads,
  setBackend,
  setNumThreads,
} from '../../src/index.js';

export interface BackendConfig {
  name: string;
  backend: Backend;
  threads: number;
}

export const CONFIGS: BackendConfig[] = [
  { name: 'js', backend: 'js', threads: 1 },
  { name: 'wasm, 1 thread', backend: 'wasm', threads: 1 },
  { name: 'wasm, 2 threads', backend: 'wasm', threads: 2 },
];

/** Runs `fn` under a configuration, restoring the previous one afterwards. */
export function withConfig<T>(config: BackendConfig, fn: () => T): T {
  const backend = getBackend();
  const threads = getNumThreads();
  setBackend(config.backend);
  setNumThreads(config.threads);
  try {
    return fn();
  } finally {
    setBackend(backend);
    setNumThreads(threads);
  }
}
