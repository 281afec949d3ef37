/**
 * npm run docs:errors — rewrites the bad-input matrix in docs/errors.md (between its markers)
 * from test/error-matrix.ts, the same rows test/error-matrix.test.ts runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CLI_ROWS, LIBRARY_ROWS } from '../test/error-matrix.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');
const lines = [
  '| # | input | code | message (start, or the part a test checks) |',
  '| - | ----- | ---- | ------------------------------------------ |',
  ...[...LIBRARY_ROWS, ...CLI_ROWS].map(
    // double-backtick code spans: some messages quote PyTorch's own `probs` / `logits`
    (r, i) =>
      `| ${i + 1} | \`\` ${esc(r.input)} \`\` | \`${r.code}\` | \`\` ${esc(r.message)} \`\` |`,
  ),
];
const path = 'docs/errors.md';
const doc = readFileSync(path, 'utf8');
const [head, rest] = doc.split('<!-- error-matrix:start -->');
const tail = rest?.split('<!-- error-matrix:end -->')[1];
if (tail === undefined) throw new Error(`${path}: error-matrix markers not found`);
writeFileSync(
  path,
  `${head}<!-- error-matrix:start -->\n\n${lines.join('\n')}\n\n<!-- error-matrix:end -->${tail}`,
);
console.log(`wrote ${lines.length - 2} rows to ${path}`);
