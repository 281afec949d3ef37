/**
 * `kldiv logits` on worker threads: the rows are cut into units of consecutive rows, handed out
 * in row order to whichever worker is free (so a core slowed by other work takes fewer), and the
 * units' states are merged in row order. A LogitsReport's values are per row and its statistics
 * are computed from the merged per-row arrays in row order, so the report, its state and every
 * output are bitwise the same for any number of threads. Each worker holds one unit's rows in
 * memory (a second one waits as a row range, without data).
 */
import { Worker } from 'node:worker_threads';
import type { LogitsReport, LogitsReportState } from 'kldiv/report';
import { CliError } from '../errors.js';
import { bothFiles, type LogitsInputs } from './inputs.js';
import type { ReportSettings } from './rows.js';
import type { FromWorker, ToWorker, WorkerError, WorkerSetup } from './worker.js';

/** How {@link reportInThreads} splits the work. */
export interface ThreadPlan {
  threads: number;
  /** Rows per unit (the last unit may be shorter). */
  unitRows: number;
}

/** A worker's error back in this thread: a CliError as it was, a library error naming both files. */
function rebuild(e: WorkerError, inputs: LogitsInputs): Error {
  if (e.where !== undefined) return new CliError(e.where, e.message);
  if (e.code !== undefined) return new CliError(bothFiles(inputs), e.message);
  return new Error(e.message);
}

/**
 * The report of every row of `inputs`, computed by `plan.threads` workers that open the files
 * again (they must be binary files on disk: `inputs.reopenable`). The first failing unit in row
 * order decides the error, so it is the one a single-threaded run would report. `onProgress`
 * gets (rows done, rows) after each unit.
 *
 * @example
 * ```ts
 * import { openInputs } from './inputs.js';
 * import { reportInThreads } from './threads.js';
 * const d = 'test/data/cli-logits/';
 * const inputs = openInputs(`${d}shards-base.npy`, `${d}shards-compare.npy`, {});
 * const settings = { temperature: 1, topK: undefined, nanRows: 'error' as const };
 * const report = await reportInThreads(inputs, settings, { threads: 2, unitRows: 8 });
 * console.log(report.result().tokens); // 60
 * ```
 */
export async function reportInThreads(
  inputs: LogitsInputs,
  settings: ReportSettings,
  plan: ThreadPlan,
  onProgress?: (done: number, total: number) => void,
): Promise<LogitsReport> {
  const rows = inputs.base.rows;
  const units = Math.ceil(rows / plan.unitRows);
  const setup: WorkerSetup = {
    base: inputs.baseFile,
    compare: inputs.compareFile,
    chunkRows: plan.unitRows,
    settings,
  };
  // the workers open the files themselves
  inputs.base.close();
  inputs.compare.close();
  const states: unknown[] = new Array(units);
  const errors = new Map<number, Error>();
  let next = 0;
  let stopAt = units;
  let done = 0;
  const workers: Worker[] = [];
  let library: Promise<typeof import('kldiv/report')> | undefined;
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    const send = (w: Worker) => {
      if (next >= stopAt) {
        w.postMessage({ type: 'close' } satisfies ToWorker);
        return;
      }
      const index = next++;
      const start = index * plan.unitRows;
      const count = Math.min(plan.unitRows, rows - start);
      const tokens = inputs.tokens?.slice(start, start + count);
      w.postMessage({ type: 'unit', index, start, count, tokens } satisfies ToWorker);
    };
    const count = Math.min(plan.threads, units);
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), {
        workerData: setup,
        ...workerOptions(process.execArgv),
      });
      workers.push(w);
      running++;
      w.on('message', (m: FromWorker) => {
        if (m.type === 'unit') {
          states[m.index] = m.state;
          done += Math.min(plan.unitRows, rows - m.index * plan.unitRows);
          onProgress?.(done, rows);
        } else {
          // units after the first failure are not started; those before it all were, and finish
          errors.set(m.index, rebuild(m.error, inputs));
          stopAt = Math.min(stopAt, m.index);
        }
        send(w);
      });
      w.on('error', (e) => {
        for (const other of workers) void other.terminate();
        reject(e);
      });
      w.on('exit', () => {
        if (--running === 0) resolve();
      });
      send(w);
    }
    // a second unit each, in hand: a worker starts it while its first result is on its way
    for (const w of workers) send(w);
    // loaded here, while the workers start, rather than before them
    library = import('kldiv/report');
  });
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys()));
  const { LogitsReport: Report } = await (library as Promise<typeof import('kldiv/report')>);
  const merged = new Report(settings);
  for (const state of states) merged.merge(state as LogitsReportState);
  return merged;
}

/**
 * Node options for a worker. By default a worker inherits the parent's flags, but those of
 * `node -e` / `node -p` (`--input-type`, the script) make it fail to start
 * (ERR_INPUT_TYPE_NOT_ALLOWED); then the flags are passed explicitly without them, and without
 * the V8 heap sizes an explicit list may not hold (ERR_WORKER_INVALID_EXEC_ARGV), whose old-space
 * limit becomes the worker's `resourceLimits`.
 */
export function workerOptions(execArgv: readonly string[]): {
  execArgv?: string[];
  resourceLimits?: { maxOldGenerationSizeMb: number };
} {
  const evalFlag = /^(-e|--eval|-p|--print|--input-type)(=|$)/;
  if (!execArgv.some((a) => evalFlag.test(a))) return {};
  const kept: string[] = [];
  let oldSpace: number | undefined;
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    const heap = /^--max-old-space-size=(\d+)$/.exec(a);
    if (heap !== null) oldSpace = Number(heap[1]);
    else if (['-e', '--eval', '-p', '--print', '--input-type'].includes(a))
      i++; // and its value
    else if (!evalFlag.test(a) && !/^--(max|min|initial)-[a-z-]*size/.test(a)) kept.push(a);
  }
  return oldSpace === undefined
    ? { execArgv: kept }
    : { execArgv: kept, resourceLimits: { maxOldGenerationSizeMb: oldSpace } };
}
