import { InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { renderSvg } from '../render.js';
import type { MappedSample } from '../types.js';
import { imageGridSvg } from './image-grid.js';
import { lossChartSpec } from './loss.js';
import { mappedSpaceSpec } from './mapped.js';
import { clusterSizesSpec } from './sizes.js';

/** Counts occurrences of `text` in `svg`. */
function count(svg: string, text: string): number {
  return svg.split(text).length - 1;
}

/** Contents of the first `<g>` whose class starts with `className`. */
function markGroup(svg: string, className: string): string {
  const start = svg.indexOf(`<g class="${className}`);
  return start < 0 ? '' : svg.slice(start, svg.indexOf('</g>', start));
}

/** Texts of the SVG's `<text>` elements. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('lossChartSpec', () => {
  const runs = [
    { run: 0, epochLosses: [3, 2, 1] },
    { run: 1, epochLosses: [3, 2.5, 2], epochVariableFeatures: [-1, -2, -3] },
    { run: 2, epochLosses: [4, 3] },
  ];

  it('draws one line per run and term', async () => {
    const svg = await renderSvg(lossChartSpec(runs, 1));
    expect(count(svg, 'class="mark-line role-mark')).toBe(4);
  });

  it('titles the axes', async () => {
    const labels = texts(await renderSvg(lossChartSpec(runs, 1)));
    expect(labels).toContain('epoch');
    expect(labels).toContain('mean loss');
  });

  it('marks the kept run', async () => {
    const labels = texts(await renderSvg(lossChartSpec(runs, 1)));
    expect(labels).toContain('run 2 (kept)');
    expect(labels).toContain('run 1');
    expect(labels).toContain('variable-features term');
  });
});

describe('clusterSizesSpec', () => {
  it('draws one bar per cluster, empty ones too', async () => {
    const svg = await renderSvg(clusterSizesSpec([5, 0, 3, 0, 7]));
    expect(count(svg, 'aria-roledescription="bar"')).toBe(5);
    expect(count(svg, 'samples: 0"')).toBe(2);
  });

  it('labels empty clusters', async () => {
    const svg = await renderSvg(clusterSizesSpec([5, 0, 3, 0]));
    const labels = texts(markGroup(svg, 'mark-text role-mark'));
    expect(labels).toEqual(['empty', 'empty']);
  });
});

describe('mappedSpaceSpec', () => {
  const sample: MappedSample = {
    nClusters: 3,
    mapped: [
      [0.9, -1, -0.8],
      [-1, 1.1, -0.9],
      [-0.7, -1, 1],
      [1, -0.9, -1],
    ],
    clusters: [0, 1, 2, 0],
    classes: [4, 5, 6, 6],
    representatives: [
      [1, -1, -1],
      [-1, 1, -1],
      [-1, -1, 1],
    ],
  };

  it('draws every row and representative', async () => {
    const svg = await renderSvg(mappedSpaceSpec(sample));
    expect(count(svg, 'aria-roledescription="circle"')).toBe(4);
    expect(count(svg, 'aria-roledescription="point"')).toBe(3);
  });

  it('titles the axes', async () => {
    const labels = texts(await renderSvg(mappedSpaceSpec(sample)));
    expect(labels).toContain('coordinate 1');
    expect(labels).toContain('coordinate 2');
  });

  it('colours by class on request', async () => {
    const svg = await renderSvg(mappedSpaceSpec(sample, { colour: 'class' }));
    expect(texts(svg)).toEqual(expect.arrayContaining(['class', '4', '5']));
  });

  it('rejects pca without PCA coordinates', () => {
    expect(() => mappedSpaceSpec(sample, { axes: 'pca' })).toThrow(
      InvalidParameterError,
    );
  });

  it('rejects class colours without classes', () => {
    const { classes: _classes, ...unlabelled } = sample;
    expect(() => mappedSpaceSpec(unlabelled, { colour: 'class' })).toThrow(
      /no true classes/,
    );
  });
});

describe('imageGridSvg', () => {
  const images = {
    width: 2,
    height: 2,
    images: [
      [[0, 1, 1, 0]],
      [],
      [
        [2, 3, 4, 5],
        [0, 0, 0, 1],
      ],
    ],
  };

  it('draws every non-white pixel', () => {
    const svg = imageGridSvg(images);
    // 2 + 3 + 1 pixels above their image's minimum, plus the background.
    expect(count(svg, '<rect')).toBe(7);
  });

  it('keeps a row for an empty cluster', () => {
    const svg = imageGridSvg(images, { scale: 1, gap: 0 });
    expect(svg).toContain('height="6"');
  });

  it('rejects an image of the wrong size', () => {
    expect(() =>
      imageGridSvg({ width: 2, height: 2, images: [[[1, 2, 3]]] }),
    ).toThrow(/3 pixels/);
  });
});
