/**
 * Diagnostic rows: kldiv's SIMD kernel alone on data in its memory (one and two threads) and
 * issue 3's hand-written ceiling kernel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WasmExports } from '../../src/kernels/wasm/chunk.js';
import { wasmScratch } from '../../src/kernels/wasm/instance.js';
import { type DType, type FloatArray, here } from './options.js';
import type { Peer } from './timing.js';

/**
 * The SIMD kernel alone, on data already in WebAssembly memory (copied in during the untimed
 * warm-up): the ceiling the library's own calls approach, which must copy each chunk of the
 * caller's arrays in and out. A diagnostic row; float64 up to 1e7 elements (the inputs and
 * gradients of 1e8 float64 would not fit a 32-bit WebAssembly memory beside everything else).
 */
export function kernelPeer(): Peer {
  let held: FloatArray | undefined;
  let base = 0;
  let capacity = 0;
  return {
    name: 'kldiv wasm kernel alone (data in its memory)',
    stateless: true,
    skip: (n, dtype) =>
      n > 1e7 && dtype === 'float64' ? 'diagnostic row, float64 up to 1e7 elements' : undefined,
    run(op, x, y) {
      const e = wasmScratch()!.exports;
      const f64 = x instanceof Float64Array;
      const bytes = x.byteLength;
      if (bytes > capacity) {
        base = e.memory.grow(Math.ceil((4 * bytes) / 65536)) * 65536;
        capacity = bytes;
      }
      const [px, py, pgx, pgy] = [0, 1, 2, 3].map((k) => base + k * capacity);
      const T = f64 ? Float64Array : Float32Array;
      if (held !== x) {
        new T(e.memory.buffer, px, x.length).set(x);
        new T(e.memory.buffer, py, y.length).set(y);
        held = x;
      }
      const n = x.length;
      if (op === 'forward')
        return f64 ? e.klSumF64(n, px, py, false) : e.klSumF32(n, px, py, false);
      // the scalar upstream gradient, 1, sits in the gradInput area: read before it is overwritten
      new T(e.memory.buffer, pgx, 1)[0] = 1;
      const both = op === 'forward+backward';
      return f64
        ? e.klBackwardF64(n, pgx, 0, px, py, pgx, pgy, false, 1, both)
        : e.klBackwardF32(n, pgx, 0, px, py, pgx, pgy, false, 1, both);
    },
  };
}

const float32Only = (_n: number, dtype: DType) =>
  dtype !== 'float32' ? 'float32 only' : undefined;

/**
 * The hand-written kernel of issue 3's ceiling figures, rebuilt from its description
 * (wasm/ceiling.ts, compiled here with asc): float32 'sum' only, data already in its memory as
 * for the kernel-alone row, each 16 KiB block touched first or not. Diagnostic rows; the
 * report judges kldiv against the faster of these and its own kernel alone.
 */
export function ceilingPeer(touch: boolean): Peer {
  let e: CeilingExports | undefined;
  let held: FloatArray | undefined;
  let base = 0;
  let capacity = 0;
  return {
    name: `ceiling kernel of issue 3, blocks ${touch ? 'touched first' : 'not touched'}`,
    stateless: true,
    ops: ['forward'],
    skip: float32Only,
    run(_op, x, y) {
      e ??= ceilingExports();
      if (x.byteLength > capacity) {
        base = e.memory.grow(Math.ceil((2 * x.byteLength) / 65536)) * 65536;
        capacity = x.byteLength;
      }
      const n = x.length - (x.length % 16);
      if (held !== x) {
        new Float32Array(e.memory.buffer, base, x.length).set(x);
        new Float32Array(e.memory.buffer, base + capacity, y.length).set(y);
        held = x;
      }
      return e.ceilingSumF32(n, base, base + capacity, touch);
    },
  };
}

interface CeilingExports {
  memory: WebAssembly.Memory;
  ceilingSumF32(n: number, px: number, py: number, touch: boolean): number;
}

