/**
 * Vega-Lite to SVG, server-side (no DOM, no canvas). vega and vega-lite are about 200 ms of
 * start-up, so they load here, on the first plot, and never for a command that draws none.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * The SVG of a Vega-Lite spec.
 *
 * @example
 * ```ts
 * const svg = await renderSvg({ data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } });
 * console.log(svg.startsWith('<svg')); // true
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
