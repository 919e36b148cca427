import { join } from 'node:path';
import { tmpdir } from 'node:os';

import { describe, expect, it } from 'vitest';

import { runCell } from './cell.js';
import type { BenchCell } from './types.js';

describe('runCell', () => {
  it('names --data-dir when the data file is missing', async () => {
    const cell: BenchCell = {
      dataset: 'usps',
      dataPath: join(tmpdir(), 'fixclust-no-such-folder', 'usps', 'usps.h5'),
      pcaComponents: 0,
      method: 'random',
      backend: 'cpu',
      seed: 1,
      nInit: 1,
      silhouetteSampleSize: 10,
    };
    const failure = runCell(cell);
    await expect(failure).rejects.toThrow(/not found; pass --data-dir/);
    await expect(failure).rejects.toThrow(/holds usps\/usps.h5/);
    await expect(failure).rejects.not.toThrow(/pass the path/);
  });
});
