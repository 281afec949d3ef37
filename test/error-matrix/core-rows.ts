/** Bad-input rows of the core functions: types and data, other libraries' tensors, shapes and sizes, options. */
import * as k from '../../src/index.js';
import type { LibraryRow } from '../error-matrix.js';

const x = [[-1.2, -0.4]];
const y = [[0.3, 0.7]];
const huge = [2 ** 20, 2 ** 20, 2 ** 20];

export const CORE_ROWS: LibraryRow[] = [
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
];
