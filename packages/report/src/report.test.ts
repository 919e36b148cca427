import { describe, expect, it } from 'vitest';

import { benchReportHtml, type BenchReportRow } from './bench-report.js';
import { escapeHtml } from './html.js';
import { runReportHtml, type RunReportInput } from './run-report.js';

/** Values of every `src` and `href` attribute in `html`. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map(
    (match) => match[1]!,
  );
}

const input: RunReportInput = {
  title: 'fixclust run: toy <data>',
  overview: [['data', '4 samples × 3 features']],
  settings: { nClusters: 3, data: { dataset: 'toy.csv' }, plugins: [] },
  metrics: [
    { name: 'init', purity: 0.5, ari: 0, nmi: 0.1, accuracy: 0.5 },
    { name: 'trained', purity: 1, ari: 1, nmi: 1, accuracy: 0.75 },
  ],
  warnings: ['1 of 3 clusters is empty: 2'],
  runs: [
    { run: 0, epochLosses: [2, 1] },
    { run: 1, epochLosses: [2, 1.5] },
  ],
  bestRun: 0,
  clusterSizes: [3, 1, 0],
  assignments: { clusters: [0, 0, 1, 0], classes: [1, 1, 0, 0] },
  mapped: {
    nClusters: 3,
    mapped: [
      [1, -1, -1],
      [0.8, -1, -1],
      [-1, 1, -1],
      [0.9, -0.9, -1],
    ],
    clusters: [0, 0, 1, 0],
    classes: [1, 1, 0, 0],
    representatives: [
      [1, -1, -1],
      [-1, 1, -1],
      [-1, -1, 1],
    ],
    pca: [
      [1, 0],
      [0.8, 0.1],
      [-1.5, 0],
      [0.9, -0.1],
    ],
    representativesPca: [
      [1, 0],
      [-1.5, 0],
      [0, 1.7],
    ],
  },
  images: { width: 2, height: 2, images: [[[0, 1, 1, 0]], [[1, 0, 0, 1]], []] },
};

describe('runReportHtml', () => {
  it('loads nothing over the network', async () => {
    const html = await runReportHtml(input);
    const remote = links(html).filter((link) => /^(https?:)?\/\//i.test(link));
    expect(remote).toEqual([]);
    expect(html).not.toMatch(/<script|<link|@import|url\((?!#)/i);
  });

  it('contains the metric table', async () => {
    const html = await runReportHtml(input);
    expect(html).toContain('<th>ACC</th>');
    expect(html).toContain('<td>trained</td><td class="number">1</td>');
    expect(html).toContain('<td class="number">0.7500</td>');
  });

  it('contains the warnings and settings', async () => {
    const html = await runReportHtml(input);
    expect(html).toContain('1 of 3 clusters is empty: 2');
    expect(html).toContain('<td>data.dataset</td><td>&quot;toy.csv&quot;</td>');
  });

  it('inlines every chart', async () => {
    const html = await runReportHtml(input);
    // Loss, sizes, three mapped-space views and the confusion matrix.
    expect(html.split('<svg').length - 1).toBe(6);
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo');
  });

  it('says the loss terms are not recorded', async () => {
    const html = await runReportHtml(input);
    expect(html).toContain('records the total loss per epoch only');
  });

  it('escapes the title', async () => {
    const html = await runReportHtml(input);
    expect(html).toContain('<title>fixclust run: toy &lt;data&gt;</title>');
  });

  it('skips the plane of one cluster', async () => {
    const mapped = {
      nClusters: 1,
      mapped: [[0.5], [0.7]],
      clusters: [0, 0],
      representatives: [[1]],
    };
    const html = await runReportHtml({
      ...input,
      clusterSizes: [4],
      assignments: undefined,
      mapped,
    });
    expect(html).toContain('no plane to draw');
  });

  it('skips the plane of a 1-D space', async () => {
    // Two clusters on the simplex layout share one mapped coordinate.
    const mapped = {
      nClusters: 2,
      mapped: [[-0.9], [1.1]],
      clusters: [0, 1],
      representatives: [[-1], [1]],
    };
    const html = await runReportHtml({
      ...input,
      clusterSizes: [2, 2],
      assignments: undefined,
      mapped,
    });
    expect(html).toContain('no plane to draw');
  });

  it('leaves out what is not given', async () => {
    const { assignments, mapped, images, ...bare } = input;
    const html = await runReportHtml({ ...bare, metrics: [] });
    expect(html.split('<svg').length - 1).toBe(2);
    expect(html).toContain('no metric applies');
    expect(html).not.toContain('<img');
  });
});

describe('benchReportHtml', () => {
  const row = (method: string, accuracy: number): BenchReportRow => ({
    dataset: 'usps',
    features: 'raw',
    method,
    seed: 1,
    metrics: { purity: accuracy, ari: 0.5, nmi: 0.5, accuracy },
    nClusters: 10,
    nonEmptyClusters: 10,
    fitSeconds: 1.25,
    backend: { name: 'cpu' },
  });

  it('holds the table and the bars', async () => {
    const html = await benchReportHtml({
      title: 'fixclust bench',
      command: 'fixclust bench --quick',
      date: '2026-01-01',
      machine: [['cpu', 'test']],
      rows: [row('kmeans', 0.6), row('km50', 0.7)],
      failures: ['usps raw gmm: exit status 1'],
    });
    // Command, date and CPU rows, then the header and one row per result.
    expect(html.split('<tr>').length - 1).toBe(3 + 3);
    expect(html.split('aria-roledescription="bar"').length - 1).toBe(2);
    expect(html).toContain('usps raw gmm: exit status 1');
    expect(links(html)).toEqual([]);
  });
});

describe('escapeHtml', () => {
  it('escapes markup characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });
});
