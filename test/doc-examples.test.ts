/**
 * Every `@example` in the TSDoc of src/ runs, and what it prints matches the comment beside it
 * (the convention of test/helpers/run-example.ts: `console.log(expr); // expected`, or the
 * `// ...` lines that follow for long output). Docs that lie fail here.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { expectedOutputs, runExample } from './helpers/run-example.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', '.doc-examples');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

interface Example {
  name: string;
  code: string;
  expected: string[];
}

function examples(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const found: Example[] = [];
  for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
    const body = comment
      .split('\n')
      .map((l) => l.replace(/^\s*\/?\*+\/? ?/, ''))
      .join('\n');
    const at = body.indexOf('@example');
    if (at < 0) continue;
    const block = /```ts\n([\s\S]*?)```/.exec(body.slice(at));
    if (!block) continue;
    const expected = expectedOutputs(block[1]);
    const name = `${relative(root, file)} #${found.length + 1}`;
    found.push({ name, code: block[1], expected });
  }
  return found;
}

const all = sourceFiles(join(root, 'src')).flatMap(examples);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('TSDoc examples run and print what they say', () => {
  test('every public module has examples', () => {
    expect(all.length).toBeGreaterThanOrEqual(12);
  });

  test('every runtime export of src/index.ts is documented with an @example', () => {
    const index = ['index.ts', 'scipy/index.ts', 'distributions/index.ts', 'tfjs/index.ts']
      .map((f) => readFileSync(join(root, 'src', f), 'utf8'))
      .join('\n');
    const names = [...index.matchAll(/^export \{([^}]+)\} from/gm)].flatMap((m) =>
      m[1].split(',').map((n) => n.trim()),
    );
    const sources = sourceFiles(join(root, 'src')).map((f) => readFileSync(f, 'utf8'));
    const undocumented = names.filter((name) => {
      const decl = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:(?:abstract )?class|(?:async )?function|const) ${name}\\b`,
      );
      return !sources.some((src) => decl.exec(src)?.[1].includes('@example'));
    });
    expect(names.length).toBeGreaterThan(8);
    expect(undocumented).toEqual([]);
  });

  test.each(all.map((e) => [e.name, e] as const))('%s', async (_name, ex) => {
    expect(await runExample(root, outDir, ex.name, ex.code)).toEqual(ex.expected);
  });
});
