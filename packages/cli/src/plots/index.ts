/** The plots of `kldiv logits`, as SVG strings (vega and vega-lite load on the first call). */
export { type DeltaPPlotOptions, deltaPPlotSvg } from './delta-p-plot.js';
export { klCdfSvg } from './kl-cdf-plot.js';
export type { KlPlotOptions } from './kl-panels.js';
export { klPlotSvg } from './kl-plot.js';
