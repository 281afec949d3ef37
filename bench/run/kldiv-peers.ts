/**
 * kldiv's peers through its public API (ordinary arrays, wasmArrays, out buffers) and the naive
 * JS loop.
 */
import {
  freeWasmArray,
  klDiv,
  klDivBackward,
  setBackend,
  setNumThreads,
  wasmArray,
} from '../../src/index.js';
import type { FloatArray } from './options.js';
import type { Peer } from './timing.js';

export function kldivPeer(backend: 'wasm' | 'js', threads: number, cold = false): Peer {
  return {
    name: `kldiv ${backend}, ${threads} thread${threads > 1 ? 's' : ''}${cold ? ', worker woken by each call' : ''}`,
    stateless: true,
    warm: threads > 1 && !cold,
    run(op, x, y) {
      setBackend(backend);
      setNumThreads(threads);
      // forward+backward is one call: klDivBackward returns the loss with the gradients
      if (op === 'forward') return klDiv(x, y, { reduction: 'sum' }).item();
      if (op === 'forward+input-grad') {
        const { loss, gradInput } = klDivBackward(x, y, { reduction: 'sum', gradTarget: false });
        return [loss.item(), gradInput];
      }
      const { loss, gradInput, gradTarget } = klDivBackward(x, y, { reduction: 'sum' });
      return [loss.item(), gradInput, gradTarget];
    },
  };
}

/**
 * Forward+backward writing the gradients into the same two ordinary arrays every call (the
 * `out` option), as a training loop does: no allocation, so no page faults on fresh memory.
 */
export function kldivOutPeer(): Peer {
  let out: { gradInput: FloatArray; gradTarget: FloatArray } | undefined;
  return {
    name: 'kldiv wasm, 1 thread, reused out buffers',
    stateless: true,
    ops: ['forward+backward', 'forward+input-grad'],
    run(op, x, y) {
      setBackend('wasm');
      setNumThreads(1);
      if (out?.gradInput.length !== x.length || out.gradInput.constructor !== x.constructor) {
        const T = x.constructor as Float32ArrayConstructor;
        out = { gradInput: new T(x.length), gradTarget: new T(x.length) };
      }
      if (op === 'forward+input-grad') {
        const only = { gradInput: out.gradInput };
        return klDivBackward(x, y, { reduction: 'sum', gradTarget: false, out: only }).loss.item();
      }
      const { loss } = klDivBackward(x, y, { reduction: 'sum', out });
      return loss.item();
    },
  };
}

/**
 * Forward+backward with everything in kldiv's memory: inputs in `wasmArray`s and the gradients
 * into two `wasmArray` out buffers, which the kernels write in place (nothing copied, nothing
 * allocated). Up to what the 1 GiB memory holds (four arrays).
 */
export function kldivResidentPeer(place: ReturnType<typeof wasmArrayCopies>): Peer {
  let out: { gradInput: FloatArray; gradTarget: FloatArray } | undefined;
  return {
    name: 'kldiv wasm, inputs and out buffers in wasmArray, 1 thread',
    stateless: true,
    ops: ['forward+backward', 'forward+input-grad'],
    skip: (n, dtype) =>
      4 * n * (dtype === 'float64' ? 8 : 4) > 900 * 2 ** 20
        ? "four arrays exceed kldiv's 1 GiB WebAssembly memory"
        : undefined,
    run(op, x, y) {
      setBackend('wasm');
      setNumThreads(1);
      const [wx, wy] = place(x, y);
      if (out?.gradInput.length !== x.length || out.gradInput.constructor !== x.constructor) {
        if (out !== undefined) for (const a of Object.values(out)) freeWasmArray(a);
        const dtype = x instanceof Float64Array ? 'float64' : 'float32';
        out = { gradInput: wasmArray(x.length, dtype), gradTarget: wasmArray(x.length, dtype) };
      }
      if (op === 'forward+input-grad') {
        const only = { gradInput: out.gradInput };
        return klDivBackward(wx, wy, {
          reduction: 'sum',
          gradTarget: false,
          out: only,
        }).loss.item();
      }
      return klDivBackward(wx, wy, { reduction: 'sum', out }).loss.item();
    },
  };
}

/** Both operands copied into `wasmArray`s (untimed, once per case: the first run is a warm-up). */
export function wasmArrayCopies() {
  let held: FloatArray | undefined;
  let copies: FloatArray[] = [];
  return (x: FloatArray, y: FloatArray): FloatArray[] => {
    if (held !== x) {
      for (const a of copies) freeWasmArray(a);
      const dtype = x instanceof Float64Array ? 'float64' : 'float32';
      copies = [x, y].map((a) => {
        const w = wasmArray(a.length, dtype);
        w.set(a);
        return w;
      });
      held = x;
    }
    return copies;
  };
}

/**
 * kldiv with both inputs in `wasmArray`s, read in place (no copy into WebAssembly memory): a
 * public-API call, on data placed where the kernels (and the hand-written ceiling) read
 * it. Up to what kldiv's 1 GiB memory holds beside its scratch.
 */
export function kldivWasmArrayPeer(
  threads: number,
  place: ReturnType<typeof wasmArrayCopies>,
): Peer {
  const inner = kldivPeer('wasm', threads);
  return {
    name: `kldiv wasm, inputs in wasmArray, ${threads} thread${threads > 1 ? 's' : ''}`,
    stateless: true,
    warm: inner.warm,
    skip: (n, dtype) =>
      2 * n * (dtype === 'float64' ? 8 : 4) > 900 * 2 ** 20
        ? "the inputs exceed kldiv's 1 GiB WebAssembly memory"
        : undefined,
    run(op, x, y) {
      const [wx, wy] = place(x, y);
      return inner.run(op, wx, wy);
    },
  };
}

export const naivePeer: Peer = {
  name: 'naive JS loop (Math.log)',
  stateless: true,
  run(op, x, y) {
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const t = y[i];
      s += (t === 0 ? 0 : t * Math.log(t)) - t * x[i];
    }
    if (op === 'forward') return s;
    const gx = new (x.constructor as Float32ArrayConstructor)(x.length);
    if (op === 'forward+input-grad') {
      for (let i = 0; i < x.length; i++) gx[i] = -y[i];
      return [s, gx];
    }
    const gy = new (x.constructor as Float32ArrayConstructor)(x.length);
    for (let i = 0; i < x.length; i++) {
      const t = y[i];
      gx[i] = -t;
      gy[i] = Math.log(t) + 1 - x[i];
    }
    return [s, gx, gy];
  },
};