/** Compiles wasm/ceiling.ts with the AssemblyScript compiler (a dev dependency). */
function ceilingExports(): CeilingExports {
  const dir = mkdtempSync(join(tmpdir(), 'kldiv-ceiling-'));
  try {
    const wasm = join(dir, 'ceiling.wasm');
    execFileSync(join(here, '..', 'node_modules', '.bin', 'asc'), [
      join(here, '..', 'wasm', 'ceiling.ts'),
      ...['--enable', 'simd', '--runtime', 'stub', '--noAssert', '-O3', '--converge', '-o', wasm],
    ]);
    const module = new WebAssembly.Module(readFileSync(wasm));
    return new WebAssembly.Instance(module, {}).exports as unknown as CeilingExports;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What two threads reach at most: kldiv's float32 sum kernel alone, half the data on this thread
 * and half on one worker thread, each half already in its own WebAssembly memory, so a call is
 * one hand-off and no copies (a kldiv call adds its chunk hand-offs and, for ordinary arrays,
 * the copies into WebAssembly memory). Issue 3's 2-thread figure, measured in the same run
 * (timed in series, as PyTorch is); the standalone bench/parallel-ceiling.mjs measures the same
 * with two workers.
 */
export function parallelKernelPeer(): Peer {
  // [generation (a call, or -1: stop), halves done]
  const control = new Int32Array(new SharedArrayBuffer(8));
  const result = new Float64Array(new SharedArrayBuffer(8));
  let worker: Worker | undefined;
  let own: { e: WasmExports; base: number; n: number } | undefined;
  const halfSum = (e: WasmExports, base: number, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i += 8192)
      s += e.klSumF32(Math.min(8192, n - i), base + i * 4, base + n * 4 + i * 4, false);
    return s;
  };
  const load = (e: WasmExports, x: Float32Array, y: Float32Array) => {
    const base = e.memory.grow(Math.ceil((x.byteLength * 2) / 65536) + 1) * 65536;
    new Float32Array(e.memory.buffer, base, x.length).set(x);
    new Float32Array(e.memory.buffer, base + x.byteLength, y.length).set(y);
    return base;
  };
  const waitFor = (index: number, value: number) => {
    let spins = 0;
    for (let v = Atomics.load(control, index); v !== value; v = Atomics.load(control, index))
      if (++spins > 100000) Atomics.wait(control, index, v, 1);
  };
  return {
    name: 'kldiv wasm kernel alone on 2 threads (halves in place)',
    ops: ['forward'],
    skip: float32Only,
    prepare(x, y) {
      const bytes = readFileSync(join(here, '..', 'src', 'kernels', 'wasm', 'kldiv.wasm'));
      const h = Math.floor(x.length / 2);
      const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {})
        .exports as unknown as WasmExports;
      own = {
        e,
        base: load(e, x.subarray(0, h) as Float32Array, y.subarray(0, h) as Float32Array),
        n: h,
      };
      Atomics.store(control, 0, 0);
      Atomics.store(control, 1, 0);
      worker = new Worker(
        `const { workerData: w } = require('node:worker_threads');
         const e = new WebAssembly.Instance(new WebAssembly.Module(w.bytes), {}).exports;
         const load = ${load.toString()};
         const halfSum = ${halfSum.toString()};
         const n = w.x.length;
         const base = load(e, w.x, w.y);
         const c = w.control;
         let gen = 0;
         Atomics.store(c, 1, 1);
         Atomics.notify(c, 1);
         for (;;) {
           // spin before sleeping: the next call of a timed series comes at once
           for (let spins = 0; Atomics.load(c, 0) === gen; spins++)
             if (spins > 200000) Atomics.wait(c, 0, gen);
           gen = Atomics.load(c, 0);
           if (gen < 0) break;
           w.result[0] = halfSum(e, base, n);
           Atomics.add(c, 1, 1);
           Atomics.notify(c, 1);
         }`,
        {
          eval: true,
          workerData: { bytes, x: x.slice(h), y: y.slice(h), control, result },
        },
      );
      waitFor(1, 1);
    },
    run() {
      Atomics.store(control, 1, 0);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      const mine = halfSum(own!.e, own!.base, own!.n);
      waitFor(1, 1);
      return mine + result[0];
    },
    release() {
      Atomics.store(control, 0, -1);
      Atomics.notify(control, 0);
      void worker?.terminate();
      worker = undefined;
      own = undefined;
    },
  };
}
