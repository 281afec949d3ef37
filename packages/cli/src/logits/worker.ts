/**
 * The worker thread of `kldiv logits --threads N` (started by threads.ts, never imported): it
 * opens both files itself, then computes each unit of rows it is sent into a LogitsReport and
 * posts back the report's state, or the error (a CliError's file and line, or the message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CliError } from '../errors.js';
import { openLogits } from '../formats/open.js';
import type { RowSource } from '../formats/row-source.js';
import type { LogitsFile } from './inputs.js';
import { type ReportSettings, reportRows } from './rows.js';

/** What every worker is started with. */
export interface WorkerSetup {
  base: LogitsFile;
  compare: LogitsFile;
  /** Rows per read: the unit's rows are read in chunks of this many. */
  chunkRows: number;
  settings: ReportSettings;
}

/** main -> worker: compute rows [start, start + count) (unit `index`), or close. */
export type ToWorker =
  | { type: 'unit'; index: number; start: number; count: number; tokens?: Int32Array }
  | { type: 'close' };

/** An error as it crosses the thread boundary. */
export interface WorkerError {
  where?: string;
  message: string;
  code?: string;
}

/** worker -> main: a unit's state, or its error. */
export type FromWorker =
  | { type: 'unit'; index: number; state: unknown }
  | { type: 'error'; index: number; error: WorkerError };

const setup = workerData as WorkerSetup;
let sources: [RowSource, RowSource] | undefined;

function open(): [RowSource, RowSource] {
  const options = (f: LogitsFile) => ({ array: f.array, chunkRows: setup.chunkRows });
  const base = openLogits(setup.base.path, options(setup.base));
  try {
    return [base, openLogits(setup.compare.path, options(setup.compare))];
  } catch (e) {
    base.close();
    throw e;
  }
}

function describeError(e: unknown): WorkerError {
  if (e instanceof CliError) return { where: e.where, message: e.message };
  const err = e as { code?: unknown; message?: unknown };
  return {
    message: typeof err.message === 'string' ? err.message : String(e),
    code: typeof err.code === 'string' ? err.code : undefined,
  };
}

parentPort?.on('message', (m: ToWorker) => {
  if (m.type === 'close') {
    sources?.[0].close();
    sources?.[1].close();
    parentPort?.close();
    return;
  }
  let reply: FromWorker;
  try {
    sources ??= open();
    const report = reportRows(sources[0], sources[1], m.start, m.count, m.tokens, setup.settings);
    reply = { type: 'unit', index: m.index, state: report.state() };
  } catch (e) {
    reply = { type: 'error', index: m.index, error: describeError(e) };
  }
  parentPort?.postMessage(reply);
});
