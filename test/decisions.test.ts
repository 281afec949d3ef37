/**
 * docs/decisions.md keeps its record form: numbered from 1, each dated with a status, context,
 * decision and consequence in at most 150 words; a superseded record names a later one; and
 * every `decisions.md N` cited in the repository's code and documents exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const text = readFileSync(join(root, 'docs/decisions.md'), 'utf8');

interface Record {
  n: number;
  title: string;
  date: string;
  status: string;
  body: string;
}

const HEAD = /^(\d+)\. \*\*(.+?)\*\* \((\d{4}-\d{2}-\d{2}), ([^)]*)\)\.?/;
const records: Record[] = text
  .split(/\n(?=\d+\. \*\*)/)
  .slice(1)
  .map((raw) => {
    const flat = raw.replace(/\s+/g, ' ').trim();
    const m = HEAD.exec(flat);
    if (!m)
      throw new Error(
        `decisions.md: no "N. **title** (date, status)." head in: ${flat.slice(0, 120)}`,
      );
    return {
      n: +m[1],
      title: m[2],
      date: m[3],
      status: m[4],
      body: flat.slice(m[0].length).trim(),
    };
  });
const byNumber = new Map(records.map((r) => [r.n, r]));
// 74 was written without a context line and records are not rewritten
const WITHOUT_CONTEXT = new Set([74]);

describe('docs/decisions.md', () => {
  test('records are numbered 1, 2, 3, ... with none missing', () => {
    expect(records.map((r) => r.n)).toEqual(records.map((_, i) => i + 1));
  });

  test.each(records)('$n. $title: status, parts and length', (r) => {
    expect(r.status, `record ${r.n}`).toMatch(/^(accepted|superseded by \d+)(; .+)?$/);
    const parts = ['_Decision:_', '_Consequence:_'];
    if (!WITHOUT_CONTEXT.has(r.n)) parts.unshift('_Context:_');
    for (const part of parts) expect(r.body, `record ${r.n} lacks ${part}`).toContain(part);
    const words = r.body.split(' ').length;
    expect(words, `record ${r.n} has ${words} words`).toBeLessThanOrEqual(150);
    for (const [, by] of r.status.matchAll(/superseded by (\d+)/g)) {
      const later = byNumber.get(+by);
      expect(later, `record ${r.n} is superseded by missing record ${by}`).toBeDefined();
      expect(+by, `record ${r.n} is superseded by an earlier record`).toBeGreaterThan(r.n);
      expect(later!.date >= r.date, `record ${by} predates record ${r.n}`).toBe(true);
    }
  });

  test('every "decisions.md N" cited elsewhere exists', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|mjs|js|md|py)$/.test(name)) files.push(path);
      }
    };
    for (const dir of ['src', 'test', 'bench', 'docs', 'tools', 'wasm']) walk(join(root, dir));
    files.push(join(root, 'README.md'));
    const missing: string[] = [];
    let cited = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/decisions\.md,? (?:decision )?(\d+(?:(?:, | and )\d+)*)/g)) {
        for (const n of m[1].split(/, | and /)) {
          cited++;
          if (!byNumber.has(+n)) missing.push(`${file.slice(root.length)}: ${m[0]}`);
        }
      }
    }
    expect(cited).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
