/**
 * Resource limits and accuracy bounds of docs/reliability.md: float32 sums over 1e7 elements,
 * bounded memory when the CLI streams a file far larger than its working set, and worker
 * threads that never keep a process alive, after success or after an error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { klDiv } from '../src/index.js';
import { CONFIGS, withConfig } from './helpers/backends.js';
import { writeNpy } from './helpers/npy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'kldiv-reliability-'));

describe.each(CONFIGS)('accuracy, $name', (config) => {
  test("float32 'sum' over 1e7 elements is within 1e-6 relative of the exact sum", () => {
    const n = 10_000_000;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    let s = 12345;
    // exact reference: float64 terms of the stored float32 values, Neumaier-compensated
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = -8 * (s / 2 ** 32) - 0.01;
      y[i] = ((s >>> 8) % 1000) / 5000 + 1e-6;
      const l = y[i] * Math.log(y[i]) - y[i] * x[i];
      const t = sum + l;
      comp += Math.abs(sum) >= Math.abs(l) ? sum - t + l : l - t + sum;
      sum = t;
    }
    const exact = sum + comp;
    const got = withConfig(config, () => klDiv(x, y, { reduction: 'sum' }).item());
    expect(Math.abs(got - exact) / Math.abs(exact)).toBeLessThan(1e-6);
  }, 60_000);
});

describe('resource limits', () => {
  test('the CLI streams a .npy of 2e8 bytes in bounded memory under a 64 MB heap', () => {
    const rows = 2000;
    const vocab = 25_000;
    const big = join(dir, 'big.npy');
    const data = new Float32Array(rows * vocab);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 1000) / 250;
    writeNpy(big, data, [rows, vocab]);
    const small = join(dir, 'small.npy');
    writeNpy(small, data.subarray(0, 16 * vocab), [16, vocab]);
    // runs the CLI in a process whose peak resident memory is printed at exit
    const peak = (file: string) => {
      const script = `
        process.argv = [process.argv[0], 'kldiv', 'logits', ${JSON.stringify(file)}, ${JSON.stringify(file)}, '--chunk-rows', '16', '--json'];
        process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
        await import(${JSON.stringify(pathToFileURL(join(root, 'packages', 'cli', 'dist', 'cli.js')).href)});
      `;
      const r = spawnSync(
        process.execPath,
        ['--max-old-space-size=64', '--input-type=module', '-e', script],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).tokens).toBe(file === big ? rows : 16);
      return Number(/MAXRSS (\d+)/.exec(r.stderr)![1]) * 1024; // bytes
    };
    const fileBytes = statSync(big).size;
    const growth = peak(big) - peak(small);
    expect(fileBytes).toBeGreaterThan(2e8);
    // the whole file would need 200 MB (and its float64 copy 400 MB); streaming holds a few
    // chunks (and their garbage until the next collection): less than half the file
    expect(growth, `peak RSS grew by ${(growth / 2 ** 20).toFixed(1)} MB`).toBeLessThan(
      100 * 2 ** 20,
    );
  }, 120_000);

  const exitsAlone = (body: string) => {
    const script = `
      const k = await import(${JSON.stringify(pathToFileURL(join(root, 'src', 'index.ts')).href)});
      k.setWarningHandler(() => {});
      k.setNumThreads(2);
      const n = 1 << 20;
      const x = new Float32Array(n).fill(-1.5);
      const y = new Float32Array(n).fill(0.25);
      ${body}
    `;
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    return { ...r, ms: Date.now() - t0 };
  };

  test('a process that used worker threads exits by itself (no handle keeps it alive)', () => {
    const r = exitsAlone(`console.log(k.klDiv(x, y, { reduction: 'sum' }).item() > 0);`);
    expect(r.error, 'timed out: something kept the process alive').toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('true');
  }, 60_000);

  test('after an error thrown between threaded calls, the process still exits by itself', () => {
    const r = exitsAlone(`
      k.klDiv(x, y, { reduction: 'sum' });
      try { k.klDiv(x, new Float32Array(3), { reduction: 'sum' }); } catch (e) { console.log(e.code); }
      k.klDivBackward(x, y, { reduction: 'sum' });
      throw new Error('user code failed');
    `);
    expect(r.error, 'timed out: something kept the process alive').toBeUndefined();
    expect(r.stdout.trim()).toBe('E_BROADCAST');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('user code failed');
  }, 60_000);
});

writeFileSync(join(dir, '.keep'), '');
