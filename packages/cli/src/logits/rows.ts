/**
 * One contiguous range of rows into a LogitsReport, a chunk at a time: the unit of work of
 * `kldiv logits`, on the main thread or in a worker. The statistics are the library's; this
 * only reads, hands the chunks over and names the file of an invalid row.
 */
import { LogitsReport } from 'kldiv/report';
import { CliError } from '../errors.js';
import type { RowSource } from '../formats/row-source.js';

/** The report's settings, as `kldiv logits` parses them. */
export interface ReportSettings {
  temperature: number;
  topK: number | undefined;
  nanRows: 'error' | 'skip';
}

/** Where in the stored array row `row` is: `(batch b, position s)` for rank 3, else nothing. */
function position(source: RowSource, row: number): string {
  if (source.shape.length !== 3) return '';
  const seq = source.shape[1];
  return ` (batch ${Math.floor(row / seq)}, position ${row % seq})`;
}

/**
 * The library's `E_NON_FINITE` error (its row counted from the report's first row) as the CLI's
 * one line naming the file, the array and the row in the file; any other error unchanged.
 */
function nameTheFile(e: unknown, base: RowSource, compare: RowSource, first: number): unknown {
  // by its code, not `instanceof KLDivError`: workers then need no kldiv but kldiv/report
  // (kldiv's index costs a worker ~30 ms to load)
  if (!(e instanceof Error) || (e as { code?: unknown }).code !== 'E_NON_FINITE') return e;
  // the library's message is the one place that holds the row: "argument 'base' row 17 ..."
  const m = /argument '(base|compare)' row (\d+) (.+?); such rows are refused/.exec(e.message);
  if (m === null) return e;
  const source = m[1] === 'base' ? base : compare;
  const row = first + Number(m[2]);
  const what = m[3].replace('contains Infinity', 'contains +inf');
  const label = source.name === undefined ? '' : `array '${source.name}': `;
  return new CliError(
    source.path,
    `${label}row ${row}${position(source, row)} ${what}; such rows are refused by default: --nan-rows skip leaves them out of the statistics and counts them`,
  );
}

/**
 * A new LogitsReport of rows [start, start + count) of `base` and `compare` (same shape), read
 * `base.chunkRows` at a time, with `tokens[i]` the next-token id of row `start + i` when given.
 * `onChunk(rows)` is called after each chunk. An invalid row (with `nanRows: 'error'`) is a
 * CliError naming its file and its row in the file.
 *
 * @example
 * ```ts
 * import { openLogits } from '../formats/open.js';
 * import { reportRows } from './rows.js';
 * const base = openLogits('test/data/cli-logits/shards-base.npy', { chunkRows: 7 });
 * const compare = openLogits('test/data/cli-logits/shards-compare.npy', { chunkRows: 7 });
 * const settings = { temperature: 1, topK: undefined, nanRows: 'error' as const };
 * const r = reportRows(base, compare, 20, 25, undefined, settings).result();
 * console.log(r.tokens, r.infiniteTokens); // 25 1
 * ```
 */
export function reportRows(
  base: RowSource,
  compare: RowSource,
  start: number,
  count: number,
  tokens: Int32Array | undefined,
  settings: ReportSettings,
  onChunk?: (rows: number) => void,
): LogitsReport {
  const report = new LogitsReport(settings);
  const V = base.vocab;
  const step = base.chunkRows;
  for (let done = 0; done < count; done += step) {
    const n = Math.min(step, count - done);
    const b = base.read(start + done, n);
    const c = compare.read(start + done, n);
    try {
      report.add(
        { data: b, shape: [n, V] },
        { data: c, shape: [n, V] },
        tokens === undefined ? undefined : { tokens: tokens.subarray(done, done + n) },
      );
    } catch (e) {
      throw nameTheFile(e, base, compare, start);
    }
    onChunk?.(n);
  }
  return report;
}
