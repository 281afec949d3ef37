/**
 * `kldiv logits`: the model-comparison report (kldiv/report's LogitsReport) of two logits files,
 * read in chunks, on worker threads for large files; with the state, CSV and plots on request.
 *
 * Only the readers load before the workers start: kldiv, kldiv/report and the outputs are
 * imported after, while the workers start (on 2 cores, that is ~40 ms less before the first
 * row is computed).
 */
import { availableParallelism } from 'node:os';
import type { LogitsReport } from 'kldiv/report';
import { CliError } from '../errors.js';
import { bothFiles, type LogitsInputs, openInputs } from '../logits/inputs.js';
import type { OutputOptions } from '../logits/outputs.js';
import type { ReportSettings } from '../logits/rows.js';
import { reportInThreads } from '../logits/threads.js';
import { progressBar } from '../progress.js';

/** The options of `kldiv logits`, as commander parses them. */
export interface LogitsOptions extends OutputOptions {
  temperature: number;
  topK?: number;
  nanRows: 'error' | 'skip';
  tokens?: string;
  array?: string;
  baseArray?: string;
  compareArray?: string;
  tokensArray?: string;
  chunkRows?: number;
  threads?: number;
}

// below this many logits per file one thread is quicker than starting workers (~40 ms each)
const THREADED_ELEMENTS = 2 ** 22;
// rows per unit of threaded work: about 1 Mi logits per file (4 MB of float32), small enough
// that the last units balance the threads, large enough that messages cost nothing
const UNIT_ELEMENTS = 2 ** 20;
// more threads than this rarely help: reading and memory bandwidth bound the run before
const MAX_DEFAULT_THREADS = 4;

/** The threads to use: `--threads`, else all cores (at most 4) for large binary files, else 1. */
function threadCount(inputs: LogitsInputs, requested: number | undefined): number {
  if (!inputs.reopenable) return 1; // stdin, JSON and CSV are parsed once, in this thread
  if (requested !== undefined) return requested;
  const { rows, vocab } = inputs.base;
  if (rows * vocab < THREADED_ELEMENTS) return 1;
  return Math.min(availableParallelism(), MAX_DEFAULT_THREADS);
}

/** Runs `kldiv logits <basePath> <comparePath>`. */
export async function logits(
  basePath: string,
  comparePath: string,
  o: LogitsOptions,
): Promise<void> {
  const inputs = openInputs(basePath, comparePath, {
    baseArray: o.baseArray ?? o.array,
    compareArray: o.compareArray ?? o.array,
    tokens: o.tokens,
    tokensArray: o.tokensArray,
    chunkRows: o.chunkRows,
  });
  const settings: ReportSettings = {
    temperature: o.temperature,
    topK: o.topK,
    nanRows: o.nanRows,
  };
  const { base, compare } = inputs;
  const unitRows = o.chunkRows ?? Math.max(1, Math.floor(UNIT_ELEMENTS / base.vocab));
  const threads = Math.min(threadCount(inputs, o.threads), Math.ceil(base.rows / unitRows));
  const bar = progressBar();
  let report: LogitsReport;
  let outputs: Promise<typeof import('../logits/outputs.js')>;
  try {
    if (threads > 1) {
      const running = reportInThreads(inputs, settings, { threads, unitRows }, bar?.update);
      outputs = import('../logits/outputs.js');
      report = await running;
    } else {
      const [{ KLDivError }, { reportRows }] = await Promise.all([
        import('kldiv'),
        import('../logits/rows.js'),
      ]);
      outputs = import('../logits/outputs.js');
      let done = 0;
      try {
        report = reportRows(base, compare, 0, base.rows, inputs.tokens, settings, (n) => {
          done += n;
          bar?.update(done, base.rows);
        });
      } catch (e) {
        // any other error of the library (its invalid rows are CliErrors already) names the pair
        throw e instanceof KLDivError ? new CliError(bothFiles(inputs), e.message) : e;
      } finally {
        base.close();
        compare.close();
      }
    }
  } finally {
    bar?.stop();
  }
  const name = (path: string, array: string | undefined) =>
    `${path === '-' ? 'stdin' : path}${array === undefined ? '' : `:${array}`}`;
  const title =
    o.title ??
    `${name(basePath, inputs.baseFile.array)} vs ${name(comparePath, inputs.compareFile.array)}`;
  await (await outputs).writeOutputs(report, { ...o, title });
}
