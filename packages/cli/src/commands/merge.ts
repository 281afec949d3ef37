/**
 * `kldiv merge`: the states `kldiv logits --state` wrote, merged in the order given into the
 * report of one run over the concatenated inputs, printed and written as `kldiv logits` does.
 */
import { readFileSync } from 'node:fs';
import { LogitsReport, type LogitsReportState } from 'kldiv/report';
import { CliError } from '../errors.js';
import { describeFsError } from '../formats/file.js';
import { type OutputOptions, writeOutputs } from '../logits/outputs.js';

/** The options of `kldiv merge`, as commander parses them. */
export type MergeOptions = OutputOptions;

/** A state file, checked on its own (its fields and arrays), or a CliError naming it. */
function readState(path: string): { report: LogitsReport; state: LogitsReportState } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(path, describeFsError(e));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(
      path,
      // JSON.parse quotes the text it stopped at, which in a binary file is not printable
      `not a state file: invalid JSON (${(e as Error).message.replace(/[^\x20-\x7e]/g, '?')}); kldiv merge reads the files kldiv logits --state writes`,
    );
  }
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind !== 'logitsReport') {
    throw new CliError(
      path,
      'not a state file: no "kind": "logitsReport"; kldiv merge reads the files kldiv logits --state writes',
    );
  }
  try {
    const state = value as LogitsReportState;
    return { report: LogitsReport.fromState(state), state };
  } catch (e) {
    // "LogitsReport.fromState: argument 'state.version' must be 1 (...)" -> "field 'version' must ..."
    const message = (e as Error).message.replace(
      /^LogitsReport\.fromState: argument 'state\.([^']+)'/,
      "field '$1'",
    );
    throw new CliError(path, `not a state this kldiv can read: ${message}`);
  }
}

/** The settings states must share to merge; null: not fixed yet (an empty state fits any). */
interface Settings {
  temperature: number | null;
  'top-k': number | string | null;
  vocabulary: number | null;
  tokens: string | null;
}

function settingsOf(s: LogitsReportState): Settings {
  return {
    temperature: s.temperature,
    'top-k': s.topK ?? 'none',
    vocabulary: s.vocab,
    tokens: s.withTokens === null ? null : s.withTokens ? 'given' : 'none',
  };
}

/** Runs `kldiv merge <paths...>`. */
export async function merge(paths: string[], o: MergeOptions): Promise<void> {
  const read = paths.map(readState);
  const report = read[0].report;
  // each setting as the first state that fixed it has it, and that state's path
  const fixed = settingsOf(read[0].state);
  const by: Record<keyof Settings, string> = {
    temperature: paths[0],
    'top-k': paths[0],
    vocabulary: paths[0],
    tokens: paths[0],
  };
  for (let i = 1; i < read.length; i++) {
    const mine = settingsOf(read[i].state);
    for (const key of Object.keys(fixed) as (keyof Settings)[]) {
      if (mine[key] === null) continue;
      if (fixed[key] === null) {
        fixed[key] = mine[key] as never;
        by[key] = paths[i];
      } else if (fixed[key] !== mine[key]) {
        throw new CliError(
          paths[i],
          `cannot merge with ${by[key]}: ${key} ${mine[key]} here, ${fixed[key]} there (states merge only with the same temperature, top-k and vocabulary, and tokens given to all or none)`,
        );
      }
    }
    try {
      report.merge(read[i].report);
    } catch (e) {
      throw new CliError(paths[i], `cannot merge: ${(e as Error).message}`);
    }
  }
  if (o.plotDeltaP !== undefined && fixed.tokens !== 'given') {
    throw new CliError(
      paths[0],
      'the states hold no next-token log-probabilities for --plot-delta-p (run kldiv logits with --tokens)',
    );
  }
  const list =
    paths.length <= 3
      ? paths.join(', ')
      : `${paths.length} states, ${paths[0]} ... ${paths[paths.length - 1]}`;
  await writeOutputs(report, { ...o, title: o.title ?? `merge of ${list}` });
}
