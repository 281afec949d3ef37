/**
 * The explorer's "KL divergence from samples" section: two distributions, seeded samples of
 * growing size n, and kldiv/samples' estimates of KL(P || Q) from the points alone (k-NN with
 * bootstrap intervals, Pérez-Cruz, the histogram plug-in) next to the closed form of
 * kldiv/distributions. Every number comes from kldiv; this file only draws.
 */
import { tensor } from 'kldiv';
import * as D from 'kldiv/distributions';
import {
  binnedDivergence,
  klDivergenceFromCounts,
  knnKLDivergence,
  perezCruzKLDivergence,
} from 'kldiv/samples';
import { drawEstimates, svgEl } from './samples-chart.js';

/** The sample sizes, n = m; every sample is the first n of one draw of N_MAX points. */
const SIZES = [100, 300, 1000, 3000, 10000];
const N_MAX = SIZES[SIZES.length - 1];
/** Few resamples keep each task near half a second at n = 1e4 (the interval is coarse). */
const RESAMPLES = 50;
const BINS = 20;
const DEFAULT_SEED = 2024;
const DEBOUNCE_MS = 150;

const $ = <T extends Element = HTMLElement>(sel: string) =>
  document.querySelector(sel) as unknown as T;
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));

// ---- distributions -----------------------------------------------------------------------

type Params = Record<string, number>;
type Family = { p: Params; q: Params; make: (v: Params) => D.Distribution; d: number };
const FAMILIES: Record<string, Family> = {
  Normal: {
    p: { loc: 0, scale: 1 },
    q: { loc: 1, scale: 1.5 },
    make: (v) => new D.Normal({ loc: v.loc, scale: v.scale }),
    d: 1,
  },
  Laplace: {
    p: { loc: 0, scale: 1 },
    q: { loc: 0.5, scale: 1 },
    make: (v) => new D.Laplace({ loc: v.loc, scale: v.scale }),
    d: 1,
  },
  Gamma: {
    p: { concentration: 2, rate: 1 },
    q: { concentration: 3, rate: 1.5 },
    make: (v) => new D.Gamma({ concentration: v.concentration, rate: v.rate }),
    d: 1,
  },
  Beta: {
    p: { concentration1: 2, concentration0: 2 },
    q: { concentration1: 3, concentration0: 1.5 },
    make: (v) => new D.Beta({ concentration1: v.concentration1, concentration0: v.concentration0 }),
    d: 1,
  },
  'MultivariateNormal (2-D)': {
    p: { loc1: 0, loc2: 0, scale1: 1, scale2: 1, corr: 0.5 },
    q: { loc1: 1, loc2: 0, scale1: 1, scale2: 1, corr: 0 },
    make: (v) => {
      const c = v.corr * v.scale1 * v.scale2;
      return new D.MultivariateNormal({
        loc: [v.loc1, v.loc2],
        covarianceMatrix: [
          [v.scale1 ** 2, c],
          [c, v.scale2 ** 2],
        ],
      });
    },
    d: 2,
  },
};

type Side = 'p' | 'q';
const chosen: Record<Side, { family: string; values: Params }> = {
  p: { family: 'Normal', values: { ...FAMILIES.Normal.p } },
  q: { family: 'Normal', values: { ...FAMILIES.Normal.q } },
};
let seed = DEFAULT_SEED;
let maxN = 1000;

// ---- estimates ---------------------------------------------------------------------------

type Cell = { value: number; lower?: number; upper?: number; note?: string } | { error: string };
type Estimator = 'knn1' | 'knn5' | 'perezCruz' | 'histogram' | 'smoothed';
type Samples = { x: Float64Array; y: Float64Array; d: number };

const COLUMNS: { id: Estimator; label: string; color: string; plot: boolean }[] = [
  { id: 'knn1', label: 'k-NN, k = 1', color: '#1f77b4', plot: true },
  { id: 'knn5', label: 'k-NN, k = 5', color: '#2ca02c', plot: true },
  { id: 'perezCruz', label: 'Pérez-Cruz', color: '#9467bd', plot: true },
  { id: 'histogram', label: `histogram (${BINS} bins)`, color: '#ff7f0e', plot: false },
  { id: 'smoothed', label: 'histogram, +½ per bin', color: '#ff7f0e', plot: true },
];

const points = (s: Samples, which: 'x' | 'y', n: number) =>
  tensor(s[which].subarray(0, n * s.d), { shape: s.d === 1 ? [n] : [n, s.d] });

