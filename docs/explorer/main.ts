/**
 * The KL divergence explorer: every number on the page comes from kldiv (the core, its
 * distributions and its SciPy functions; kldiv/samples in samples-section.ts), recomputed on
 * each edit.
 */
import { initWasm, klDiv, type Reduction, setWarningHandler, type Tensor, tensor } from 'kldiv';
import * as D from 'kldiv/distributions';
import { jensenShannon } from 'kldiv/scipy';
import { initSamplesSection } from './samples-section.js';

const $ = <T extends Element = HTMLElement>(sel: string) =>
  document.querySelector(sel) as unknown as T;
const SVG = 'http://www.w3.org/2000/svg';
const REDUCTIONS: Reduction[] = ['none', 'sum', 'mean', 'batchmean'];
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : String(v));
const notes: string[] = [];
document.body.dataset.started = 'true'; // the script runs (index.html explains when it cannot)
setWarningHandler((w) => notes.push(w.message)); // PyTorch's 'mean' warning, shown once below

function el(tag: string, attrs: Record<string, string | number>, parent: Element): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

function reductions(input: unknown, target: unknown, logTarget = false): string {
  return REDUCTIONS.map(
    (r) =>
      `${r}:\n${klDiv(input as Tensor, target as Tensor, { reduction: r, logTarget }).toString()}`,
  ).join('\n\n');
}

// ---- discrete ----------------------------------------------------------------------------

const P = [0.1, 0.2, 0.4, 0.2, 0.1];
const Q = [0.2, 0.2, 0.2, 0.2, 0.2];
const normalised = (v: number[]) => {
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((x) => x / s);
};

function valueInputs(id: string, values: number[]): void {
  const box = $(id);
  box.replaceChildren();
  values.forEach((v, i) => {
    const label = document.createElement('label');
    label.textContent = `${i}`;
    const input = document.createElement('input');
    Object.assign(input, { type: 'number', min: '0', step: '0.01', value: String(+v.toFixed(4)) });
    input.dataset.i = String(i);
    input.addEventListener('input', () => {
      const x = Number(input.value);
      if (Number.isFinite(x) && x >= 0) {
        values[i] = x;
        updateDiscrete(false);
      }
    });
    label.appendChild(input);
    box.appendChild(label);
  });
}

function drawBars(
  svg: SVGSVGElement,
  series: { values: number[]; color: string; editable?: number[] }[],
  signed = false,
): void {
  svg.replaceChildren();
  const [w, h] = [640, Number(svg.viewBox.baseVal.height)];
  const n = series[0].values.length;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const top = Math.max(1e-9, ...all.map(Math.abs));
  const zero = signed ? h / 2 : h - 20;
  const scale = (signed ? h / 2 - 10 : h - 30) / top;
  const slot = w / n;
  const bw = (slot * 0.8) / series.length;
  el('line', { x1: 0, x2: w, y1: zero, y2: zero, stroke: '#999' }, svg);
  series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      const x = i * slot + slot * 0.1 + k * bw;
      const height = Number.isFinite(v) ? Math.abs(v) * scale : h / 2;
      const rect = el(
        'rect',
        { x, y: v >= 0 ? zero - height : zero, width: bw - 2, height, fill: s.color },
        svg,
      );
      rect.dataset.series = String(k);
      rect.dataset.i = String(i);
      if (s.editable) rect.style.cursor = 'ns-resize';
    });
  });
  if (!signed) {
    for (let i = 0; i < n; i++) {
      const at = { x: i * slot + slot / 2, y: h - 5, 'text-anchor': 'middle', 'font-size': 11 };
      el('text', at, svg).append(String(i));
    }
  }
  svg.dataset.top = String(top);
  svg.dataset.zero = String(zero);
  svg.dataset.scale = String(scale);
}

function updateDiscrete(rebuildInputs = true): void {
  if (rebuildInputs) {
    valueInputs('#p-values', P);
    valueInputs('#q-values', Q);
  }
  const p = normalised(P);
  const q = normalised(Q);
  drawBars($('#bars'), [
    { values: p, color: '#1f77b4', editable: P },
    { values: q, color: '#d62728', editable: Q },
  ]);
  const logQ = tensor(q.map(Math.log), { dtype: 'float64' });
  const logP = tensor(p.map(Math.log), { dtype: 'float64' });
  const pt = tensor(p, { dtype: 'float64' });
  const qt = tensor(q, { dtype: 'float64' });
  const pointwise = klDiv(logQ, pt, { reduction: 'none' });
  drawBars($('#loss-bars'), [{ values: Array.from(pointwise.data), color: '#555' }], true);
  $('#kl-pq').textContent = fmt(klDiv(logQ, pt, { reduction: 'sum' }).item());
  $('#kl-qp').textContent = fmt(klDiv(logP, qt, { reduction: 'sum' }).item());
  const distance = jensenShannon(pt, qt).item();
  $('#jsd').textContent = fmt(distance * distance);
  $('#js-distance').textContent = fmt(distance);
  $('#d-reductions').textContent = reductions(logQ, pt);
}

