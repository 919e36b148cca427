import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import type { MappedSampleFile } from './mapped-sample.js';
import { main } from './program.js';
import { writeBenchReport } from './report-command.js';
import type { RunSummary } from './summary.js';
import { captureOutput } from './test-output.js';

const binary = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../bin/fixclust.js',
);
const execute = promisify(execFile);

/** Values of every `src` and `href` attribute in `html`. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map(
    (match) => match[1]!,
  );
}

describeWithData(
  'fixclust run --report on 500 USPS digits',
  ['usps/usps.h5'],
  (data) => {
    let directory: string;
    let stderr: string;
    let html: string;
    let summary: RunSummary;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'fixclust-report-'));
      const result = await execute(process.execPath, [
        binary,
        'run',
        '--dataset',
        'usps',
        '--data',
        join(data, 'usps/usps.h5'),
        '--limit',
        '500',
        '--epochs',
        '2',
        '--runs',
        '2',
        '--seed',
        '5',
        '--out',
        directory,
        '--report',
        directory,
      ]);
      stderr = result.stderr;
      html = await readFile(join(directory, 'report.html'), 'utf8');
      summary = JSON.parse(
        await readFile(join(directory, 'summary.json'), 'utf8'),
      ) as RunSummary;
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('loads nothing over the network', () => {
      expect(
        links(html).filter((link) => /^(https?:)?\/\//i.test(link)),
      ).toEqual([]);
      expect(html).not.toMatch(/<script|<link|@import/i);
    });

    it('holds the metric table of the run', () => {
      const accuracy = summary.trained!.accuracy.toFixed(4);
      expect(html).toContain('<th>ACC</th>');
      expect(html).toContain(`<td class="number">${accuracy}</td>`);
    });

    it('draws every chart', () => {
      // Loss, sizes, three mapped-space views and the confusion matrix.
      expect(html.split('<svg').length - 1).toBe(6);
      expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo');
    });

    it('writes the mapped sample', async () => {
      const sample = JSON.parse(
        await readFile(join(directory, 'mapped-sample.json'), 'utf8'),
      ) as MappedSampleFile;
      expect(sample.rows).toHaveLength(500);
      expect(sample.mapped[0]).toHaveLength(10);
      expect(sample.pca).toHaveLength(500);
      expect(sample.representativesPca).toHaveLength(10);
      expect(sample.images?.images).toHaveLength(10);
      expect(sample.images?.width).toBe(16);
    });

    it('prints plain progress lines off a terminal', () => {
      expect(stderr).toMatch(/^run 1\/2 {2}epoch 1\/2 {2}loss /m);
      expect(stderr).not.toMatch(/\r|\x1b/);
      expect(stderr).toContain(
        `wrote the report to ${join(directory, 'report.html')}`,
      );
    });

    it('matches fixclust report output', async () => {
      const copy = join(directory, 'again.html');
      const output = captureOutput();
      const status = await main(
        ['node', 'fixclust', 'report', directory, '--out', copy],
        output,
      );
      expect(status).toBe(0);
      expect(await readFile(copy, 'utf8')).toBe(html);
    });
  },
);

describe('writeBenchReport', () => {
  it('writes the grid as HTML', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'fixclust-report-'));
    const metrics = { purity: 0.7, ari: 0.5, nmi: 0.6, accuracy: 0.65 };
    const file = await writeBenchReport(directory, {
      schemaVersion: 1,
      command: 'fixclust bench --quick',
      date: '2026-01-02',
      machine: { cpu: 'test CPU', cores: 2, memoryGiB: 8, node: 'v20.19.0' },
      rows: [
        {
          dataset: 'usps',
          nSamples: 2000,
          nFeatures: 256,
          features: 'raw',
          method: 'kmeans',
          seed: 1,
          metrics,
          silhouette: null,
          daviesBouldin: null,
          silhouetteSampleSize: 500,
          nClusters: 10,
          nonEmptyClusters: 10,
          runsCollapsed: null,
          nRuns: null,
          runSpread: null,
          fitSeconds: 1.5,
          epochSeconds: null,
          floorSeconds: null,
          predictRowsPerSecond: null,
          peakRssMiB: 100,
          backend: { name: 'cpu', version: '4.22.0', threads: 1 },
          warnings: [],
        },
      ],
      failures: [],
    });
    const html = await readFile(file, 'utf8');
    await rm(directory, { recursive: true, force: true });
    expect(file).toBe(join(directory, 'benchmarks.html'));
    expect(html).toContain('<td>test CPU (2 cores)</td>');
    expect(html).toContain('<td class="number">0.650</td>');
    expect(html.split('aria-roledescription="bar"').length - 1).toBe(1);
  });
});

describe('fixclust report', () => {
  it('rejects a folder without summary.json', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'fixclust-report-'));
    const output = captureOutput();
    const status = await main(
      ['node', 'fixclust', 'report', directory],
      output,
    );
    await rm(directory, { recursive: true, force: true });
    expect(status).toBe(2);
    expect(output.stderr.join('\n')).toContain('has no summary.json');
  });
});
