/**
 * npm run bench [-- --sizes 1e4,1e6,1e7,1e8 --dtypes float32,float64
 *                   --ops forward,forward+backward,forward+input-grad --distill 64x32000,8x128000
 *                   --rounds 3 --no-torch --no-tfjs --out bench/results.json]
 * (`--distill ''` skips the distillation cases; `--sizes ''` runs only them.)
 *
 * One process run, the same inputs for every peer: kldiv (wasm 1 and 2 threads, js), a naive JS
 * loop, TensorFlow.js (cpu and wasm backends: its own op composition, gradients by tf.grads) and
 * PyTorch 1.13 (F.kl_div, 1 and 2 threads; a python3 subprocess reading the same bytes, skipped
 * with a note when torch is not importable). Reduction 'sum'. Ops: the loss ('forward'), the
 * loss and both gradients ('forward+backward': PyTorch with both tensors requiring grad) and the
 * loss and the input's gradient only ('forward+input-grad': `gradTarget: false`, PyTorch with
 * only the input requiring grad; for the distillation cases the student's, `gradTeacher: false`,
 * against PyTorch with a teacher that does not require grad). Prints, per case, ns/element,
 * Melem/s, time relative to kldiv (wasm, 1 thread) and peak extra resident memory; writes the
 * same as JSON, with the commit and a dirty flag (bench/provenance.ts). Medians of several
 * repetitions after a warm-up.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  freeWasmArray,
  klDiv,
  klDivBackward,
  klDivWithLogits,
  klDivWithLogitsBackward,
  setBackend,
  setNumThreads,
  tensor,
  terminateThreads,
  wasmArray,
} from '../src/index.js';
import type { WasmExports } from '../src/kernels/wasm/chunk.js';
import { wasmScratch } from '../src/kernels/wasm/instance.js';
import { measurePeak, stopSampler } from './memory.js';
import { describeProvenance, gitProvenance } from './provenance.js';

type DType = 'float32' | 'float64';
type Op = 'forward' | 'forward+backward' | 'forward+input-grad';
type FloatArray = Float32Array | Float64Array;

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e6,1e7,1e8' },
    dtypes: { type: 'string', default: 'float32,float64' },
    ops: { type: 'string', default: 'forward,forward+backward,forward+input-grad' },
    'no-torch': { type: 'boolean', default: false },
    'no-tfjs': { type: 'boolean', default: false },
    'tfjs-cpu-max': { type: 'string', default: '1e7' },
    'tfjs-wasm-max': { type: 'string', default: '1e8' },
    out: { type: 'string', default: join(here, 'results.json') },
    distill: { type: 'string', default: '64x32000,8x128000' },
    rounds: { type: 'string', default: '3' },
  },
});
/**
 * Repetitions are split into rounds that alternate kldiv and PyTorch (a subprocess, so not
 * timed round-robin with kldiv): a slow phase of this shared machine then falls on both
 * instead of on one whole series, which moved ratios by 30 % and more between runs.
 */
const ROUNDS = Math.max(1, Number(args.rounds));
const sizes = args.sizes === '' ? [] : args.sizes.split(',').map(Number);
const dtypes = args.dtypes.split(',') as DType[];
const ops = args.ops.split(',') as Op[];

interface Peer {
  name: string;
  /** Holds no state between calls (kldiv, naive loop): timed round-robin with the others. */
  stateless?: boolean;
  /**
   * Timed on the second of two consecutive calls, as in a series of calls (PyTorch's
   * repetitions run back to back): a worker thread asleep since the peer's previous turn takes
   * 0.3-0.7 ms to wake on this VM (bench/wake-up.mjs).
   */
  warm?: boolean;
  skip?(n: number, dtype: DType): string | undefined;
  /** The ops it runs (default all). */
  ops?: Op[];
  prepare?(x: FloatArray, y: FloatArray): void;
  run(op: Op, x: FloatArray, y: FloatArray): unknown;
  release?(): void;
}

