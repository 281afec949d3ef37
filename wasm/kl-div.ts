// kldiv WebAssembly SIMD128 kernels (AssemblyScript): the module's entry, which names each
// generic kernel's float32 and float64 instances. Built by wasm/build.mjs into
// src/kernels/wasm/kldiv.wasm and kldiv-shared.wasm; src/kernels/wasm/abi.ts lists these
// exports, and a test checks the module against it.
//
// Same contracts as src/kernels/js/kl-div.ts, on contiguous runs in linear memory:
//   klSum{F32,F64}(n, px, py, logTarget): f64             sum of the pointwise losses (sum.ts)
//   klSumChunks{F32,F64}(n, chunk, px, py, logTarget, pSums)   klSum of each chunk (sum.ts)
//   klPointwise{F32,F64}(n, px, py, pout, logTarget, divisor)   out = l / divisor (pointwise.ts)
//   klBackward{F32,F64}(n, pg, gStride, px, py, pgx, pgy, logTarget, divisor, gradTarget): f64
//     (backward.ts; gradTarget false: gx only, nothing written at pgy)
//   logitsRow{Forward,Backward}{F32,F64}: one row of fused log-softmax + KL (logits-rows.ts;
//     the backward's last argument false: the student's gradient only, pgt is scratch)
//
// Each kernel is one generic body in the lane type T; the dtypes differ only in compile-time
// branches on sizeof<T>() (lane count, the float32 widening of losses to float64 before they are
// summed, and the exp / log polynomials of exp.ts, log.ts and log-f32.ts).

import { klBackward } from './backward';
import { logitsRowBackward, logitsRowForward } from './logits-rows';
import { klPointwise } from './pointwise';
import { klSum, klSumChunks } from './sum';

export function klSumF32(n: i32, px: usize, py: usize, logTarget: bool): f64 {
  return klSum<f32>(n, px, py, logTarget);
}

export function klSumF64(n: i32, px: usize, py: usize, logTarget: bool): f64 {
  return klSum<f64>(n, px, py, logTarget);
}

export function klSumChunksF32(
  n: i32,
  chunk: i32,
  px: usize,
  py: usize,
  logTarget: bool,
  pSums: usize,
): void {
  klSumChunks<f32>(n, chunk, px, py, logTarget, pSums);
}

export function klSumChunksF64(
  n: i32,
  chunk: i32,
  px: usize,
  py: usize,
  logTarget: bool,
  pSums: usize,
): void {
  klSumChunks<f64>(n, chunk, px, py, logTarget, pSums);
}

export function klPointwiseF32(
  n: i32,
  px: usize,
  py: usize,
  pout: usize,
  logTarget: bool,
  divisor: f64,
): void {
  klPointwise<f32>(n, px, py, pout, logTarget, divisor);
}

export function klPointwiseF64(
  n: i32,
  px: usize,
  py: usize,
  pout: usize,
  logTarget: bool,
  divisor: f64,
): void {
  klPointwise<f64>(n, px, py, pout, logTarget, divisor);
}

export function klBackwardF32(
  n: i32,
  pg: usize,
  gStride: i32,
  px: usize,
  py: usize,
  pgx: usize,
  pgy: usize,
  logTarget: bool,
  divisor: f64,
  gradTarget: bool,
): f64 {
  return klBackward<f32>(n, pg, gStride, px, py, pgx, pgy, logTarget, divisor, gradTarget);
}

export function klBackwardF64(
  n: i32,
  pg: usize,
  gStride: i32,
  px: usize,
  py: usize,
  pgx: usize,
  pgy: usize,
  logTarget: bool,
  divisor: f64,
  gradTarget: bool,
): f64 {
  return klBackward<f64>(n, pg, gStride, px, py, pgx, pgy, logTarget, divisor, gradTarget);
}

export function logitsRowForwardF32(
  V: i32,
  ps: usize,
  pt: usize,
  pes: usize,
  pet: usize,
  k: f32,
  pout: usize,
  scale: f32,
): f64 {
  return logitsRowForward<f32>(V, ps, pt, pes, pet, k, pout, scale);
}

export function logitsRowForwardF64(
  V: i32,
  ps: usize,
  pt: usize,
  pes: usize,
  pet: usize,
  k: f64,
  pout: usize,
  scale: f64,
): f64 {
  return logitsRowForward<f64>(V, ps, pt, pes, pet, k, pout, scale);
}

export function logitsRowBackwardF32(
  V: i32,
  ps: usize,
  pt: usize,
  k: f32,
  pg: usize,
  gStride: i32,
  coef: f32,
  pgs: usize,
  pgt: usize,
  teacher: bool,
): f64 {
  return logitsRowBackward<f32>(V, ps, pt, k, pg, gStride, coef, pgs, pgt, teacher);
}

export function logitsRowBackwardF64(
  V: i32,
  ps: usize,
  pt: usize,
  k: f64,
  pg: usize,
  gStride: i32,
  coef: f64,
  pgs: usize,
  pgt: usize,
  teacher: bool,
): f64 {
  return logitsRowBackward<f64>(V, ps, pt, k, pg, gStride, coef, pgs, pgt, teacher);
}