function attempt(f: () => Cell): Cell {
  try {
    return f();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** What each task fills in. */
const TASK_KEYS: Estimator[][] = [['knn1'], ['knn5'], ['perezCruz', 'histogram', 'smoothed']];
/** The estimators, in groups that each run as one task between two input events. */
const TASKS: ((s: Samples, n: number) => Partial<Record<Estimator, Cell>>)[] = [1, 5].map(
  (k) => (s, n) => ({
    [`knn${k}`]: attempt(() => {
      const bootstrap = { resamples: RESAMPLES, seed };
      const r = knnKLDivergence(points(s, 'x', n), points(s, 'y', n), { k, bootstrap });
      return { value: r.estimate, lower: r.ci?.lower, upper: r.ci?.upper };
    }),
  }),
);
TASKS.push((s, n) => {
  const oneD = '1-D samples only';
  if (s.d !== 1)
    return { perezCruz: { error: oneD }, histogram: { error: oneD }, smoothed: { error: oneD } };
  const [x, y] = [s.x.subarray(0, n), s.y.subarray(0, n)];
  let counts: [number[], number[]] | null = null;
  return {
    perezCruz: attempt(() => ({ value: perezCruzKLDivergence(x, y).estimate })),
    // P's sample is the reference: its range sets the bins (the outer two reach to +-inf)
    histogram: attempt(() => {
      const h = binnedDivergence(x, y, { measure: 'kl', bins: BINS });
      counts = [h.referenceCounts, h.currentCounts];
      const empty = h.infiniteBins.length;
      return {
        value: h.value,
        note: empty > 0 ? `${empty} empty in Q` : undefined,
      };
    }),
    smoothed: attempt(() => {
      if (counts === null) throw new Error('no histogram');
      return {
        value: klDivergenceFromCounts(counts[0], counts[1], { smoothing: 'jeffreys' }).estimate,
      };
    }),
  };
});

interface Setup {
  key: string;
  closed: number | string;
  samples: Samples;
}

let setup: Setup | null = null;
/** Results of the current setup, by n. */
const results = new Map<number, Partial<Record<Estimator, Cell>>>();

/** The distributions, the closed form and the N_MAX-point samples of the current choice. */
function prepare(): Setup {
  const key = JSON.stringify([seed, chosen]);
  if (setup?.key === key) return setup;
  const p = FAMILIES[chosen.p.family].make(chosen.p.values);
  const q = FAMILIES[chosen.q.family].make(chosen.q.values);
  let closed: number | string;
  try {
    closed = D.klDivergence(p, q).item();
  } catch (e) {
    closed = (e as Error).message.replace(/^\w+: /, '');
  }
  const rng = new D.RandomGenerator(seed);
  const draw = (d: D.Distribution) =>
    Float64Array.from(d.sample([N_MAX], { rng }).data as ArrayLike<number>);
  const x = draw(p);
  const y = draw(q);
  results.clear();
  return { key, closed, samples: { x, y, d: FAMILIES[chosen.p.family].d } };
}

// ---- drawing -----------------------------------------------------------------------------

const isValue = (c: Cell | undefined): c is Exclude<Cell, { error: string }> =>
  c !== undefined && 'value' in c;

function renderTable(): void {
  const table = $('#s-table');
  const head = document.createElement('tr');
  for (const label of ['n', ...COLUMNS.map((c) => c.label)]) {
    const th = document.createElement('th');
    th.textContent = label;
    head.appendChild(th);
  }
  const rows = [head];
  for (const n of SIZES.filter((v) => v <= maxN)) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = String(n);
    tr.appendChild(th);
    for (const col of COLUMNS) {
      const td = document.createElement('td');
      Object.assign(td.dataset, { n: String(n), estimator: col.id });
      const cell = results.get(n)?.[col.id];
      if (cell === undefined) td.textContent = '…';
      else if (!isValue(cell)) {
        td.textContent = '–';
        td.title = cell.error;
      } else {
        td.dataset.value = String(cell.value);
        td.textContent = fmt(cell.value);
        if (cell.lower !== undefined && cell.upper !== undefined) {
          Object.assign(td.dataset, { lower: String(cell.lower), upper: String(cell.upper) });
          const ci = document.createElement('small');
          ci.textContent = ` [${fmt(cell.lower)}, ${fmt(cell.upper)}]`;
          td.appendChild(ci);
        }
        if (cell.note) {
          const note = document.createElement('small');
          note.textContent = ` (${cell.note})`;
          td.appendChild(note);
        }
      }
      tr.appendChild(td);
    }
    rows.push(tr);
  }
  table.replaceChildren(...rows);
}

function renderChart(closed: number | string): void {
  const series = COLUMNS.filter((c) => c.plot).map((c) => ({
    id: c.id,
    color: c.color,
    points: SIZES.filter((n) => n <= maxN).flatMap((n) => {
      const cell = results.get(n)?.[c.id];
      return isValue(cell) ? [{ n, ...cell }] : [];
    }),
  }));
  drawEstimates(
    $<SVGSVGElement>('#s-chart'),
    SIZES,
    series,
    typeof closed === 'number' ? closed : null,
  );
}

function render(s: Setup): void {
  const closed = $('#s-closed');
  closed.textContent = typeof s.closed === 'number' ? fmt(s.closed) : s.closed;
  if (typeof s.closed === 'number') closed.dataset.value = String(s.closed);
  else delete closed.dataset.value;
  renderTable();
  renderChart(s.closed);
}

// ---- scheduling --------------------------------------------------------------------------

let generation = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
const section = () => $('#samples');

/** Called on every input: the work starts once the input pauses, never inside the event. */
function changed(): void {
  section().dataset.state = 'pending';
  clearTimeout(timer);
  timer = setTimeout(() => void recompute(), DEBOUNCE_MS);
}

async function recompute(): Promise<void> {
  const gen = ++generation;
  const status = $('#s-status');
  section().dataset.state = 'computing';
  try {
    setup = prepare();
  } catch (e) {
    setup = null;
    $('#s-closed').textContent = (e as Error).message.replace(/^\w+: /, '');
    $('#s-table').replaceChildren();
    $('#s-chart').replaceChildren();
    status.textContent = '';
    section().dataset.state = 'done';
    return;
  }
  const s = setup;
  render(s);
  const started = performance.now();
  for (const n of SIZES.filter((v) => v <= maxN)) {
    for (const [t, task] of TASKS.entries()) {
      if (TASK_KEYS[t].every((k) => results.get(n)?.[k] !== undefined)) continue;
      status.textContent = `computing n = ${n}…`;
      // yield to the page between tasks: edits made meanwhile cancel the rest
      await new Promise((r) => setTimeout(r, 0));
      if (gen !== generation) return;
      results.set(n, { ...results.get(n), ...task(s.samples, n) });
      render(s);
    }
  }
  const ms = Math.round(performance.now() - started);
  status.textContent = `done in ${ms} ms`;
  section().dataset.state = 'done';
}

// ---- controls ----------------------------------------------------------------------------

function familyControls(side: Side): void {
  const select = $<HTMLSelectElement>(`#s-${side}-family`);
  select.replaceChildren(
    ...Object.keys(FAMILIES).map((f) => new Option(f, f, false, f === chosen[side].family)),
  );
  select.onchange = () => {
    const family = select.value;
    chosen[side] = { family, values: { ...FAMILIES[family][side] } };
    // both samples must have one dimension: switching one side across 1-D and 2-D switches both
    const other: Side = side === 'p' ? 'q' : 'p';
    if (FAMILIES[chosen[other].family].d !== FAMILIES[family].d) {
      const match = FAMILIES[family].d === 2 ? family : 'Normal';
      chosen[other] = { family: match, values: { ...FAMILIES[match][other] } };
      familyControls(other);
    }
    paramInputs(side);
    changed();
  };
  paramInputs(side);
}

function paramInputs(side: Side): void {
  const box = $(`#s-${side}-params`);
  box.replaceChildren();
  for (const [name, value] of Object.entries(chosen[side].values)) {
    const label = document.createElement('label');
    label.textContent = name;
    const input = document.createElement('input');
    Object.assign(input, { type: 'number', step: '0.1', value: String(value), name });
    input.addEventListener('input', () => {
      const v = Number(input.value);
      if (input.value.trim() !== '' && Number.isFinite(v)) {
        chosen[side].values[name] = v;
        changed();
      }
    });
    label.appendChild(input);
    box.appendChild(label);
  }
}

function sizeButtons(): void {
  const box = $('#s-sizes');
  box.replaceChildren(
    ...SIZES.map((n) => {
      const b = document.createElement('button');
      Object.assign(b, { type: 'button', textContent: String(n) });
      b.dataset.n = String(n);
      b.setAttribute('aria-pressed', String(n === maxN));
      b.addEventListener('click', () => {
        maxN = n;
        box.querySelectorAll('button').forEach((o) => {
          o.setAttribute('aria-pressed', String(o === b));
        });
        changed();
      });
      return b;
    }),
  );
}

/** Sets up the section's controls and starts the first computation. */
export function initSamplesSection(): void {
  familyControls('p');
  familyControls('q');
  sizeButtons();
  const seedInput = $<HTMLInputElement>('#s-seed');
  seedInput.value = String(seed);
  seedInput.addEventListener('input', () => {
    const v = Number(seedInput.value);
    if (seedInput.value.trim() !== '' && Number.isSafeInteger(v) && v >= 0) {
      seed = v;
      changed();
    }
  });
  $('#s-new-seed').addEventListener('click', () => {
    seed = 1 + Math.floor(Math.random() * 999_999);
    seedInput.value = String(seed);
    changed();
  });
  const closedItem = document.createElement('span');
  const dash = svgEl('svg', { viewBox: '0 0 20 10', class: 'dash' }, closedItem);
  svgEl('line', { x1: 0, x2: 20, y1: 5, y2: 5, stroke: '#222', 'stroke-dasharray': '6 4' }, dash);
  closedItem.append('closed form');
  $('#s-legend').replaceChildren(
    ...COLUMNS.filter((c) => c.plot).map((c) => {
      const item = document.createElement('span');
      const swatch = svgEl('svg', { viewBox: '0 0 10 10' }, item);
      svgEl('circle', { cx: 5, cy: 5, r: 4, fill: c.color }, swatch);
      item.append(c.label);
      return item;
    }),
    closedItem,
  );
  $('#s-resamples').textContent = String(RESAMPLES);
  $('#s-bins').textContent = String(BINS);
  $('#s-nmax').textContent = String(N_MAX);
  changed();
}
