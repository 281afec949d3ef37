/**
 * What the doc-example tests share (TSDoc `@example`s in src/, ```ts blocks of README.md): the
 * printed-output convention and a runner that executes one example as its own module.
 *
 * Convention: `console.log(expr); // expected` on one line or, for long output, the `// ...`
 * lines that follow the call (`\n` in a comment stands for a line break).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setPrintOptions, setWarningHandler } from '../../src/index.js';

/** The output each `console.log` of `code` is documented to print, in order. */
export function expectedOutputs(code: string): string[] {
  const lines = code.split('\n');
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
  return expected;
}

/**
 * Writes `code` to `<dir>/<name>.ts` with `kldiv` and its subpaths resolved to src/ and
 * `console.log` captured, imports it (so top-level `await` works, and every example is a
 * fresh module that cannot lean on another's variables) and returns what it printed.
 * Warnings are silenced and print options restored, whatever the example does.
 */
export async function runExample(
  root: string,
  dir: string,
  name: string,
  code: string,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
  const src = (sub: string) => pathToFileURL(join(root, 'src', sub, 'index.ts')).href;
  const body = code
    .replace(/from 'kldiv\/(\w+)'/g, (_, sub: string) => `from '${src(sub)}'`)
    .replace(/from 'kldiv'/g, `from '${src('')}'`)
    .replace(/console\.log\(/g, '__log(');
  writeFileSync(
    file,
    `import { format as __format } from 'node:util';\nexport const __out: string[] = [];\nconst __log = (...a: unknown[]) => { __out.push(__format(...a)); };\n${body}`,
  );
  const previous = setWarningHandler(() => {});
  try {
    const mod = await import(pathToFileURL(file).href);
    return mod.__out;
  } finally {
    setWarningHandler(previous);
    setPrintOptions(null);
  }
}
