import { describe, expect, it } from 'vitest';

import { renderSvg } from '../render.js';
import { confusionChartSpec, matchedConfusion } from './confusion.js';

describe('matchedConfusion', () => {
  const classes = [0, 0, 1, 1, 2, 2, 2];
  const clusters = [2, 2, 0, 1, 1, 1, 1];

  it('orders clusters by matched class', () => {
    const confusion = matchedConfusion(classes, clusters, 4);
    expect(confusion.clusters).toEqual([2, 0, 1, 3]);
    expect(confusion.matchedClass).toEqual([0, 1, 2, null]);
  });

  it('counts samples per cell', () => {
    const confusion = matchedConfusion(classes, clusters, 4);
    expect(confusion.classes).toEqual([0, 1, 2]);
    expect(confusion.counts).toEqual([
      [2, 0, 0],
      [0, 1, 0],
      [0, 1, 3],
      [0, 0, 0],
    ]);
  });

  it('puts matched samples on the diagonal', () => {
    const confusion = matchedConfusion(classes, clusters, 4);
    const diagonal = confusion.classes.map((_, i) => confusion.counts[i]![i]!);
    // Accuracy of this clustering is 6/7: only one sample of class 1 is off.
    expect(diagonal.reduce((a, b) => a + b)).toBe(6);
  });

  it('rejects a cluster out of range', () => {
    expect(() => matchedConfusion([0, 1], [0, 5], 3)).toThrow(/outside 0 … 2/);
  });
});

describe('confusionChartSpec', () => {
  it('draws one cell per cluster and class', async () => {
    const confusion = matchedConfusion([0, 1, 1], [1, 0, 2], 4);
    const svg = await renderSvg(confusionChartSpec(confusion));
    expect(svg.split('aria-roledescription="rect mark"').length - 1).toBe(8);
  });
});
