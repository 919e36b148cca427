import { describe, expect, it } from 'vitest';

import { clusterSizesSpec } from './charts/sizes.js';
import { renderSvg, svgToPng } from './render.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('renderSvg', () => {
  it('returns a standalone SVG document', async () => {
    const svg = await renderSvg(clusterSizesSpec([1, 2]));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(
      true,
    );
    expect(svg.endsWith('</svg>')).toBe(true);
  });
});

describe('svgToPng', () => {
  it('starts with the PNG signature', async () => {
    const png = svgToPng(await renderSvg(clusterSizesSpec([1, 2])));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('scales to the requested width', async () => {
    const png = svgToPng(await renderSvg(clusterSizesSpec([1, 2])), {
      width: 123,
    });
    // The IHDR chunk stores the width as a big-endian integer at byte 16.
    const width = Buffer.from(png).readUInt32BE(16);
    expect(width).toBe(123);
  });
});
