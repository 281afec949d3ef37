/**
 * The one owner of each WebAssembly memory's growth: every area kldiv places in a memory
 * (`wasmArray`s, scratch, worker rings, logits row buffers) is allocated and freed here, and
 * nothing else calls `memory.grow`. A first-fit free list per memory over 64-byte aligned
 * blocks; a shared memory never shrinks and its buffer never detaches, so views stay valid
 * after later growth.
 *
 * @module
 */

import { runtime } from '../runtime.js';

/** Block alignment: a cache line, so two areas never share one. */
const ALIGN = 64;
const PAGE = 65536;

export interface Block {
  start: number;
  bytes: number;
}

function freeList(memory: WebAssembly.Memory): Block[] {
  let list = runtime.heap.freeLists.get(memory);
  if (list === undefined) {
    list = [];
    runtime.heap.freeLists.set(memory, list);
  }
  return list;
}

/** Bytes a request of `bytes` occupies: at least one aligned block. */
function blockBytes(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

/** Inserts a block into a free list, merged with free neighbours. */
function insert(free: Block[], start: number, bytes: number): void {
  let i = 0;
  while (i < free.length && free[i].start < start) i++;
  const prev = free[i - 1];
  const next = free[i];
  if (prev !== undefined && prev.start + prev.bytes === start) {
    prev.bytes += bytes;
    if (next !== undefined && prev.start + prev.bytes === next.start) {
      prev.bytes += next.bytes;
      free.splice(i, 1);
    }
  } else if (next !== undefined && start + bytes === next.start) {
    next.start = start;
    next.bytes += bytes;
  } else {
    free.splice(i, 0, { start, bytes });
  }
}

/**
 * @internal Byte address of a new area of `bytes` bytes (64-byte aligned) in `memory`, growing
 * it when no free block fits: only by what a free block at its end lacks. The area holds
 * whatever it held before. Throws the `RangeError` of `memory.grow` when the memory is full.
 */
export function allocate(memory: WebAssembly.Memory, bytes: number): number {
  const size = blockBytes(bytes);
  const free = freeList(memory);
  let i = free.findIndex((b) => b.bytes >= size);
  if (i < 0) {
    const end = memory.buffer.byteLength;
    const last = free[free.length - 1];
    const tail = last !== undefined && last.start + last.bytes === end ? last.bytes : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    insert(free, memory.grow(pages) * PAGE, pages * PAGE);
    i = free.findIndex((b) => b.bytes >= size);
    if (i < 0) {
      // the memory grew elsewhere too: take a fresh area of the whole size
      const more = Math.ceil(size / PAGE);
      insert(free, memory.grow(more) * PAGE, more * PAGE);
      i = free.findIndex((b) => b.bytes >= size);
    }
  }
  const block = free[i];
  const start = block.start;
  if (block.bytes === size) free.splice(i, 1);
  else {
    block.start += size;
    block.bytes -= size;
  }
  return start;
}

/** @internal Returns an area from {@link allocate} (same `bytes`) to its memory's free list. */
export function release(memory: WebAssembly.Memory, start: number, bytes: number): void {
  insert(freeList(memory), start, blockBytes(bytes));
}
