/** Bad-input rows of the accumulators, states and the kernels' setters. */
import * as k from '../../src/index.js';
import * as scipy from '../../src/scipy/index.js';
import type { LibraryRow } from '../error-matrix.js';

const x = [[-1.2, -0.4]];
const y = [[0.3, 0.7]];

export const STREAM_ROWS: LibraryRow[] = [
  // streaming: options and states
  {
    input: 'new KLAccumulator({ logtarget: true })',
    run: () => new k.KLAccumulator({ logtarget: true } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "KLAccumulator: unknown option 'logtarget'. Did you mean 'logTarget'?",
  },
  {
    input: "new LogitsKLAccumulator({ reduction: 'sum' })",
    run: () => new k.LogitsKLAccumulator({ reduction: 'sum' } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "LogitsKLAccumulator: unknown option 'reduction'.",
  },
  {
    input: "acc.result('tokenmean') of a KLAccumulator",
    run: () => new k.KLAccumulator().result('tokenmean' as never),
    code: 'E_INVALID_REDUCTION',
    message:
      "result: argument 'reduction' must be one of 'sum', 'mean', 'batchmean'; received 'tokenmean'.",
  },
  {
    input: 'acc.merge({ ...state, sum: null }) (JSON of a bare Infinity)',
    run: () =>
      new k.KLAccumulator().merge({ ...new k.KLAccumulator().state(), sum: null } as never),
    code: 'E_INVALID_STATE',
    message: "merge: argument 'other.sum' must be a number or 'inf', '-inf', 'nan'; received null.",
  },
  {
    input: 'acc.merge(a state without version)',
    run: () => {
      const { version: _, ...old } = new k.KLAccumulator().state();
      return new k.KLAccumulator().merge(old as never);
    },
    code: 'E_INVALID_STATE',
    message: "merge: argument 'other.version' must be 1",
  },
  {
    input: 'KLAccumulator.merge(LogitsKLAccumulator state)',
    run: () => new k.KLAccumulator().merge(new k.LogitsKLAccumulator().state()),
    code: 'E_INVALID_STATE',
    message:
      "merge: argument 'other.kind' must be 'klDiv', this accumulator's kind; received 'klDivWithLogits'.",
  },
  {
    input: 'acc.merge({ ...state, elements: -1 })',
    run: () => new k.KLAccumulator().merge({ ...new k.KLAccumulator().state(), elements: -1 }),
    code: 'E_INVALID_STATE',
    message: "merge: argument 'other.elements' must be a non-negative integer; received -1.",
  },
  {
    input: 'setNumThreads(0)',
    run: () => k.setNumThreads(0),
    code: 'E_OPTION_RANGE',
    message: "setNumThreads: argument 'n' must be an integer from 1 to 256; received 0.",
  },
  {
    input: 'setNumThreads(1.5)',
    run: () => k.setNumThreads(1.5),
    code: 'E_OPTION_TYPE',
    message: "setNumThreads: argument 'n' must be an integer from 1 to 256; received 1.5.",
  },
  {
    input: "setBackend('gpu')",
    run: () => k.setBackend('gpu' as never),
    code: 'E_OPTION_RANGE',
    message: "setBackend: argument 'backend' must be 'wasm' or 'js'; received 'gpu'.",
  },
  {
    input: 'klDivBackward(x, y, { out: { gradInput: new Float64Array(2) } })',
    run: () => k.klDivBackward(x, y, { out: { gradInput: new Float64Array(2) } }),
    code: 'E_OUT_BUFFER',
    message:
      "klDivBackward: option 'out.gradInput' must be a Float32Array of 2 elements (the float32 gradient of shape [1, 2]); received Float64Array(2).",
  },
  {
    input: 'klDivBackward(xs, ys, { out: { gradInput: xs } })',
    run: () => {
      const xs = new Float32Array([-1.2, -0.4]);
      return k.klDivBackward(xs, new Float32Array([0.3, 0.7]), { out: { gradInput: xs } });
    },
    code: 'E_OUT_BUFFER',
    message:
      "klDivBackward: option 'out.gradInput' must not share memory with the inputs, gradOutput or the other gradient buffer; received Float32Array(2).",
  },
  {
    input: 'klDivBackward(x, y, { gradTarget: false, out: { gradTarget } })',
    run: () =>
      k.klDivBackward(x, y, { gradTarget: false, out: { gradTarget: new Float32Array(2) } }),
    code: 'E_OUT_BUFFER',
    message:
      "klDivBackward: option 'out.gradTarget' is given but option 'gradTarget' is false: no target gradient is computed.",
  },
  {
    input: 'klDivWithLogitsBackward(s, t, { gradTeacher: false, out: { gradTeacher } })',
    run: () =>
      k.klDivWithLogitsBackward(x, y, {
        gradTeacher: false,
        out: { gradTeacher: new Float32Array(2) },
      }),
    code: 'E_OUT_BUFFER',
    message:
      "klDivWithLogitsBackward: option 'out.gradTeacher' is given but option 'gradTeacher' is false: no teacher gradient is computed.",
  },
  {
    input: 'wasmArray(-1)',
    run: () => k.wasmArray(-1),
    code: 'E_OPTION_RANGE',
    message: "wasmArray: argument 'length' must be a non-negative integer; received -1.",
  },
  {
    input: "wasmArray(4, 'int32')",
    run: () => k.wasmArray(4, 'int32' as never),
    code: 'E_INVALID_DTYPE',
    message: "wasmArray: argument 'dtype' must be 'float32' or 'float64'; received 'int32'.",
  },
  {
    input: 'wasmArray(2 ** 29) (2 GiB)',
    run: () => k.wasmArray(2 ** 29),
    code: 'E_OUT_OF_MEMORY',
    message:
      "wasmArray: cannot allocate 536870912 float32 elements (2147483648 bytes): kldiv's WebAssembly memory is full (1 GiB)",
  },
  {
    input: 'freeWasmArray(new Float32Array(4))',
    run: () => k.freeWasmArray(new Float32Array(4)),
    code: 'E_INVALID_FREE',
    message:
      "freeWasmArray: argument 'array' must be an array returned by wasmArray and not yet freed; received Float32Array(4).",
  },
  {
    input: "setPrintOptions({ precision: '4' })",
    run: () => k.setPrintOptions({ precision: '4' as never }),
    code: 'E_OPTION_TYPE',
    message: "setPrintOptions: option 'precision' must be a non-negative integer; received '4'.",
  },
  {
    input: 'setPrintOptions({ precision: -1 })',
    run: () => k.setPrintOptions({ precision: -1 }),
    code: 'E_OPTION_RANGE',
    message: "setPrintOptions: option 'precision' must be a non-negative integer; received -1.",
  },
  {
    input: "setWarningHandler('log')",
    run: () => k.setWarningHandler('log' as never),
    code: 'E_OPTION_TYPE',
    message: "setWarningHandler: argument 'fn' must be a function or null; received 'log'.",
  },
  {
    input: 'scipy entropy(p, q, { base: 1 })',
    run: () => scipy.entropy([1, 2], [2, 1], { base: 1 }),
    code: 'E_OPTION_RANGE',
    message: "entropy: option 'base' must be a finite number > 0 other than 1; received 1.",
  },
  {
    input: 'scipy entropy(p, null, { base: NaN })',
    run: () => scipy.entropy([1, 2], null, { base: Number.NaN }),
    code: 'E_OPTION_RANGE',
    message: "entropy: option 'base' must be a finite number > 0 other than 1; received NaN.",
  },
  {
    input: 'scipy jensenShannon(p, q, { base: -2 })',
    run: () => scipy.jensenShannon([1, 2], [2, 1], { base: -2 }),
    code: 'E_OPTION_RANGE',
    message: "jensenShannon: option 'base' must be a finite number > 0 other than 1; received -2.",
  },
  {
    input: 'scipy entropy(p, null, { axis: 3 }) for 1-d p',
    run: () => scipy.entropy([1, 2], null, { axis: 3 }),
    code: 'E_INVALID_DIM',
    message: 'entropy: axis 3 is out of bounds for array of dimension 1.',
  },
  {
    input: 'scipy relEntr([1, 2], [1, 2, 3])',
    run: () => scipy.relEntr([1, 2], [1, 2, 3]),
    code: 'E_BROADCAST',
    message: 'relEntr: The size of tensor a (2) must match the size of tensor b (3)',
  },
];