// Dragging a bar sets its value from the pointer height (then everything recomputes).
function enableDrag(): void {
  const svg = $<SVGSVGElement>('#bars');
  let target: { values: number[]; i: number } | null = null;
  const setFromPointer = (ev: PointerEvent) => {
    if (target === null) return;
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX;
    pt.y = ev.clientY;
    const y = pt.matrixTransform(svg.getScreenCTM()?.inverse()).y;
    const value = Math.max(0, (Number(svg.dataset.zero) - y) / Number(svg.dataset.scale));
    const sum = target.values.reduce((a, b) => a + b, 0);
    // the bar shows the normalised value: scale the raw one so the bar lands under the pointer
    const others = sum - target.values[target.i];
    target.values[target.i] = value >= 1 ? others * 1e3 : (value * others) / (1 - value);
    updateDiscrete();
  };
  svg.addEventListener('pointerdown', (ev) => {
    const rect = ev.target as SVGElement;
    if (rect.dataset.series === undefined) return;
    target = { values: rect.dataset.series === '0' ? P : Q, i: Number(rect.dataset.i) };
    svg.setPointerCapture(ev.pointerId);
    setFromPointer(ev);
  });
  svg.addEventListener('pointermove', setFromPointer);
  svg.addEventListener('pointerup', () => {
    target = null;
  });
}

$('#add').addEventListener('click', () => {
  P.push(0.1);
  Q.push(0.1);
  updateDiscrete();
});
$('#remove').addEventListener('click', () => {
  if (P.length <= 2) return;
  P.pop();
  Q.pop();
  updateDiscrete();
});

// ---- continuous --------------------------------------------------------------------------

type Family = {
  params: Record<string, number>;
  make: (v: Record<string, number>) => D.Distribution;
};
const FAMILIES: Record<string, Family> = {
  Normal: {
    params: { loc: 0, scale: 1 },
    make: (v) => new D.Normal({ loc: v.loc, scale: v.scale, validateArgs: false }),
  },
  Laplace: {
    params: { loc: 0, scale: 1 },
    make: (v) => new D.Laplace({ loc: v.loc, scale: v.scale, validateArgs: false }),
  },
  Cauchy: {
    params: { loc: 0, scale: 1 },
    make: (v) => new D.Cauchy({ loc: v.loc, scale: v.scale, validateArgs: false }),
  },
  Gumbel: {
    params: { loc: 0, scale: 1 },
    make: (v) => new D.Gumbel({ loc: v.loc, scale: v.scale, validateArgs: false }),
  },
  Exponential: {
    params: { rate: 1 },
    make: (v) => new D.Exponential({ rate: v.rate, validateArgs: false }),
  },
  Gamma: {
    params: { concentration: 2, rate: 1 },
    make: (v) => new D.Gamma({ concentration: v.concentration, rate: v.rate, validateArgs: false }),
  },
  LogNormal: {
    params: { loc: 0, scale: 0.5 },
    make: (v) => new D.LogNormal({ loc: v.loc, scale: v.scale, validateArgs: false }),
  },
  Uniform: {
    params: { low: -1, high: 1 },
    make: (v) => new D.Uniform({ low: v.low, high: v.high, validateArgs: false }),
  },
  Beta: {
    params: { concentration1: 2, concentration0: 2 },
    make: (v) =>
      new D.Beta({
        concentration1: v.concentration1,
        concentration0: v.concentration0,
        validateArgs: false,
      }),
  },
};
const chosen = {
  p: { family: 'Normal', values: { loc: 0, scale: 1 } as Record<string, number> },
  q: { family: 'Normal', values: { loc: 1, scale: 1.5 } as Record<string, number> },
};

function familyControls(side: 'p' | 'q'): void {
  const select = $<HTMLSelectElement>(`#${side}-family`);
  select.replaceChildren(
    ...Object.keys(FAMILIES).map((f) => new Option(f, f, false, f === chosen[side].family)),
  );
  select.onchange = () => {
    chosen[side] = { family: select.value, values: { ...FAMILIES[select.value].params } };
    paramInputs(side);
    updateContinuous();
  };
  paramInputs(side);
}

function paramInputs(side: 'p' | 'q'): void {
  const box = $(`#${side}-params`);
  box.replaceChildren();
  for (const [name, value] of Object.entries(chosen[side].values)) {
    const label = document.createElement('label');
    label.textContent = name;
    const input = document.createElement('input');
    Object.assign(input, { type: 'number', step: '0.1', value: String(value) });
    input.name = name;
    input.addEventListener('input', () => {
      const x = Number(input.value);
      if (input.value.trim() !== '' && Number.isFinite(x)) {
        chosen[side].values[name] = x;
        updateContinuous();
      }
    });
    label.appendChild(input);
    box.appendChild(label);
  }
}