function kldivPeer(backend: 'wasm' | 'js', threads: number, cold = false): Peer {
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
function kldivOutPeer(): Peer {
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
function kldivResidentPeer(place: ReturnType<typeof wasmArrayCopies>): Peer {
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
function wasmArrayCopies() {
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
function kldivWasmArrayPeer(threads: number, place: ReturnType<typeof wasmArrayCopies>): Peer {
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

/**
 * The SIMD kernel alone, on data already in WebAssembly memory (copied in during the untimed
 * warm-up): the ceiling the library's own calls approach, which must copy each chunk of the
 * caller's arrays in and out. A diagnostic row; float64 up to 1e7 elements (the inputs and
 * gradients of 1e8 float64 would not fit a 32-bit WebAssembly memory beside everything else).
 */
function kernelPeer(): Peer {
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
function ceilingPeer(touch: boolean): Peer {
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
function parallelKernelPeer(): Peer {
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

const naivePeer: Peer = {
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

// biome-ignore lint/suspicious/noExplicitAny: tfjs is loaded dynamically (a dev dependency)
let tf: any;
// biome-ignore lint/suspicious/noExplicitAny: the kldiv/tfjs adapter, loaded with tfjs
let tfAdapter: any;
/**
 * TensorFlow.js on `backend`, computing the loss either with its own op composition (what a
 * tfjs user writes by hand) or through the kldiv/tfjs adapter (PyTorch semantics, tree sum).
 */
function tfjsPeer(backend: 'cpu' | 'wasm', via: 'ops' | 'adapter'): Peer {
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

/** Deterministic inputs: input log-probabilities in [-8, -0.05], targets in (0, 0.2]. */
function inputs(n: number, dtype: DType): { x: FloatArray; y: FloatArray } {
  const T = dtype === 'float32' ? Float32Array : Float64Array;
  const x = new T(n);
  const y = new T(n);
  let a = 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    x[i] = -0.05 - next() * 7.95;
    y[i] = 1e-6 + next() * 0.2;
  }
  return { x, y };
}

function repsFor(n: number): number {
  if (n <= 1e4) return 200;
  if (n <= 1e6) return 21;
  if (n <= 1e7) return 7;
  return 3;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/**
 * Times stateless peers round-robin: each repetition runs every peer once, in a rotating
 * order, so a slow phase of this shared machine hits all of them alike instead of one peer's
 * whole series.
 */
function timeInterleaved(
  group: Peer[],
  op: Op,
  x: FloatArray,
  y: FloatArray,
  reps: number,
  round = 0,
) {
  // warm-up (JIT, wasm tier-up, worker start) in the first round only
  if (round === 0) for (const peer of group) peer.run(op, x, y);
  const times = group.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    // the order rotates, so no peer always runs right after the same one (the 2-thread peer
    // leaves its worker spinning for a moment on the other core)
    for (let k = 0; k < group.length; k++) {
      const i = (k + r) % group.length;
      if (group[i].warm) group[i].run(op, x, y);
      const t0 = performance.now();
      group[i].run(op, x, y);
      times[i].push((performance.now() - t0) / 1000);
    }
  }
  // peak memory once, in the last round
  return group.map((peer, i) => ({
    times: times[i],
    peakBytes: round === ROUNDS - 1 ? measurePeak(() => peer.run(op, x, y)).peakBytes : undefined,
  }));
}

/**
 * Joins the rows of every round: one row per peer and op, the median of all its times, the
 * largest peak.
 */
function joinRounds(rows: Row[]): Row[] {
  const joined = new Map<string, Row>();
  for (const r of rows) {
    const key = `${r.shape}|${r.size}|${r.dtype}|${r.op}|${r.peer}`;
    const j = joined.get(key);
    if (j === undefined) {
      joined.set(key, { ...r, times: [...(r.times ?? [])] });
      continue;
    }
    j.times!.push(...(r.times ?? []));
    if (r.peakExtraBytes !== undefined)
      j.peakExtraBytes = Math.max(j.peakExtraBytes ?? 0, r.peakExtraBytes);
  }
  return [...joined.values()].map(({ times, ...r }) =>
    times !== undefined && times.length > 0 ? { ...r, medianSeconds: median(times) } : r,
  );
}

function timePeer(peer: Peer, op: Op, x: FloatArray, y: FloatArray, reps: number) {
  peer.run(op, x, y); // warm-up (JIT, wasm tier-up, worker start)
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    peer.run(op, x, y);
    times.push((performance.now() - t0) / 1000);
  }
  const { peakBytes } = measurePeak(() => peer.run(op, x, y));
  return { times, peakBytes };
}

interface Row {
  /** Set for distillation cases: 'BxV'. */
  shape?: string;
  size: number;
  dtype: DType;
  op: Op;
  peer: string;
  /** Raw times of one round (joined by joinRounds, not written out). */
  times?: number[];
  medianSeconds?: number;
  nsPerElement?: number;
  melemPerSecond?: number;
  ratioToKldiv?: number;
  peakExtraBytes?: number;
  skipped?: string;
}

function torchAvailable(): string | undefined {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

interface TorchLine {
  op: Op;
  threads?: number;
  times: number[];
  peakBytes: number;
  torch: string;
}

/**
 * Writes `x` and `y` to temporary files, runs the PyTorch peer `script` on them (a python3
 * subprocess; `extra` arguments after the two files) and returns its JSON lines for the ops
 * this run times.
 */
function torchPeer(script: string, x: FloatArray, y: FloatArray, extra: string[]): TorchLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'kldiv-bench-'));
  try {
    const xf = join(dir, 'x.bin');
    const yf = join(dir, 'y.bin');
    writeFileSync(xf, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    writeFileSync(yf, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    const out = execFileSync('/usr/bin/python3', [join(here, script), xf, yf, ...extra], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    return out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TorchLine)
      .filter((r) => ops.includes(r.op));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function torchRows(n: number, dtype: DType, x: FloatArray, y: FloatArray, reps: number): Row[] {
  const lines = torchPeer('torch_peer.py', x, y, [String(n), dtype, String(reps), '1', '2']);
  return lines.map((r) => ({
    size: n,
    dtype,
    op: r.op,
    peer: `PyTorch ${r.torch}, ${r.threads} thread${r.threads! > 1 ? 's' : ''}`,
    times: r.times,
    peakExtraBytes: r.peakBytes,
  }));
}

async function main() {
  // taken before anything runs: the figures belong to this commit (and to uncommitted edits if dirty)
  const { commit, dirty } = gitProvenance(join(here, '..'));
  const torchVersion = args['no-torch'] ? undefined : torchAvailable();
  // one copy of the inputs for both wasmArray peers: two of a 1e8 float32 pair exceed 1 GiB
  const placed = wasmArrayCopies();
  const peers: Peer[] = [
    kldivPeer('wasm', 1),
    kldivPeer('wasm', 2),
    kldivPeer('wasm', 2, true),
    kldivWasmArrayPeer(1, placed),
    kldivWasmArrayPeer(2, placed),
    kldivOutPeer(),
    kldivResidentPeer(placed),
    kldivPeer('js', 1),
    naivePeer,
    kernelPeer(),
    ceilingPeer(true),
    ceilingPeer(false),
    parallelKernelPeer(),
  ];
  if (!args['no-tfjs']) {
    const require = createRequire(import.meta.url);
    const log = console.log;
    console.log = () => {}; // tfjs greets Node users on stdout
    tf = require('@tensorflow/tfjs');
    require('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    await tf.setBackend('cpu');
    console.log = log;
    tfAdapter = await import('../src/tfjs/index.js');
    peers.push(
      tfjsPeer('cpu', 'ops'),
      tfjsPeer('cpu', 'adapter'),
      tfjsPeer('wasm', 'ops'),
      tfjsPeer('wasm', 'adapter'),
    );
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    v8: process.versions.v8,
    torch: torchVersion ?? 'not available',
    tfjs: tf?.version?.tfjs ?? 'not run',
  };
  console.log(
    `kldiv benchmark, ${new Date().toISOString()}, ${describeProvenance({ commit, dirty })}`,
  );
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}`,
  );
  console.log(`peers: ${peers.map((p) => p.name).join('; ')}; PyTorch: ${machine.torch}`);
  if (torchVersion === undefined && !args['no-torch'])
    console.log('note: PyTorch skipped: /usr/bin/python3 cannot import torch');
  const rows: Row[] = [];
  for (const dtype of dtypes) {
    for (const n of sizes) {
      const { x, y } = inputs(n, dtype);
      const perRound = Math.ceil(repsFor(n) / ROUNDS);
      const roundRows: Row[] = [];
      const stateless = peers.filter((p) => p.stateless && !p.skip?.(n, dtype));
      for (let round = 0; round < ROUNDS; round++) {
        for (const op of ops) {
          const group = stateless.filter((p) => p.ops?.includes(op) ?? true);
          timeInterleaved(group, op, x, y, perRound, round).forEach((r, i) => {
            roundRows.push({ size: n, dtype, op, peer: group[i].name, ...toRow(r) });
          });
        }
        if (torchVersion !== undefined) roundRows.push(...torchRows(n, dtype, x, y, perRound));
      }
      const caseRows = joinRounds(roundRows);
      const reps = perRound * ROUNDS;
      for (const peer of peers.filter((p) => !p.stateless)) {
        const skipped = peer.skip?.(n, dtype);
        if (skipped) {
          for (const op of ops) caseRows.push({ size: n, dtype, op, peer: peer.name, skipped });
          continue;
        }
        try {
          peer.prepare?.(x, y);
          for (const op of ops) {
            const { times, peakBytes } = timePeer(peer, op, x, y, reps);
            caseRows.push({
              size: n,
              dtype,
              op,
              peer: peer.name,
              medianSeconds: median(times),
              peakExtraBytes: peakBytes,
            });
          }
          peer.release?.();
        } catch (e) {
          // a peer that fails (out of memory, say) is reported, not allowed to end the run
          for (const op of ops) {
            if (caseRows.some((r) => r.peer === peer.name && r.op === op)) continue;
            caseRows.push({
              size: n,
              dtype,
              op,
              peer: peer.name,
              skipped: `failed: ${(e as Error).message}`,
            });
          }
        }
      }
      for (const op of ops) {
        const group = caseRows.filter((r) => r.op === op);
        const ref = group.find((r) => r.peer === 'kldiv wasm, 1 thread')?.medianSeconds;
        for (const r of group) {
          if (r.medianSeconds === undefined) continue;
          r.nsPerElement = (r.medianSeconds * 1e9) / n;
          r.melemPerSecond = n / r.medianSeconds / 1e6;
          if (ref !== undefined) r.ratioToKldiv = r.medianSeconds / ref;
        }
        print(n, dtype, op, group);
      }
      rows.push(...caseRows);
    }
  }
  if (args.distill !== '') rows.push(...distillation(torchVersion));
  writeFileSync(
    args.out,
    `${JSON.stringify({ date: new Date().toISOString(), commit, dirty, machine, reduction: 'sum', rows }, null, 1)}\n`,
  );
  console.log(`\nwrote ${args.out}`);
  await terminateThreads();
  await stopSampler();
}

/** A timing result as the fields of a row. */
function toRow(r: { times: number[]; peakBytes: number | undefined }) {
  return { times: r.times, peakExtraBytes: r.peakBytes };
}

/** PyTorch's unfused distillation loss on the same logits, `reps` times. */
function torchDistillRows(
  spec: string,
  s: FloatArray,
  t: FloatArray,
  B: number,
  V: number,
  reps: number,
): Row[] {
  return torchPeer('torch_distill.py', s, t, [String(B), String(V), String(reps)]).map((r) => ({
    shape: spec,
    size: B * V,
    dtype: 'float32' as const,
    op: r.op,
    peer: `PyTorch ${r.torch} (unfused), 1 thread`,
    times: r.times,
    peakExtraBytes: r.peakBytes,
  }));
}

/**
 * Distillation from logits: klDivWithLogits (T = 2, 'batchmean') against PyTorch's unfused
 * expression on [B, V] float32 logits. kldiv's forward+backward is one klDivWithLogitsBackward
 * call (it returns the loss with the gradients); PyTorch's is forward then .backward(). Op
 * 'forward+backward' computes both logits' gradients (both require grad in PyTorch);
 * 'forward+input-grad' the student's only (`gradTeacher: false`; a teacher that does not
 * require grad in PyTorch), what a distillation step with a frozen teacher does.
 */
function distillation(torchVersion: string | undefined): Row[] {
  const rows: Row[] = [];
  for (const spec of args.distill.split(',')) {
    const [B, V] = spec.split('x').map(Number);
    const n = B * V;
    const { x: s, y: u } = inputs(n, 'float32');
    const t = Float32Array.from(u, (v) => v * 40 - 4); // teacher logits in [-4, 4]
    for (let i = 0; i < n; i++) s[i] = s[i] + 4; // student logits in [-4, 4]
    const opts = { temperature: 2, reduction: 'batchmean' as const };
    const student = tensor(s, { shape: [B, V] });
    const teacher = tensor(t, { shape: [B, V] });
    const [ws, wt] = wasmArrayCopies()(s, t);
    const placed = [tensor(ws, { shape: [B, V] }), tensor(wt, { shape: [B, V] })];
    // [backend, logits in wasmArray, reused gradient buffers]
    const variants = [
      ['wasm', false, false],
      ['wasm', true, false],
      ['wasm', false, true],
      ['js', false, false],
    ] as const;
    const gradBuffers = { gradStudent: new Float32Array(n), gradTeacher: new Float32Array(n) };
    const peers: Peer[] = variants.map(([backend, inWasm, reuse]) => ({
      name: `kldiv ${backend}, ${inWasm ? 'logits in wasmArray, ' : ''}1 thread${reuse ? ', reused out buffers' : ''}`,
      ops: reuse ? ['forward+backward', 'forward+input-grad'] : undefined,
      run(op: Op) {
        setBackend(backend);
        setNumThreads(1);
        const [a, b] = inWasm ? placed : [student, teacher];
        if (op === 'forward') return klDivWithLogits(a, b, opts).item();
        const gradTeacher = op === 'forward+backward';
        const out = !reuse
          ? undefined
          : gradTeacher
            ? gradBuffers
            : { gradStudent: gradBuffers.gradStudent };
        return klDivWithLogitsBackward(a, b, { ...opts, gradTeacher, out });
      },
    }));
    const roundRows: Row[] = [];
    const perRound = Math.ceil(9 / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of ops) {
        const group = peers.filter((p) => p.ops?.includes(op) ?? true);
        timeInterleaved(group, op, s, t, perRound, round).forEach((r, i) => {
          roundRows.push({
            shape: spec,
            size: n,
            dtype: 'float32',
            op,
            peer: group[i].name,
            ...toRow(r),
          });
        });
      }
      if (torchVersion !== undefined)
        roundRows.push(...torchDistillRows(spec, s, t, B, V, perRound));
    }
    const caseRows = joinRounds(roundRows);
    for (const op of ops) {
      const group = caseRows.filter((r) => r.op === op);
      const ref = group.find((r) => r.peer === 'kldiv wasm, 1 thread')?.medianSeconds;
      for (const r of group) {
        r.nsPerElement = (r.medianSeconds! * 1e9) / n;
        r.melemPerSecond = n / r.medianSeconds! / 1e6;
        if (ref !== undefined) r.ratioToKldiv = r.medianSeconds! / ref;
      }
      console.log(
        `\ndistillation [${B}, ${V}] float32 logits, T = 2, 'batchmean', ${OP_LABEL[op]}`,
      );
      printRows(group);
    }
    rows.push(...caseRows);
    freeWasmArray(ws);
    freeWasmArray(wt);
  }
  return rows;
}

/** How each op reads in the printed case headings. */
const OP_LABEL: Record<Op, string> = {
  forward: 'forward',
  'forward+backward': 'forward+backward (both gradients)',
  'forward+input-grad': "forward+backward, the input's (student's) gradient only",
};

function print(n: number, dtype: DType, op: Op, group: Row[]) {
  console.log(`\n${n.toExponential(0)} elements, ${dtype}, ${OP_LABEL[op]} (reduction 'sum')`);
  printRows(group);
}

/** The rows, then the same-run ratio of kldiv (wasm, 1 thread) to PyTorch on 1 thread. */
function printRows(group: Row[]) {
  console.log(
    `  ${'peer'.padEnd(58)} ${'ns/elem'.padStart(9)} ${'Melem/s'.padStart(9)} ${'x kldiv'.padStart(8)} ${'peak MB'.padStart(9)}`,
  );
  for (const r of group) {
    if (r.skipped) {
      console.log(`  ${r.peer.padEnd(58)} skipped: ${r.skipped}`);
      continue;
    }
    const mb = r.peakExtraBytes === undefined ? 'n/a' : (r.peakExtraBytes / 2 ** 20).toFixed(1);
    console.log(
      `  ${r.peer.padEnd(58)} ${r.nsPerElement!.toFixed(2).padStart(9)} ${r.melemPerSecond!.toFixed(1).padStart(9)} ${(r.ratioToKldiv?.toFixed(2) ?? '-').padStart(8)} ${mb.padStart(9)}`,
    );
  }
  const ours = group.find((r) => r.peer === 'kldiv wasm, 1 thread')?.medianSeconds;
  const theirs = group.find(
    (r) => r.peer.startsWith('PyTorch') && r.peer.endsWith(' 1 thread'),
  )?.medianSeconds;
  if (ours !== undefined && theirs !== undefined) {
    console.log(
      `  same-run ratio, kldiv wasm 1 thread / PyTorch 1 thread: ${(ours / theirs).toFixed(3)}`,
    );
  }
}

await main();
