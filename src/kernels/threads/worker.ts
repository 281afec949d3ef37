/**
 * The worker program: what runs inside each worker thread, as source text (a worker is started
 * from a string, so no bundler has to know about a second entry point). It is `workerMain` and
 * `runKernel` stringified, which is why both are self-contained: the slot layout (slots.ts) and
 * the job kinds arrive with the worker's data, never as outer variables.
 *
 * @module
 */

import { JobKind, runKernel } from '../wasm/chunk.js';
import type { SharedWasm } from '../wasm/instance.js';
import { SLOT, type SlotLayout } from './slots.js';

/**
 * Runs the ring at `base`: waits for a ready slot, runs its task with `run` (`runKernel`), marks
 * it done (or failed), forever, until a slot says exit.
 */
function workerMain(): void {
  // biome-ignore lint/suspicious/noExplicitAny: set by the worker's prelude
  const data = (globalThis as any).__kldivWorkerData;
  const { module, memory, base } = data;
  const L: SlotLayout = data.layout;
  const K = data.kinds;
  const { i32: I, f64: F, state: S } = L;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  // biome-ignore lint/suspicious/noExplicitAny: injected beside this function
  const run = (globalThis as any).__kldivRunKernel;
  // a browser parent waits for this before it relies on the worker (Node's parent need not)
  // biome-ignore lint/suspicious/noExplicitAny: injected beside this function
  (globalThis as any).__kldivReady?.();
  const i32s: Int32Array[] = [];
  const f64s: Float64Array[] = [];
  for (let slot = 0; slot < L.slots; slot++) {
    i32s.push(new Int32Array(memory.buffer, base + slot * L.slotBytes, L.headerBytes / 4));
    f64s.push(new Float64Array(memory.buffer, base + slot * L.slotBytes, L.headerBytes / 8));
  }
  for (let slot = 0; ; slot = (slot + 1) % L.slots) {
    const i32 = i32s[slot];
    const f64 = f64s[slot];
    let state = Atomics.load(i32, I.state);
    // spin first: waking a sleeping thread costs tens of microseconds, a chunk's work about ten
    for (let spin = 0; spin < 20000 && state !== S.ready && state !== S.exit; spin++) {
      state = Atomics.load(i32, I.state);
    }
    // wait on the value just read: a change between a check and the wait must wake us
    while (state !== S.ready && state !== S.exit) {
      Atomics.wait(i32, I.state, state);
      state = Atomics.load(i32, I.state);
    }
    if (state === S.exit) return;
    try {
      const p = base + slot * L.slotBytes + L.headerBytes;
      const job = {
        kind: i32[I.kind],
        f64: i32[I.f64] === 1,
        logTarget: i32[I.logTarget] === 1,
        divisor: f64[F.divisor],
      };
      const gStride = i32[I.gStride];
      if (i32[I.mode] > 0) {
        // in place, chunks from the shared counter after the reserved one (see slots.ts)
        const n = i32[I.count];
        const bytes = job.f64 ? 8 : 4;
        const per = L.chunkBytes / bytes;
        const counter = new Int32Array(memory.buffer, i32[I.counter], 2);
        const sums = new Float64Array(memory.buffer, i32[I.sums], Math.ceil(n / per));
        const limit = counter[1];
        // the reserved chunk, then chunks below the reserved ones while the counter has any
        let c = i32[I.mode] - 1;
        do {
          const at = c * per * bytes;
          sums[c] = run(
            instance.exports,
            K,
            job,
            Math.min(per, n - c * per),
            i32[I.px] + at,
            i32[I.py] + at,
            gStride === 0 ? i32[I.pg] : i32[I.pg] + at,
            gStride,
            i32[I.p1] + at,
            i32[I.p2] + at,
          );
          c = Atomics.add(counter, 0, 1);
        } while (c < limit);
        Atomics.store(i32, I.state, S.done);
        Atomics.notify(i32, I.state);
        continue;
      }
      f64[F.result] = run(
        instance.exports,
        K,
        job,
        i32[I.count],
        i32[I.px] >= 0 ? i32[I.px] : p,
        i32[I.py] >= 0 ? i32[I.py] : p + L.chunkBytes,
        i32[I.pg] >= 0 ? i32[I.pg] : p + 2 * L.chunkBytes,
        gStride,
        i32[I.p1] >= 0 ? i32[I.p1] : p + 3 * L.chunkBytes,
        i32[I.p2] >= 0 ? i32[I.p2] : p + 4 * L.chunkBytes,
      );
      Atomics.store(i32, I.state, S.done);
    } catch {
      Atomics.store(i32, I.state, S.failed);
    }
    Atomics.notify(i32, I.state);
  }
}

/**
 * @internal The worker's program text: `runKernel` and `workerMain`, to be followed by a prelude
 * that sets `__kldivWorkerData` (see {@link workerData}) and calls `__kldivMain()`. esbuild
 * (tsx, vitest) may wrap nested functions in `__name()`; the shim makes that a no-op.
 */
export const WORKER_PROGRAM = `var __name = (f) => f;
globalThis.__kldivRunKernel = ${runKernel.toString()};
var __kldivMain = ${workerMain.toString()};`;

/** @internal What a worker is given: the module, the memory, its ring, the layout and kinds. */
export function workerData(wasm: SharedWasm, base: number) {
  return { module: wasm.module, memory: wasm.memory, base, layout: SLOT, kinds: JobKind };
}
