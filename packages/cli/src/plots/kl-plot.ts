/** The per-token KL histogram (and, on request, its cumulative distribution) as SVG. */
import { type KlPlotOptions, klPanels, klSpec } from './kl-panels.js';
import { renderSvg } from './render.js';

/**
 * An SVG histogram of per-token KL on log-spaced bins (10 per decade; the x axis is log10 KL,
 * labelled in nats), with the median and the 99th percentile drawn as labelled rules. Tokens
 * with KL exactly 0 (or below the lowest bin) form a grey underflow bar at the left; tokens with
 * infinite KL are counted in the subtitle and not drawn. With `cdf: true` the cumulative
 * distribution is a second panel, on the same axis. Vega-Lite draws it, loaded on first use.
 * NaN in `kl` throws `E_NON_FINITE`; an unknown option `E_UNKNOWN_OPTION`.
 *
 * @example
 * ```ts
 * const kl = Float64Array.from({ length: 1000 }, (_, i) => 10 ** (-5 + (5 * i) / 1000));
 * const svg = await klPlotSvg(kl, { title: 'KL(base || compare) per token', cdf: true });
 * console.log(svg.startsWith('<svg'), svg.includes('median 0.00314'), svg.includes('p99 0.881')); // true true true
 * ```
 */
export async function klPlotSvg(kl: Float64Array, options?: KlPlotOptions): Promise<string> {
  const panels = klPanels(kl, options, 'klPlotSvg');
  return renderSvg(klSpec(panels, options?.cdf === true ? ['histogram', 'cdf'] : ['histogram']));
}
