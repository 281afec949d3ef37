/**
 * What each `kldiv` command loads, without timing anything: an ESM resolve hook (node --import)
 * logs every module the CLI resolves. `kldiv --version` and `help` must not load kldiv at all,
 * `kldiv loss` and the blog example no plotting library and not kldiv/scipy; the positive
 * controls (`dist` loads kldiv/scipy, `logits --plot` loads vega and vega-lite) show that the
 * hook sees those modules, so the absences are real. The timings are bench/cli-startup.mjs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { writeNpy } from '../helpers/npy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'packages', 'cli', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'kldiv-startup-'));
const at = (name: string) => join(dir, name);

// the hook runs on Node's loader thread: it appends "specifier<TAB>resolved URL" to a file
writeFileSync(
  at('hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.KLDIV_TRACE, specifier + '\\t' + r.url + '\\n');
  return r;
}
`,
);
writeFileSync(
  at('register.mjs'),
  `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
);
writeFileSync(at('input.csv'), '-2,-6,-8\n-7,-1,-2\n');
writeFileSync(at('target.csv'), '0.8,0.1,0.1\n0.1,0.7,0.2\n');
writeFileSync(at('p.tsv'), '1\t2\t3\t4\n');
const logits = Float32Array.from({ length: 8 * 5 }, (_, i) => Math.sin(i));
writeNpy(at('base.npy'), logits, [8, 5]);
writeNpy(
  at('compare.npy'),
  logits.map((v, i) => v + 0.1 * Math.cos(i)),
  [8, 5],
);

let runs = 0;
/** Runs the CLI under the hook; returns its exit code and the modules it resolved. */
function trace(args: string[]) {
  const file = at(`trace-${runs++}.txt`);
  writeFileSync(file, '');
  const r = spawnSync(
    process.execPath,
    ['--no-warnings', '--import', at('register.mjs'), cli, ...args],
    { encoding: 'utf8', env: { ...process.env, KLDIV_TRACE: file } },
  );
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  const specifiers = new Set(lines.map((l) => l.split('\t')[0]));
  const urls = lines.map((l) => l.split('\t')[1]);
  const loads = (what: 'vega' | 'vega-lite' | 'kldiv' | 'kldiv/scipy') => {
    // by specifier, and by resolved file in case a module reaches it by a relative path
    const file = {
      vega: '/node_modules/vega/',
      'vega-lite': '/node_modules/vega-lite/',
      kldiv: pathToFileURL(join(root, 'dist', 'index.js')).href,
      'kldiv/scipy': `${pathToFileURL(join(root, 'dist', 'scipy')).href}/`,
    }[what];
    return specifiers.has(what) || urls.some((u) => u.includes(file));
  };
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, urls, loads };
}

describe('start-up: each command loads only what it needs', () => {
  test('the hook sees the modules: dist loads kldiv/scipy, logits --plot loads vega', () => {
    const d = trace(['dist', at('p.tsv'), '--json']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.loads('kldiv')).toBe(true);
    expect(d.loads('kldiv/scipy')).toBe(true);
    expect(d.loads('vega')).toBe(false);

    const l = trace(['logits', at('base.npy'), at('compare.npy'), '--plot', at('kl.svg')]);
    expect(l.code, l.stderr).toBe(0);
    expect(l.loads('vega')).toBe(true);
    expect(l.loads('vega-lite')).toBe(true);
    expect(l.urls.length).toBeGreaterThan(100); // vega is many modules
  });

  test('kldiv --version and kldiv help load neither kldiv nor any plotting library', () => {
    for (const args of [['--version'], ['help'], ['help', 'logits'], ['--help']]) {
      const r = trace(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      for (const m of ['kldiv', 'kldiv/scipy', 'vega', 'vega-lite'] as const) {
        expect(r.loads(m), `kldiv ${args.join(' ')} loads ${m}`).toBe(false);
      }
      // commander and the CLI's entry: a handful of modules, not hundreds
      expect(r.urls.length, `kldiv ${args.join(' ')}`).toBeLessThan(10);
    }
  });

  test('kldiv loss, the blog example and logits without --plot load no vega or kldiv/scipy', () => {
    const runs = {
      loss: trace(['loss', at('input.csv'), at('target.csv'), '--reduction', 'batchmean']),
      'blog example': trace([]),
      'logits without --plot': trace(['logits', at('base.npy'), at('compare.npy')]),
    };
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.loads('kldiv'), name).toBe(true);
      for (const m of ['kldiv/scipy', 'vega', 'vega-lite'] as const) {
        expect(r.loads(m), `${name} loads ${m}`).toBe(false);
      }
    }
    // (2.360968 + 0.998181) / 2 by hand: sum of p (log p - input) per row, batchmean over 2 rows
    expect(runs.loss.stdout).toBe('tensor(1.6796)\n');
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
