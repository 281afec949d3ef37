/**
 * The layout of a worker ring's slots in the shared memory, written once: the caller
 * (schedule.ts) reads it from here and the worker program (worker.ts) is handed this object
 * with its data, so the two sides cannot disagree.
 *
 * @module
 */

import { CHUNK_BYTES } from '../wasm/chunk.js';

const HEADER_BYTES = 64;

/**
 * @internal A ring holds `slots` slots of `slotBytes`: a header of `headerBytes`, then five
 * buffers of `chunkBytes` (x, y, g, out1, out2, as a chunk's scratch). Header fields are Int32
 * (`i32`) or Float64 (`f64`) indices over the same bytes: `divisor` overlays Int32 6-7, and
 * `result` overlays `counter` and `sums` (Int32 8-9), which only in-place tasks use (`mode`
 * > 0: 1 + the chunk reserved for the worker; `counter`: byte address of the shared Int32 next
 * chunk and limit; `sums`: byte address of the job's float64 chunk sums). `px`..`p2` are byte
 * addresses of operands read or written in place, -1 where they are in the slot.
 */
export const SLOT = {
  slots: 4,
  headerBytes: HEADER_BYTES,
  slotBytes: HEADER_BYTES + 5 * CHUNK_BYTES,
  chunkBytes: CHUNK_BYTES,
  i32: {
    state: 0,
    count: 1,
    gStride: 2,
    kind: 3,
    f64: 4,
    logTarget: 5,
    counter: 8,
    sums: 9,
    px: 10,
    py: 11,
    pg: 12,
    p1: 13,
    p2: 14,
    mode: 15,
  },
  f64: { divisor: 3, result: 4 },
  /** Slot states: free for the caller, ready for the worker, then done or failed; exit stops it. */
  state: { free: 0, ready: 1, done: 2, failed: 3, exit: 4 },
} as const;

/** @internal The layout's type, as the worker program receives it. */
export type SlotLayout = typeof SLOT;