// Unvalidated logProb is NaN outside some supports (as in PyTorch): the density there is 0.
function density(d: D.Distribution, xs: number[]): number[] {
  return Array.from(d.logProb(tensor(xs, { dtype: 'float64' })).data, (l) =>
    Number.isNaN(l) ? 0 : Math.exp(l),
  );
}

function updateContinuous(): void {
  const show = (id: string, f: () => number) => {
    try {
      $(id).textContent = fmt(f());
    } catch (e) {
      $(id).textContent = (e as Error).message.replace(/^\w+: /, '');
    }
  };
  let p: D.Distribution;
  let q: D.Distribution;
  try {
    p = FAMILIES[chosen.p.family].make(chosen.p.values);
    q = FAMILIES[chosen.q.family].make(chosen.q.values);
  } catch (e) {
    $('#ckl-pq').textContent = (e as Error).message;
    return;
  }
  // a grid over the bulk of both distributions (mean +- 4 sd, clamped for heavy tails)
  const span = (d: D.Distribution) => {
    const m = d.mean.item();
    const s = Math.sqrt(d.variance.item());
    const c = Number.isFinite(m) ? m : 0;
    const w = Number.isFinite(s) ? Math.min(4 * s, 50) : 10;
    return [c - w, c + w];
  };
  const [a0, a1] = span(p);
  const [b0, b1] = span(q);
  const lo = Math.min(a0, b0);
  const hi = Math.max(a1, b1);
  const n = 801;
  const xs = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const fp = density(p, xs);
  const fq = density(q, xs);
  const svg = $<SVGSVGElement>('#curves');
  svg.replaceChildren();
  const top = Math.max(1e-9, ...fp.filter(Number.isFinite), ...fq.filter(Number.isFinite));
  const path = (f: number[]) =>
    f
      .map(
        (y, i) =>
          `${i === 0 ? 'M' : 'L'}${((i / (n - 1)) * 640).toFixed(1)},${(225 - (Math.min(y, top) / top) * 210).toFixed(1)}`,
      )
      .join('');
  el('path', { d: path(fp), stroke: '#1f77b4', fill: 'none', 'stroke-width': 2 }, svg);
  el('path', { d: path(fq), stroke: '#d62728', fill: 'none', 'stroke-width': 2 }, svg);
  el('text', { x: 4, y: 238, 'font-size': 11 }, svg).append(lo.toFixed(2));
  el('text', { x: 600, y: 238, 'font-size': 11 }, svg).append(hi.toFixed(2));
  show('#ckl-pq', () => D.klDivergence(p, q).item());
  show('#ckl-qp', () => D.klDivergence(q, p).item());
  // JSD by the trapezoid rule on the grid: (KL(P||M) + KL(Q||M)) / 2, M = (P + Q) / 2
  show('#cjsd', () => {
    const dx = (hi - lo) / (n - 1);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const m = (fp[i] + fq[i]) / 2;
      const t =
        (fp[i] > 0 ? fp[i] * Math.log(fp[i] / m) : 0) +
        (fq[i] > 0 ? fq[i] * Math.log(fq[i] / m) : 0);
      s += (i === 0 || i === n - 1 ? 0.5 : 1) * t * dx;
    }
    return s / 2;
  });
}

// ---- tensors -----------------------------------------------------------------------------

const INPUT = [
  [-2, -6, -8],
  [-7, -1, -2],
  [-1, -9, -2.3],
  [-1.9, -2.8, -5.4],
];
const TARGET = [
  [0.8, 0.1, 0.1],
  [0.1, 0.7, 0.2],
  [0.5, 0.2, 0.3],
  [0.4, 0.3, 0.3],
];

function updateTensors(): void {
  const out = $('#t-reductions');
  try {
    const input = JSON.parse($<HTMLTextAreaElement>('#input').value);
    const target = JSON.parse($<HTMLTextAreaElement>('#target').value);
    notes.length = 0;
    out.textContent = reductions(
      tensor(input),
      tensor(target),
      $<HTMLInputElement>('#log-target').checked,
    );
    if (notes.length > 0) out.textContent += `\n\nUserWarning: ${notes[0]}`;
  } catch (e) {
    out.textContent = (e as Error).message;
  }
}

const show2d = (m: number[][]) => `[${m.map((r) => JSON.stringify(r)).join(',\n ')}]`;
$<HTMLTextAreaElement>('#input').value = show2d(INPUT);
$<HTMLTextAreaElement>('#target').value = show2d(TARGET);
for (const id of ['#input', '#target', '#log-target'])
  $(id).addEventListener('input', updateTensors);

// No top-level await: the build is a classic script (it must run from file://, see vite.config.ts).
initWasm().then((wasm) => {
  updateDiscrete();
  enableDrag();
  familyControls('p');
  familyControls('q');
  updateContinuous();
  updateTensors();
  initSamplesSection();
  $('#status').textContent = `ready (${wasm ? 'WebAssembly' : 'JavaScript'} kernels)`;
  document.body.dataset.ready = 'true';
});
