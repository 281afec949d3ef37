/** Bad-input rows of kldiv/report and kldiv/samples. */
import * as report from '../../src/report/index.js';
import * as samples from '../../src/samples/index.js';
import type { LibraryRow } from '../error-matrix.js';

export const SUBPATH_ROWS: LibraryRow[] = [
  // kldiv/report
  {
    input: 'new LogitsReport().add([[NaN, 0]], [[0, 0]])',
    run: () => new report.LogitsReport().add([[Number.NaN, 0]], [[0, 0]]),
    code: 'E_NON_FINITE',
    message: "LogitsReport.add: argument 'base' row 0 contains NaN at vocab index 0",
  },
  {
    input: 'new LogitsReport().add(base, compare, { tokens: [2] }) (vocab 2)',
    run: () => new report.LogitsReport().add([[0, 1]], [[0, 1]], { tokens: [2] }),
    code: 'E_OPTION_RANGE',
    message: "LogitsReport.add: option 'tokens' must hold integer ids in [0, 2)",
  },
  {
    input: 'LogitsReport.fromState({ ...state, version: 2 })',
    run: () =>
      report.LogitsReport.fromState({ ...new report.LogitsReport().state(), version: 2 } as never),
    code: 'E_INVALID_STATE',
    message: "LogitsReport.fromState: argument 'state.version' must be 1",
  },
  // kldiv/samples: continuous estimators
  {
    input: 'knnKLDivergence([[0, 0], [0, 0], [1, 1]], [[2, 2]])',
    run: () =>
      samples.knnKLDivergence(
        [
          [0, 0],
          [0, 0],
          [1, 1],
        ],
        [[2, 2]],
      ),
    code: 'E_DUPLICATE_SAMPLES',
    message: 'knnKLDivergence: x[0] and x[1] are the same point',
  },
  {
    input: 'knnKLDivergence([0, NaN], [1])',
    run: () => samples.knnKLDivergence([0, Number.NaN], [1]),
    code: 'E_NON_FINITE',
    message: "knnKLDivergence: argument 'x' element 1 is NaN",
  },
  {
    input: 'knnKLDivergence([0, 1, 2], [1, 2], { k: 3 })',
    run: () => samples.knnKLDivergence([0, 1, 2], [1, 2], { k: 3 }),
    code: 'E_OPTION_RANGE',
    message: "knnKLDivergence: option 'k' must be at most n - 1 = 2",
  },
  {
    input: 'perezCruzKLDivergence([0, 1, 1], [0.5])',
    run: () => samples.perezCruzKLDivergence([0, 1, 1], [0.5]),
    code: 'E_DUPLICATE_SAMPLES',
    message: 'perezCruzKLDivergence: x[1] and x[2] are equal',
  },
  {
    input: 'bootstrapInterval(() => NaN, [3])',
    run: () => samples.bootstrapInterval(() => Number.NaN, [3]),
    code: 'E_NON_FINITE',
    message: 'bootstrapInterval: the statistic returned NaN on bootstrap replicate 0',
  },
  // kldiv/samples: counts and binned measures
  {
    input: 'entropyFromCounts([2 ** 31, 1], { bootstrap: true })',
    run: () => samples.entropyFromCounts([2 ** 31, 1], { bootstrap: true }),
    code: 'E_INVALID_DATA',
    message:
      "entropyFromCounts: option 'bootstrap' resamples at most 2^31 - 1 observations per sample",
  },
  {
    input: 'klDivergenceFromCounts([1, 2], [1, 2, 3])',
    run: () => samples.klDivergenceFromCounts([1, 2], [1, 2, 3]),
    code: 'E_SHAPE_MISMATCH',
    message: 'klDivergenceFromCounts: arguments',
  },
  {
    input: 'entropyFromCounts([1, NaN])',
    run: () => samples.entropyFromCounts([1, Number.NaN]),
    code: 'E_NON_FINITE',
    message: 'entropyFromCounts: argument',
  },
  {
    input: 'entropyFromCounts([1, -2])',
    run: () => samples.entropyFromCounts([1, -2]),
    code: 'E_INVALID_DATA',
    message: 'entropyFromCounts: argument',
  },
  {
    input: "binnedDivergence(a, b, { measure: 'wasserstein' })",
    run: () => samples.binnedDivergence([1, 2, 3], [1, 2, 3], { measure: 'wasserstein' as never }),
    code: 'E_OPTION_RANGE',
    message: "binnedDivergence: option 'measure' must be one of",
  },
  {
    input: "binnedDivergence(a, b, { measure: 'js', epsilon: 1e-4 })",
    run: () => samples.binnedDivergence([1, 2, 3], [1, 2, 3], { measure: 'js', epsilon: 1e-4 }),
    code: 'E_OPTION_RANGE',
    message: "binnedDivergence: option 'epsilon' applies to measure 'kl' or 'psi' only",
  },
];
