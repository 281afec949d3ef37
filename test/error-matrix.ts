/**
 * The bad-input matrix of docs/errors.md: every row is an input, the error code it gets and
 * the start of the message (PyTorch's wording where PyTorch has one). test/error-matrix.test.ts
 * runs every row and checks that the table in docs/errors.md lists exactly these rows.
 */
import * as D from '../src/distributions/index.js';
import * as k from '../src/index.js';
import * as scipy from '../src/scipy/index.js';

export interface LibraryRow {
  input: string;
  run: () => unknown;
  code: string;
  message: string;
}

export interface CliRow {
  input: string;
  /** Arguments; `{dir}` is replaced by a directory holding the test files. */
  args: string[];
  code: 'exit 2';
  message: string;
}

const x = [[-1.2, -0.4]];
const y = [[0.3, 0.7]];
const huge = [2 ** 20, 2 ** 20, 2 ** 20];

export const LIBRARY_ROWS: LibraryRow[] = [
  // types and data
  {
    input: "klDiv('abc', y)",
    run: () => k.klDiv('abc' as never, y),
    code: 'E_INVALID_DATA',
    message: "klDiv: argument 'input' must be a Tensor, a number, nested arrays of numbers",
  },
  {
    input: 'klDiv(x, { a: 1 })',
    run: () => k.klDiv(x, { a: 1 } as never),
    code: 'E_INVALID_DATA',
    message: "klDiv: argument 'target' must be a Tensor",
  },
  {
    input: 'klDiv([[1, "2"]], y)',
    run: () => k.klDiv([[1, '2']] as never, y),
    code: 'E_INVALID_DATA',
    message: "klDiv: argument 'input' must hold only numbers; received '2' at input[0][1].",
  },
  {
    input: 'klDiv(new Uint8Array(2), y)',
    run: () => k.klDiv(new Uint8Array(2) as never, y),
    code: 'E_INVALID_DATA',
    message: 'convert other typed arrays with Float32Array.from',
  },
  {
    input: 'klDiv([[1, 2], [3]], y)',
    run: () => k.klDiv([[1, 2], [3]], y),
    code: 'E_RAGGED',
    message: "klDiv: argument 'input' is ragged",
  },
  {
    input: 'klDiv(null, y)',
    run: () => k.klDiv(null as never, y),
    code: 'E_INVALID_DATA',
    message: "klDiv: argument 'input' must be a Tensor",
  },
  // other libraries' tensors (duck-typed: objects shaped like theirs)
  {
    input: "klDiv({ data: BigInt64Array, dims: [2], type: 'int64' }, y)",
    run: () => k.klDiv({ data: new BigInt64Array(2), dims: [2], type: 'int64' }, y),
    code: 'E_INVALID_DTYPE',
    message:
      "klDiv: argument 'input' is an onnxruntime-style tensor ({ data, dims, type }) of type 'int64'; kldiv reads 'float32', 'float64' and 'int32'",
  },
  {
    input: "klDiv(onnxruntime tensor with location 'gpu-buffer', y)",
    run: () => k.klDiv({ data: null, dims: [2], type: 'float32', location: 'gpu-buffer' }, y),
    code: 'E_INVALID_DATA',
    message: "whose data is on 'gpu-buffer', not the CPU; download it first",
  },
  {
    input: "klDiv({ data: new Float32Array(5), dims: [2, 3], type: 'float32' }, y)",
    run: () => k.klDiv({ data: new Float32Array(5), dims: [2, 3], type: 'float32' }, y),
    code: 'E_DATA_LENGTH',
    message: 'klDiv: dims [2, 3] is invalid for input of size 5',
  },
  {
    input: "klDiv(tf.Tensor of dtype 'bool', y)",
    run: () => k.klDiv({ shape: [2], dtype: 'bool', dataSync: () => new Uint8Array(2) }, y),
    code: 'E_INVALID_DTYPE',
    message: "klDiv: argument 'input' is a tf.Tensor of dtype 'bool'",
  },
  {
    input: 'klDiv(disposed tf.Tensor, y)',
    run: () => k.klDiv({ shape: [2], dtype: 'float32', isDisposed: true, dataSync: () => null }, y),
    code: 'E_INVALID_DATA',
    message: "klDiv: argument 'input' is a tf.Tensor that has been disposed.",
  },
  {
    input: 'klDiv({ data: new Uint8Array(2), shape: [2] }, y)',
    run: () => k.klDiv({ data: new Uint8Array(2), shape: [2] }, y),
    code: 'E_INVALID_DATA',
    message: 'whose data must be a Float32Array / Float64Array / Int32Array or an array of numbers',
  },
  {
    input: 'klDiv({ data: [1, 2], shape: [-2] }, y)',
    run: () => k.klDiv({ data: [1, 2], shape: [-2] }, y),
    code: 'E_INVALID_SHAPE',
    message: 'whose shape must be an array of non-negative integer sizes',
  },
  {
    input: 'klDiv({ data: new Float32Array(6), shape: [2, 3], stride: [3, 1], offset: 1 }, y)',
    run: () => k.klDiv({ data: new Float32Array(6), shape: [2, 3], stride: [3, 1], offset: 1 }, y),
    code: 'E_DATA_LENGTH',
    message: 'stride [3, 1] and offset 1 read indices 1 to 6 of data of size 6',
  },
  {
    input: "tensor([1.5], { dtype: 'int32' })",
    run: () => k.tensor([1.5], { dtype: 'int32' }),
    code: 'E_INVALID_DATA',
    message: "tensor: argument 'value' holds 1.5 at flat index 0, which is not an int32",
  },
  {
    input: "tensor([1], { dtype: 'float16' })",
    run: () => k.tensor([1], { dtype: 'float16' as never }),
    code: 'E_INVALID_DTYPE',
    message: "tensor: dtype must be one of 'float32'",
  },
  {
    input: 'klDiv(int32 tensor, y)',
    run: () => k.klDiv(k.tensor([[1, 2]], { dtype: 'int32' }), y),
    code: 'E_INTEGRAL_INPUT',
    message: 'klDiv: kl_div: Integral inputs not supported.',
  },
  // shapes and sizes
  {
    input: 'tensor([1, 2, 3], { shape: [2] })',
    run: () => k.tensor([1, 2, 3], { shape: [2] }),
    code: 'E_DATA_LENGTH',
    message: 'tensor: shape [2] is invalid for input of size 3',
  },
  {
    input: 'tensor([1], { shape: [-1] })',
    run: () => k.tensor([1], { shape: [-1] }),
    code: 'E_INVALID_SHAPE',
    message: "tensor: argument 'shape' must hold non-negative integer sizes",
  },
  {
    input: 'tensor([1], { shape: [0.5] })',
    run: () => k.tensor([1], { shape: [0.5] }),
    code: 'E_INVALID_SHAPE',
    message: "tensor: argument 'shape' must hold non-negative integer sizes",
  },
  {
    input: "tensor([1], { shape: 'x' })",
    run: () => k.tensor([1], { shape: 'x' as never }),
    code: 'E_INVALID_SHAPE',
    message: "tensor: argument 'shape' must be an array of sizes",
  },
  {
    input: 'tensor(new Float32Array(1), { shape: [2 ** 20, 2 ** 20, 2 ** 20] })',
    run: () => k.tensor(new Float32Array(1), { shape: huge }),
    code: 'E_TOO_LARGE',
    message: 'more than the 4294967295 a typed array can hold',
  },
  {
    input: "klDiv of [2^17, 1] and [1, 2^16] with reduction 'none'",
    run: () =>
      k.klDiv(
        k.tensor(new Float32Array(2 ** 17), { shape: [2 ** 17, 1] }),
        k.tensor(new Float32Array(2 ** 16), { shape: [1, 2 ** 16] }),
        { reduction: 'none' },
      ),
    code: 'E_TOO_LARGE',
    message: 'more than the 4294967295 a typed array can hold',
  },
  {
    input: 'klDiv([[-1, -2, -3]], [[0.5, 0.5]])',
    run: () => k.klDiv([[-1, -2, -3]], [[0.5, 0.5]], { reduction: 'sum' }),
    code: 'E_BROADCAST',
    message:
      'klDiv: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1',
  },
  {
    input: 'klDivBackward(x, y, {}, gradOutput of shape [2])',
    run: () => k.klDivBackward(x, y, { reduction: 'sum' }, [1, 2]),
    code: 'E_GRAD_SHAPE',
    message: 'klDivBackward: Mismatch in shape: grad_output[0] has a shape of torch.Size([2])',
  },
  {
    input: 'tensor([1, 2]).item()',
    run: () => k.tensor([1, 2]).item(),
    code: 'E_NOT_SCALAR',
    message:
      'only one element tensors can be converted to Python scalars; received a Tensor with 2 elements',
  },
  {
    input: 'klDivWithLogits([[1, 2]], [[1, 2, 3]])',
    run: () => k.klDivWithLogits([[1, 2]], [[1, 2, 3]]),
    code: 'E_SHAPE_MISMATCH',
    message:
      "klDivWithLogits: arguments 'studentLogits' and 'teacherLogits' must have the same shape",
  },
  {
    input: 'klDivWithLogits(s, t, { mask: [1] }) for 2 rows',
    run: () =>
      k.klDivWithLogits(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
        ],
        { mask: [1] },
      ),
    code: 'E_SHAPE_MISMATCH',
    message: "klDivWithLogits: option 'mask' needs one entry per row",
  },
  {
    input: 'klDivWithLogits(s, t, { dim: 2 }) for 2-d logits',
    run: () => k.klDivWithLogits([[1, 2]], [[1, 2]], { dim: 2 }),
    code: 'E_INVALID_DIM',
    message: 'Dimension out of range (expected to be in range of [-2, 1], but got 2)',
  },
  {
    input: 'klDivWithLogits(s, t, { dim: 0.5 })',
    run: () => k.klDivWithLogits([[1, 2]], [[1, 2]], { dim: 0.5 }),
    code: 'E_INVALID_DIM',
    message:
      'klDivWithLogits: Dimension out of range (expected to be in range of [-2, 1], but got 0.5).',
  },
  {
    input: 'klEstimate([1, 2], [1])',
    run: () => k.klEstimate([1, 2], [1]),
    code: 'E_SHAPE_MISMATCH',
    message: "klEstimate: arguments 'logProbP' and 'logProbQ' must have the same shape",
  },
  // options
  {
    input: "klDiv(x, y, { reduction: 'avg' })",
    run: () => k.klDiv(x, y, { reduction: 'avg' as never }),
    code: 'E_INVALID_REDUCTION',
    message: 'klDiv: avg is not a valid value for reduction',
  },
  {
    input: 'klDiv(x, y, { reduction: 3 })',
    run: () => k.klDiv(x, y, { reduction: 3 as never }),
    code: 'E_INVALID_REDUCTION',
    message: 'klDiv: 3 is not a valid value for reduction',
  },
  {
    input: 'klDiv(x, y, { logtarget: true })',
    run: () => k.klDiv(x, y, { logtarget: true } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "klDiv: unknown option 'logtarget'. Did you mean 'logTarget'?",
  },
  {
    input: 'klDiv(x, y, { log_target: true })',
    run: () => k.klDiv(x, y, { log_target: true } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "klDiv: unknown option 'log_target'. Did you mean 'logTarget'?",
  },
  {
    input: 'klDiv(x, y, { size_average: false })',
    run: () => k.klDiv(x, y, { size_average: false } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "Did you mean 'sizeAverage'?",
  },
  {
    input: "klDiv(x, y, { logTarget: 'yes' })",
    run: () => k.klDiv(x, y, { logTarget: 'yes' as never }),
    code: 'E_OPTION_TYPE',
    message: "klDiv: option 'logTarget' must be a boolean; received 'yes'.",
  },
  {
    input: "klDiv(x, y, { reduce: 'no' })",
    run: () => k.klDiv(x, y, { reduce: 'no' as never }),
    code: 'E_OPTION_TYPE',
    message: "klDiv: option 'reduce' must be a boolean or null",
  },
  {
    input: "klDiv(x, y, 'sum')",
    run: () => k.klDiv(x, y, 'sum' as never),
    code: 'E_OPTION_TYPE',
    message: "klDiv: argument 'options' must be an object; received 'sum'.",
  },
  {
    input: "new KLDivLoss({ reduction: 'batch_mean' }).forward(x, y)",
    run: () => new k.KLDivLoss({ reduction: 'batch_mean' as never }).forward(x, y),
    code: 'E_INVALID_REDUCTION',
    message: 'batch_mean is not a valid value for reduction',
  },
  {
    input: 'klDivWithLogits(s, t, { temperature: 0 })',
    run: () => k.klDivWithLogits([[1]], [[1]], { temperature: 0 }),
    code: 'E_OPTION_RANGE',
    message: "klDivWithLogits: option 'temperature' must be a finite number > 0; received 0.",
  },
  {
    input: 'klDivWithLogits(s, t, { temperature: NaN })',
    run: () => k.klDivWithLogits([[1]], [[1]], { temperature: Number.NaN }),
    code: 'E_OPTION_RANGE',
    message: "option 'temperature' must be a finite number > 0; received NaN.",
  },
  {
    input: 'klDivWithLogits(s, t, { temperature: Infinity })',
    run: () => k.klDivWithLogits([[1]], [[1]], { temperature: Number.POSITIVE_INFINITY }),
    code: 'E_OPTION_RANGE',
    message: "option 'temperature' must be a finite number > 0; received Infinity.",
  },
  {
    input: "klDivWithLogits(s, t, { temperature: '2' })",
    run: () => k.klDivWithLogits([[1]], [[1]], { temperature: '2' as never }),
    code: 'E_OPTION_TYPE',
    message: "klDivWithLogits: option 'temperature'",
  },
  {
    input: 'jsDivergence(a, b, { beta: 1.5 })',
    run: () => k.jsDivergence([[-1]], [[-1]], { beta: 1.5 }),
    code: 'E_OPTION_RANGE',
    message: "jsDivergence: option 'beta' must be a number in [0, 1]; received 1.5.",
  },
  {
    input: 'jsDivergence(a, b, { beta: NaN })',
    run: () => k.jsDivergence([[-1]], [[-1]], { beta: Number.NaN }),
    code: 'E_OPTION_RANGE',
    message: "option 'beta' must be a number in [0, 1]; received NaN.",
  },
  {
    input: "klEstimate(p, q, { estimator: 'k4' })",
    run: () => k.klEstimate([-1], [-1], { estimator: 'k4' as never }),
    code: 'E_OPTION_RANGE',
    message: "klEstimate: option 'estimator'",
  },
  {
    input: "klEstimate(p, q, { reduction: 'batchmean' })",
    run: () => k.klEstimate([-1], [-1], { reduction: 'batchmean' as never }),
    code: 'E_INVALID_REDUCTION',
    message:
      "klEstimate: option 'reduction' must be 'none', 'mean' or 'sum'; received 'batchmean'.",
  },
  {
    input: "klDiv(x, y, { reduction: 'tokenmean' })",
    run: () => k.klDiv(x, y, { reduction: 'tokenmean' as never }),
    code: 'E_INVALID_REDUCTION',
    message:
      "klDiv: tokenmean is not a valid value for reduction. Argument 'reduction' must be one of 'none' | 'mean' | 'batchmean' | 'sum'",
  },
  {
    input: "klDivWithLogits(s, t, { reduction: 'avg' })",
    run: () => k.klDivWithLogits(x, x, { reduction: 'avg' as never }),
    code: 'E_INVALID_REDUCTION',
    message: "must be one of 'none' | 'mean' | 'batchmean' | 'sum' | 'tokenmean'",
  },
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
  // distributions
  {
    input: 'new Normal({ loc: 0, scale: -1 })',
    run: () => new D.Normal({ loc: 0, scale: -1 }),
    code: 'E_INVALID_PARAMETER',
    message:
      'Normal: Expected parameter scale (Tensor of shape []) of distribution Normal to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values: -1.',
  },
  {
    input: 'new Normal({ loc: NaN, scale: 1 })',
    run: () => new D.Normal({ loc: Number.NaN, scale: 1 }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint Real()',
  },
  {
    input: 'new Bernoulli({ probs: 1.5 })',
    run: () => new D.Bernoulli({ probs: 1.5 }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0)',
  },
  {
    input: 'new Bernoulli({ probs: 0.5, logits: 0 })',
    run: () => new D.Bernoulli({ probs: 0.5, logits: 0 }),
    code: 'E_INVALID_PARAMETER',
    message: 'Bernoulli: Either `probs` or `logits` must be specified, but not both',
  },
  {
    input: 'new Categorical({})',
    run: () => new D.Categorical({}),
    code: 'E_MISSING_PARAMETER',
    message: 'Categorical: Either `probs` or `logits` must be specified',
  },
  {
    input: 'new Normal({ loc: 0 })',
    run: () => new D.Normal({ loc: 0 } as never),
    code: 'E_MISSING_PARAMETER',
    message: "Normal: missing required parameter 'scale'.",
  },
  {
    input: 'new Normal({ loc: 0, sigma: 1 })',
    run: () => new D.Normal({ loc: 0, sigma: 1 } as never),
    code: 'E_UNKNOWN_OPTION',
    message: "Normal: unknown option 'sigma'",
  },
  {
    input: 'new Binomial({ totalCount: -1, probs: 0.5 })',
    run: () => new D.Binomial({ totalCount: -1, probs: 0.5 }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint IntegerGreaterThan(lower_bound=0)',
  },
  {
    input: 'new Uniform({ low: 1, high: 0 })',
    run: () => new D.Uniform({ low: 1, high: 0 }),
    code: 'E_INVALID_PARAMETER',
    message: 'Uniform: Uniform is not defined when low>= high',
  },
  {
    input: 'new MultivariateNormal({ loc: [0, 0], covarianceMatrix: [[1, 2], [2, 1]] })',
    run: () =>
      new D.MultivariateNormal({
        loc: [0, 0],
        covarianceMatrix: [
          [1, 2],
          [2, 1],
        ],
      }),
    code: 'E_INVALID_PARAMETER',
    message: 'to satisfy the constraint PositiveDefinite()',
  },
  {
    input: 'new MultivariateNormal({ loc: [0], covarianceMatrix: [[1]], scaleTril: [[1]] })',
    run: () => new D.MultivariateNormal({ loc: [0], covarianceMatrix: [[1]], scaleTril: [[1]] }),
    code: 'E_INVALID_PARAMETER',
    message: 'Exactly one of covarianceMatrix or precisionMatrix or scaleTril may be specified',
  },
  {
    input: 'new Dirichlet({ concentration: 1 })',
    run: () => new D.Dirichlet({ concentration: 1 }),
    code: 'E_INVALID_SHAPE',
    message: 'Dirichlet: concentration must be at least one-dimensional',
  },
  {
    input: 'new Exponential({ rate: 1 }).logProb(-1)',
    run: () => new D.Exponential({ rate: 1 }).logProb(-1),
    code: 'E_OUT_OF_SUPPORT',
    message:
      'Exponential.logProb: Expected value argument (Tensor of shape []) to be within the support (GreaterThanEq(lower_bound=0.0))',
  },
  {
    input: 'Normal(batch [3]).logProb([0, 1])',
    run: () => new D.Normal({ loc: [0, 1, 2], scale: 1 }).logProb([0, 1]),
    code: 'E_BROADCAST',
    message: 'Value is not broadcastable with batch_shape+event_shape',
  },
  {
    input: 'Normal.sample([-1])',
    run: () => new D.Normal({ loc: 0, scale: 1 }).sample([-1]),
    code: 'E_INVALID_SHAPE',
    message:
      "Normal.sample: argument 'sampleShape' must hold non-negative integer sizes; received -1",
  },
  {
    input: 'Normal.sample([2], { rng: Math.random })',
    run: () => new D.Normal({ loc: 0, scale: 1 }).sample([2], { rng: Math.random as never }),
    code: 'E_OPTION_TYPE',
    message: "Normal.sample: option 'rng' must be a RandomGenerator",
  },
  {
    input: 'new RandomGenerator(1.5)',
    run: () => new D.RandomGenerator(1.5),
    code: 'E_OPTION_TYPE',
    message: "RandomGenerator: argument 'seed' must be a safe integer",
  },
  {
    input: 'klDivergence(Normal, Categorical)',
    run: () =>
      D.klDivergence(new D.Normal({ loc: 0, scale: 1 }), new D.Categorical({ probs: [1, 1] })),
    code: 'E_NOT_IMPLEMENTED',
    message: 'klDivergence: No KL(p || q) is implemented for p type Normal and q type Categorical',
  },
  {
    input: 'klDivergence(Binomial n=10, Binomial n=12)',
    run: () =>
      D.klDivergence(
        new D.Binomial({ totalCount: 10, probs: 0.5 }),
        new D.Binomial({ totalCount: 12, probs: 0.5 }),
      ),
    code: 'E_NOT_IMPLEMENTED',
    message: 'KL between Binomials where q.total_count > p.total_count is not implemented',
  },
  {
    input: 'klDivergence(Normal, Poisson)',
    run: () => D.klDivergence(new D.Normal({ loc: 0, scale: 1 }), new D.Poisson({ rate: 1 })),
    code: 'E_NOT_IMPLEMENTED',
    message:
      'The cross KL-divergence between different exponential families cannot be computed using Bregman divergences',
  },
  {
    input: 'new Poisson({ rate: 1 }).entropy()',
    run: () => new D.Poisson({ rate: 1 }).entropy(),
    code: 'E_NOT_IMPLEMENTED',
    message: 'Poisson.entropy: Poisson does not implement entropy().',
  },
  {
    input: 'klDivergenceMonteCarlo(p, q, { samples: 1 })',
    run: () =>
      D.klDivergenceMonteCarlo(
        new D.Normal({ loc: 0, scale: 1 }),
        new D.Normal({ loc: 0, scale: 1 }),
        { samples: 1 },
      ),
    code: 'E_OPTION_RANGE',
    message: "klDivergenceMonteCarlo: option 'samples' must be an integer in [2, 1e9]",
  },
];

export const CLI_ROWS: CliRow[] = [
  {
    input: 'kldiv logits missing.npy b.npy',
    args: ['logits', '{dir}/missing.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: 'kldiv: {dir}/missing.npy: no such file',
  },
  {
    input: 'kldiv logits truncated.npy b.npy',
    args: ['logits', '{dir}/truncated.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message:
      'kldiv: {dir}/truncated.npy: truncated: the header declares shape [10, 10] float32 (400 bytes of data) but the file holds',
  },
  {
    input: 'kldiv logits ints.npy b.npy (int32 data)',
    args: ['logits', '{dir}/ints.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: "kldiv: {dir}/ints.npy: unsupported dtype '<i4'",
  },
  {
    input: 'kldiv logits notnpy.npy b.npy (no magic string)',
    args: ['logits', '{dir}/notnpy.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: 'kldiv: {dir}/notnpy.npy: not a .npy file',
  },
  {
    input: 'kldiv loss ragged.csv ragged.csv',
    args: ['loss', '{dir}/ragged.csv', '{dir}/ragged.csv'],
    code: 'exit 2',
    message: 'kldiv: {dir}/ragged.csv: ragged: line 2 has 2 fields, expected 3',
  },
  {
    input: 'kldiv loss bad.json bad.json (invalid JSON)',
    args: ['loss', '{dir}/bad.json', '{dir}/bad.json'],
    code: 'exit 2',
    message: 'kldiv: {dir}/bad.json: invalid JSON',
  },
  {
    input: 'kldiv logits a.npy b.npy (different shapes)',
    args: ['logits', '{dir}/a.npy', '{dir}/b.npy'],
    code: 'exit 2',
    message: 'kldiv: {dir}/a.npy and {dir}/b.npy: shapes [2, 3] and [2, 2] differ',
  },
  {
    input: 'kldiv logits b.npy b.npy --out /no/such/dir/x.csv',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--out', '{dir}/no/such/x.csv'],
    code: 'exit 2',
    message: 'kldiv: {dir}/no/such/x.csv: cannot write: no such file',
  },
  {
    input: 'kldiv logits b.npy b.npy --temperature 0',
    args: ['logits', '{dir}/b.npy', '{dir}/b.npy', '--temperature', '0'],
    code: 'exit 2',
    message: "error: option '--temperature <t>' argument '0' is invalid",
  },
  {
    input: 'kldiv loss a.csv b.csv --reduction avg',
    args: ['loss', '{dir}/ragged.csv', '{dir}/ragged.csv', '--reduction', 'avg'],
    code: 'exit 2',
    message: "error: option '--reduction <r>' argument 'avg' is invalid",
  },
  {
    input: 'kldiv dist p.csv --base 1',
    args: ['dist', '{dir}/p.csv', '--base', '1'],
    code: 'exit 2',
    message: "error: option '--base <b>' argument '1' is invalid",
  },
  {
    input: 'kldiv frobnicate',
    args: ['frobnicate'],
    code: 'exit 2',
    message: "error: unknown command 'frobnicate'",
  },
];
