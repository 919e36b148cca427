import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { wasmBackend } from '@fixclust/backend-wasm';
import { Random, type Dataset } from '@fixclust/core';
import { loadUsps, sampleDataset } from '@fixclust/datasets';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../tools/test-data.js';
import { FixedRepresentativeClustering } from './model.js';
import type { PresetName } from './options.js';

/** The setups published with the method, each with a stored snapshot. */
const PUBLISHED_PRESETS: PresetName[] = ['km1', 'km50', 'gmm1', 'cmm1'];

function snapshotPath(preset: PresetName): string {
  return join(import.meta.dirname, 'fixtures', `${preset}-usps-labels.json`);
}

interface Snapshot {
  labels: number[];
  epochLosses: number[][];
}

async function readSnapshot(preset: PresetName): Promise<Snapshot> {
  return JSON.parse(await readFile(snapshotPath(preset), 'utf8')) as Snapshot;
}

// Labels and per-epoch losses of each published preset on the same 2,000
// USPS digits (seed 1, 2 runs of 2 epochs), recorded from the published
// setups on commit 5b13dde, before any work on clustering quality. Every
// preset must keep reproducing its snapshot exactly on the wasm backend. A change that alters them changes
// the published method, so it needs new snapshots recorded on purpose.
describeWithData('preset regression', ['usps/usps.h5'], (directory) => {
  let data: Dataset;

  beforeAll(async () => {
    await wasmBackend().initialise();
    const usps = await loadUsps({ path: join(directory, 'usps/usps.h5') });
    data = sampleDataset(usps, 2000, new Random(0));
  });

  for (const preset of PUBLISHED_PRESETS) {
    describe(preset, () => {
      it('gives the stored labels and losses', async () => {
        const model = new FixedRepresentativeClustering({
          nClusters: 10,
          preset,
          seed: 1,
          epochs: 2,
          nRuns: 2,
        });
        const result = await model.fit(data);
        const stored = await readSnapshot(preset);

        expect(Array.from(result.labels)).toEqual(stored.labels);
        expect(result.runs.map((run) => run.epochLosses)).toEqual(
          stored.epochLosses,
        );
      });
    });
  }
});
