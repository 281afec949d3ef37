/** TensorFlow.js peers: cpu and wasm backends, its own op composition or the kldiv/tfjs adapter. */
import { createRequire } from 'node:module';
import { args } from './options.js';
import type { Peer } from './timing.js';

// biome-ignore lint/suspicious/noExplicitAny: tfjs is loaded dynamically (a dev dependency)
let tf: any;
// biome-ignore lint/suspicious/noExplicitAny: the kldiv/tfjs adapter, loaded with tfjs
let tfAdapter: any;

/** Loads TensorFlow.js, readies its wasm backend, and loads the kldiv/tfjs adapter. */
export async function loadTfjs(): Promise<void> {
  const require = createRequire(import.meta.url);
  const log = console.log;
  console.log = () => {}; // tfjs greets Node users on stdout
  tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  await tf.setBackend('cpu');
  console.log = log;
  tfAdapter = await import('../../src/tfjs/index.js');
}

/** The TensorFlow.js version loaded, undefined when it was not. */
export const tfjsVersion = (): string | undefined => tf?.version?.tfjs;

/**
 * TensorFlow.js on `backend`, computing the loss either with its own op composition (what a
 * tfjs user writes by hand) or through the kldiv/tfjs adapter (PyTorch semantics, tree sum).
 */
export function tfjsPeer(backend: 'cpu' | 'wasm', via: 'ops' | 'adapter'): Peer {
  // biome-ignore lint/suspicious/noExplicitAny: tfjs tensors
  let tx: any;
  // biome-ignore lint/suspicious/noExplicitAny: tfjs tensors
  let ty: any;
  const loss =
    via === 'ops'
      ? // biome-ignore lint/suspicious/noExplicitAny: tfjs op composition
        (a: any, b: any) => tf.sum(tf.sub(tf.mul(b, tf.log(b)), tf.mul(b, a)))
      : // biome-ignore lint/suspicious/noExplicitAny: tfjs tensors
        (a: any, b: any) => tfAdapter.klDiv(a, b, { reduction: 'sum' });
  return {
    name: via === 'ops' ? `TensorFlow.js ${backend}` : `kldiv/tfjs on TensorFlow.js ${backend}`,
    skip(n, dtype) {
      if (dtype === 'float64') return 'TensorFlow.js has no float64';
      if (backend === 'cpu' && n > Number(args['tfjs-cpu-max']))
        return `above ${args['tfjs-cpu-max']} (too slow; --tfjs-cpu-max)`;
      return undefined;
    },
    prepare(x, y) {
      tf.setBackend(backend);
      tx = tf.tensor1d(x, 'float32');
      ty = tf.tensor1d(y, 'float32');
    },
    run(op) {
      if (op === 'forward') {
        const s = tf.tidy(() => loss(tx, ty));
        const v = s.dataSync()[0];
        s.dispose();
        return v;
      }
      const grads =
        op === 'forward+input-grad'
          ? // biome-ignore lint/suspicious/noExplicitAny: tfjs tensors
            [tf.grad((a: any) => loss(a, ty))(tx)]
          : tf.grads(loss)([tx, ty]);
      // biome-ignore lint/suspicious/noExplicitAny: tfjs tensors
      const out = grads.map((g: any) => g.dataSync());
      // biome-ignore lint/suspicious/noExplicitAny: tfjs tensors
      for (const g of grads as any[]) g.dispose();
      return out;
    },
    release() {
      tx?.dispose();
      ty?.dispose();
    },
  };
}
