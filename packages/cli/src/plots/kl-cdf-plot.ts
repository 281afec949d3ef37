/** The cumulative distribution of per-token KL as SVG (`kldiv logits --plot-cdf`). */
import { type KlPlotOptions, klPanels, klSpec } from './kl-panels.js';
import { renderSvg } from './render.js';

/**
 * An SVG of the cumulative distribution of per-token KL: the fraction of all tokens whose KL is
 * below x, on the log axis and with the marks of {@link klPlotSvg} (`cdf` is ignored). Tokens
 * with infinite KL count in the denominator, so the curve ends below 100 % when there are any.
 *
 * @example
 * ```ts
 * const kl = new Float64Array([1e-4, 1e-3, 1e-2, 0.1, Infinity]);
 * const svg = await klCdfSvg(kl, { title: 'cumulative' });
 * console.log(svg.includes('1 infinite (not drawn)'), svg.includes('p99 ∞')); // true true
 * ```
 */
export async function klCdfSvg(kl: Float64Array, options?: KlPlotOptions): Promise<string> {
  return renderSvg(klSpec(klPanels(kl, options, 'klCdfSvg'), ['cdf']));
}
