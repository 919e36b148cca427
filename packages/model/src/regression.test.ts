import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import { Random } from '@fixclust/core';
import { loadUsps, sampleDataset } from '@fixclust/datasets';
import { beforeAll, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { FixedRepresentativeClustering } from './model.js';

/**
 * Labels and per-epoch losses of the fit below, recorded from the published
 * km50 setup before any optional feature existed. The default options must
 * keep reproducing them exactly on the wasm backend.
 */
const snapshotPath = join(
  import.meta.dirname,
  'fixtures',
  'km50-usps-labels.json',
);

interface Snapshot {
  labels: number[];
  epochLosses: number[][];
}

describeWithData('km50 regression', ['usps/usps.h5'], (directory) => {
  beforeAll(async () => {
    await wasmBackend().initialise();
  });

  it('gives the stored labels on 2,000 USPS digits', async () => {
    const usps = await loadUsps({ path: join(directory, 'usps/usps.h5') });
    const data = sampleDataset(usps, 2000, new Random(0));
    const model = new FixedRepresentativeClustering({
      nClusters: 10,
      preset: 'km50',
      seed: 1,
      epochs: 2,
      nRuns: 2,
    });
    const result = await model.fit(data);
    const stored = JSON.parse(await readFile(snapshotPath, 'utf8')) as Snapshot;

    expect(Array.from(result.labels)).toEqual(stored.labels);
    expect(result.runs.map((run) => run.epochLosses)).toEqual(
      stored.epochLosses,
    );
  });
});
