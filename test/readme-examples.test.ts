/**
 * Every ```ts block of README.md runs as pasted, each as its own module (no block may use a
 * variable another defines), and prints what its comments say (the convention of
 * test/helpers/run-example.ts: `console.log(expr); // expected`). A block that cannot run in
 * Node is fenced as ```ts no-run: <reason>; there are few, and each says why. Every block,
 * no-run ones included, also type-checks under the project's strict compiler options, as a
 * TypeScript user pasting it would compile it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { expectedOutputs, runExample } from './helpers/run-example.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', '.readme-examples');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Block {
  name: string;
  code: string;
  /** Why the block does not run here, from its fence (```ts no-run: reason). */
  noRun?: string;
}

const blocks: Block[] = [];
for (const m of readme.matchAll(/^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```$/gm)) {
  const line = readme.slice(0, m.index).split('\n').length;
  const info = m[2].trim();
  const noRun = /^no-run\b:?\s*(.*)$/.exec(info);
  expect(info === '' || noRun, `README.md:${line}: unknown fence info '${info}'`).toBeTruthy();
  blocks.push({ name: `README.md:${line}`, code: m[3], noRun: noRun?.[1] ?? undefined });
}
const runnable = blocks.filter((b) => b.noRun === undefined);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('README.md examples run as pasted and print what they say', () => {
  test('the README has its examples, and at most 2 are marked no-run, each with a reason', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    const skipped = blocks.filter((b) => b.noRun !== undefined);
    expect(skipped.length, skipped.map((b) => b.name).join(', ')).toBeLessThanOrEqual(2);
    for (const b of skipped) {
      expect(b.noRun!.length, `${b.name}: a no-run block says why`).toBeGreaterThan(10);
    }
  });

  test('every block that prints says what it prints', () => {
    const silent = runnable.filter((b) => !b.code.includes('console.log('));
    expect(silent.map((b) => b.name)).toEqual([]);
  });

  test('every block type-checks on its own (strict, kldiv imports resolved to src/)', () => {
    const dir = join(outDir, 'types');
    mkdirSync(dir, { recursive: true });
    const files = blocks.map((b, i) => {
      const file = `block-${i}.ts`;
      writeFileSync(join(dir, file), `// ${b.name}\n${b.code}\nexport {};\n`);
      return file;
    });
    const src = join(root, 'src');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: {
          noEmit: true,
          paths: { kldiv: [join(src, 'index.ts')], 'kldiv/*': [join(src, '*', 'index.ts')] },
        },
        files,
        include: [],
      }),
    );
    let log = '';
    try {
      execFileSync(
        process.execPath,
        [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--pretty', 'false'],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      log = (e as { stdout: string }).stdout;
    }
    // name each error by its README line: block-i.ts(l,c) is README.md:(fence line + l - 1)
    const named = log.replace(/\S*block-(\d+)\.ts\((\d+),(\d+)\)/g, (_, i: string, l: string) => {
      const fence = Number(blocks[Number(i)].name.split(':')[1]);
      return `README.md:${fence + Number(l) - 1}`;
    });
    expect(named).toBe('');
  }, 60_000);

  test.each(runnable.map((b) => [b.name, b] as const))(
    '%s',
    async (name, block) => {
      expect(await runExample(root, outDir, name, block.code)).toEqual(expectedOutputs(block.code));
    },
    60_000,
  );
});
