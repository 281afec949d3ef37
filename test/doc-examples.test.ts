/**
 * Every `@example` in the TSDoc of src/ runs, and what it prints matches the comment beside it:
 * `console.log(expr); // expected` or, for long output, the `// ...` lines that follow
 * (`\n` in a comment stands for a line break). Docs that lie fail here.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { setPrintOptions, setWarningHandler } from '../src/index.js';

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
    const lines = block[1].split('\n');
    const expected: string[] = [];
    lines.forEach((line, i) => {
      if (!line.includes('console.log(')) return;
      const trailing = /\);\s*\/\/ (.*)$/.exec(line);
      if (trailing) {
        expected.push(trailing[1].replace(/\\n/g, '\n'));
        return;
      }
      const follow: string[] = [];
      for (let j = i + 1; j < lines.length && lines[j].trimStart().startsWith('// '); j++) {
        follow.push(lines[j].trimStart().slice(3));
      }
      expected.push(follow.join('\n').replace(/\\n/g, '\n'));
    });
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
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `${ex.name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    const code = ex.code
      .replace(
        /from 'kldiv\/(\w+)'/g,
        (_, sub: string) => `from '${pathToFileURL(join(root, 'src', sub, 'index.ts')).href}'`,
      )
      .replace(/from 'kldiv'/g, `from '${pathToFileURL(join(root, 'src', 'index.ts')).href}'`)
      .replace(/console\.log\(/g, '__log(');
    writeFileSync(
      file,
      `import { format as __format } from 'node:util';\nexport const __out: string[] = [];\nconst __log = (...a: unknown[]) => { __out.push(__format(...a)); };\n${code}`,
    );
    const previous = setWarningHandler(() => {});
    try {
      const mod = await import(pathToFileURL(file).href);
      expect(mod.__out).toEqual(ex.expected);
    } finally {
      setWarningHandler(previous);
      setPrintOptions(null);
    }
  });
});
