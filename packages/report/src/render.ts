import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to a standalone SVG document: `vega-lite`
 * compiles it to a Vega spec and a headless `vega` view (renderer `none`)
 * draws it. The spec must hold its data inline, so nothing is fetched.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Width of the image in pixels. Default: the SVG's own width. */
  width?: number;
}

/**
 * Rasterises an SVG document to PNG bytes with resvg, on a white
 * background. Text is drawn with the fonts installed on the system.
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const fitTo =
    options.width === undefined
      ? { mode: 'original' as const }
      : { mode: 'width' as const, value: options.width };
  const rendered = new Resvg(svg, { fitTo, background: 'white' }).render();
  return rendered.asPng();
}
