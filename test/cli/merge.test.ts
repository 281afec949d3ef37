/**
 * `kldiv merge`: three shards of a file (tools/cli-logits/gen-cases.py wrote the whole file and
 * its rows 0-19, 20-44, 45-59), each run with --state, merge into the report of one run over the
 * whole file: byte-identical stdout (text with the same --title, and --json), state and CSV, and
 * the NumPy reference of the whole file. Incompatible or foreign states are an error naming the
 * file, with exit code 2 and no output.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  byName,
  caseArgs,
  expectReport,
  file,
  type Json,
  run,
  stateCases,
} from './logits-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kldiv-merge-'));
const at = (name: string) => join(dir, name);
const c = byName('shards');
const options = c.options; // --top-k 2
const shards = c.shards as [string, string, string][];
const states = shards.map((_, i) => at(`shard-${i}.json`));

// each shard on its own, as a job array would run them (one with 2 threads, for good measure)
shards.forEach(([b, q, t], i) => {
  const r = run([
    'logits',
    file(b),
    file(q),
    '--tokens',
    file(t),
    ...options,
    '--state',
    states[i],
    ...(i === 1 ? ['--threads', '2', '--chunk-rows', '4'] : []),
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
});
const whole = run([
  ...caseArgs(c),
  '--state',
  at('whole.json'),
  '--out',
  at('whole.csv'),
  '--title',
  'T',
]);
if (whole.code !== 0) throw new Error(whole.stderr);

describe('kldiv merge: shards merge into the one-run report', () => {
  test('text (same --title), --json, state and CSV: byte-identical to the run over the whole file', () => {
    const merged = run([
      'merge',
      ...states,
      '--title',
      'T',
      '--state',
      at('merged.json'),
      '--out',
      at('merged.csv'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
    expect(readFileSync(at('merged.json'), 'utf8')).toBe(readFileSync(at('whole.json'), 'utf8'));
    expect(readFileSync(at('merged.csv'), 'utf8')).toBe(readFileSync(at('whole.csv'), 'utf8'));
    const json = run(['merge', ...states, '--json']);
    expect(json.stdout).toBe(run([...caseArgs(c), '--json']).stdout);
    // and the merge of the whole file's state prints what the merge of the shards does
    expect(run(['merge', at('whole.json'), '--json']).stdout).toBe(json.stdout);
  });

  test('the merged report is the NumPy report of the whole file (one infinite token, in shard 1)', () => {
    const r = JSON.parse(run(['merge', ...states, '--json']).stdout) as Record<string, Json>;
    expectReport(r, c.result);
    expect(r.infiniteTokens).toBe(1);
    expect(r.tokens).toBe(60);
  });

  test('states written by NumPy from the documented format: the report of their per-token KL', () => {
    for (const s of stateCases) {
      const r = run(['merge', file(s.state as string), '--json']);
      expect(r.code, r.stderr).toBe(0);
      expectReport(JSON.parse(r.stdout) as Json, s.result);
    }
  });

  test('the default title lists the states', () => {
    const r = run(['merge', ...states]);
    expect(r.stdout.split('\n')[0]).toBe(
      `KL(base || compare) per token: merge of ${states.join(', ')}, 60 tokens x 30 vocab, T = 1`,
    );
  });

  test('plots of the merged report', () => {
    const r = run(['merge', ...states, '--plot', at('kl.svg'), '--plot-delta-p', at('dp.svg')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(at('kl.svg'), 'utf8')).toContain('1 infinite (not drawn)');
    expect(readFileSync(at('dp.svg'), 'utf8')).toContain('60 tokens');
  });
});

describe('kldiv merge: states that do not merge', () => {
  const [b0, q0, t0] = shards[0];
  const variant = (name: string, args: string[]) => {
    const path = at(name);
    const r = run(['logits', ...args, '--state', path]);
    if (r.code !== 0) throw new Error(r.stderr);
    return path;
  };
  const hot = variant('hot.json', [
    file(b0),
    file(q0),
    '--tokens',
    file(t0),
    '--top-k',
    '2',
    '--temperature',
    '2',
  ]);
  const top3 = variant('top3.json', [file(b0), file(q0), '--tokens', file(t0), '--top-k', '3']);
  const noTokens = variant('no-tokens.json', [file(b0), file(q0), '--top-k', '2']);
  const vocab64 = variant('vocab64.json', [
    file('masked-base.npy'),
    file('masked-compare.npy'),
    '--tokens',
    file('masked-tokens.npy'),
    '--top-k',
    '2',
  ]);
  const state = JSON.parse(readFileSync(states[0], 'utf8'));
  writeFileSync(at('v2.json'), JSON.stringify({ ...state, version: 2 }));
  writeFileSync(at('cut.json'), readFileSync(states[0], 'utf8').slice(0, 100));
  writeFileSync(at('other.json'), JSON.stringify({ kind: 'something else' }));
  writeFileSync(at('bad-array.json'), JSON.stringify({ ...state, kl: 'AAAA' }));
  const rule =
    '(states merge only with the same temperature, top-k and vocabulary, and tokens given to all or none)';

  test.each([
    [
      'another temperature',
      [states[0], hot],
      `${hot}: cannot merge with ${states[0]}: temperature 2 here, 1 there ${rule}`,
    ],
    [
      'another top-k',
      [states[0], top3],
      `${top3}: cannot merge with ${states[0]}: top-k 3 here, 2 there`,
    ],
    [
      'another vocabulary',
      [states[0], vocab64],
      `${vocab64}: cannot merge with ${states[0]}: vocabulary 64 here, 30 there`,
    ],
    [
      'tokens in one, not the other',
      [states[0], noTokens],
      `${noTokens}: cannot merge with ${states[0]}: tokens none here, given there`,
    ],
    [
      'a state of another version',
      [states[0], at('v2.json')],
      `${at('v2.json')}: not a state this kldiv can read: field 'version' must be 1 (the state format this kldiv reads); received 2.`,
    ],
    [
      'a malformed array',
      [at('bad-array.json')],
      `${at('bad-array.json')}: not a state this kldiv can read: field 'kl' must be base64 of 20 little-endian float64 values (160 bytes); received '3 bytes'.`,
    ],
    [
      'truncated JSON',
      [states[0], at('cut.json')],
      `${at('cut.json')}: not a state file: invalid JSON (`,
    ],
    [
      'JSON that is not a state',
      [at('other.json')],
      `${at('other.json')}: not a state file: no "kind": "logitsReport"`,
    ],
    ['a logits file given as a state', [file(b0)], `${file(b0)}: not a state file: invalid JSON (`],
    ['a missing file', [at('missing.json')], `${at('missing.json')}: no such file`],
    [
      '--plot-delta-p without tokens',
      [noTokens, '--plot-delta-p', at('dp-none.svg')],
      `${noTokens}: the states hold no next-token log-probabilities for --plot-delta-p`,
    ],
  ])('%s: exit 2, one line naming the file, no output', (_name, args, message) => {
    const r = run(['merge', ...args, '--state', at('never.json'), '--out', at('never.csv')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`kldiv: ${message}`);
    expect(existsSync(at('never.json')) || existsSync(at('never.csv'))).toBe(false);
  });

  test('an empty shard (no rows) merges with anything', () => {
    writeNpy0();
    const empty = variant('empty.json', [
      at('empty.npy'),
      at('empty.npy'),
      '--top-k',
      '2',
      '--tokens',
      at('empty-ids.npy'),
    ]);
    const r = run(['merge', empty, ...states, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(run(['merge', ...states, '--json']).stdout);
  });
});

/** A [0, 30] logits file and 0 ids: a shard that got no rows. */
function writeNpy0() {
  const header = (descr: string, shape: string) => {
    let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
    h += `${' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64)}\n`;
    const head = Buffer.alloc(10);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    head.writeUInt16LE(h.length, 8);
    return Buffer.concat([head, Buffer.from(h, 'latin1')]);
  };
  writeFileSync(at('empty.npy'), header('<f4', '(0, 30)'));
  writeFileSync(at('empty-ids.npy'), header('<i4', '(0,)'));
}
