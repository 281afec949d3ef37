/**
 * kldiv: PyTorch's `F.kl_div` / `nn.KLDivLoss` for JavaScript, exact to PyTorch, with
 * gradients and PyTorch-identical printing.
 *
 * @module kldiv
 */

export type {
  ErrorClassName,
  ErrorCode,
  ErrorCodeOf,
  ErrorTableRow,
  KLDivErrorDetails,
  KLDivErrorDetailsOf,
  TorchErrorType,
} from './errors.js';
export {
  ArgumentError,
  DTypeError,
  ERROR_TABLE,
  KLDivError,
  NotImplementedError,
  ShapeError,
} from './errors.js';
export type {
  JSDivergenceOptions,
  JSDivergenceWithLogitsOptions,
} from './functional/js-divergence.js';
export {
  jsDivergence,
  jsDivergenceBackward,
  jsDivergenceWithLogits,
  jsDivergenceWithLogitsBackward,
} from './functional/js-divergence.js';
export { klDiv } from './functional/kl-div.js';
export type { KLDivOptions } from './functional/kl-div-args.js';
export type { KLDivBackwardOptions, KLDivGradients } from './functional/kl-div-backward.js';
export { klDivBackward } from './functional/kl-div-backward.js';
export type {
  KLDivWithLogitsBackwardOptions,
  KLDivWithLogitsGradients,
  KLDivWithLogitsOptions,
} from './functional/kl-div-with-logits.js';
export { klDivWithLogits, klDivWithLogitsBackward } from './functional/kl-div-with-logits.js';
export type { KLEstimateOptions, KLEstimator } from './functional/kl-estimate.js';
export { klEstimate, klEstimateBackward } from './functional/kl-estimate.js';
export type { RowMask } from './functional/logits-args.js';
export type { Backend } from './kernels/dispatch.js';
export {
  getBackend,
  getNumThreads,
  initThreads,
  PARALLEL_THRESHOLD,
  setBackend,
  setNumThreads,
} from './kernels/dispatch.js';
export { terminateThreads } from './kernels/threads/pool.js';
export type { WasmArrayDType } from './kernels/wasm/heap.js';
export { freeWasmArray, wasmArray } from './kernels/wasm/heap.js';
export { initWasm } from './kernels/wasm/instance.js';
export { KLDivLoss } from './modules/kl-div-loss.js';
export type {
  BaseReduction,
  LogitsReduction,
  Reduction,
  ReductionOption,
  ReductionOptions,
} from './reduction.js';
export { legacyGetString } from './reduction.js';
export type {
  AccumulatedReduction,
  AccumulatorState,
  JsonFloat,
  LogitsKLAccumulatorOptions,
} from './stream/kl-accumulator.js';
export { KLAccumulator, LogitsKLAccumulator } from './stream/kl-accumulator.js';
export type { DataFor, DType, FloatArray, FloatDType, TensorData } from './tensor/dtype.js';
export type { PrintOptions, SetPrintOptions } from './tensor/format.js';
export { setPrintOptions } from './tensor/format.js';
export type { NdarrayLike, OrtTensorLike, TfTensorLike } from './tensor/interop.js';
export type { NestedArray } from './tensor/nested.js';
export type { TensorLike, TensorOptions } from './tensor/tensor.js';
export { Tensor, tensor } from './tensor/tensor.js';
export type { KLDivWarning, WarningCode, WarningHandler } from './warnings.js';
export { setWarningHandler } from './warnings.js';
