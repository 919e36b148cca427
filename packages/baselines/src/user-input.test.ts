import { wasmBackend } from '@fixclust/backend-wasm';
import { parseCsv, parseNpy } from '@fixclust/datasets';
import { externalMetrics } from '@fixclust/metrics';
import { beforeAll, describe, expect, it } from 'vitest';

import { kmeans } from './kmeans.js';

beforeAll(async () => {
  await wasmBackend().initialise();
});

/** NPY version 1.0 bytes of a 4 × 1 `uint8` column. */
function uint8Column(values: number[]): Uint8Array {
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${values.length}, 1), }`;
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const bytes = new Uint8Array(10 + headerLength + values.length);
  bytes.set([0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), 1, 0]);
  bytes[8] = headerLength & 0xff;
  bytes[9] = headerLength >> 8;
  bytes.set(
    header.split('').map((c) => c.charCodeAt(0)),
    10,
  );
  bytes.set(values, 10 + headerLength);
  return bytes;
}

describe("k-means on users' files", () => {
  it('clusters 8-bit values without wrap-around', async () => {
    const array = parseNpy(uint8Column([0, 255, 1, 254]), 'column.npy');
    expect(Array.from(array.data)).toEqual([0, 255, 1, 254]);

    const data = { x: array.data, nSamples: 4, nFeatures: 1 };
    const result = await kmeans(data, { nClusters: 2, seed: 0 });
    expect(result.labels[0]).toBe(result.labels[2]);
    expect(result.labels[1]).toBe(result.labels[3]);
    expect(result.labels[0]).not.toBe(result.labels[1]);
    expect(result.inertia).toBe(1);
  });

  it.each([
    [',', 'f1,f2,label\n0,0,a\n0.1,0.2,a\n9,9,b\n9.2,8.9,b\n'],
    [';', 'f1;f2;label\n0;0;a\n0.1;0.2;a\n9;9;b\n9.2;8.9;b\n'],
    ['tab', 'f1\tf2\tlabel\n0\t0\ta\n0.1\t0.2\ta\n9\t9\tb\n9.2\t8.9\tb\n'],
  ])('reads a %s-separated file and scores ACC 1', async (_, text) => {
    const dataset = parseCsv(text, 'points.csv', { labelColumn: 'label' });
    expect([dataset.nSamples, dataset.nFeatures]).toEqual([4, 2]);
    expect(Array.from(dataset.labels!)).toEqual([0, 0, 1, 1]);

    const result = await kmeans(dataset, { nClusters: 2, seed: 0 });
    expect(externalMetrics(dataset.labels!, result.labels).accuracy).toBe(1);
  });
});
