import { Random } from '@fixclust/core';

/** Options of {@link sampleBlobsCsv}. */
export interface SampleOptions {
  /** Number of blobs, each a class. Default: 3. */
  nBlobs?: number;
  /** Rows per blob. Default: 100. */
  rowsPerBlob?: number;
  /** Seed of the noise. Default: 1. */
  seed?: number;
}

/** Distance of each blob centre from the origin, in feature units. */
const CENTRE_RADIUS = 4;
/** Standard deviation of the Gaussian noise around a centre. */
const NOISE = 0.5;

/**
 * Generates CSV text of Gaussian blobs in two features, `x` and `y`, with
 * their class in a `class` column (`blob-1`, `blob-2`, ...). The centres
 * sit evenly on a circle of radius 4 and the noise has standard deviation
 * 0.5, so neighbouring blobs are well separated. Row i belongs to blob
 * `i % nBlobs`.
 */
export function sampleBlobsCsv(options: SampleOptions = {}): string {
  const { nBlobs = 3, rowsPerBlob = 100, seed = 1 } = options;
  const random = new Random(seed);
  const lines = ['x,y,class'];
  for (let i = 0; i < nBlobs * rowsPerBlob; i++) {
    const blob = i % nBlobs;
    const angle = (2 * Math.PI * blob) / nBlobs;
    const x = CENTRE_RADIUS * Math.cos(angle) + NOISE * gaussian(random);
    const y = CENTRE_RADIUS * Math.sin(angle) + NOISE * gaussian(random);
    lines.push(`${x.toFixed(4)},${y.toFixed(4)},blob-${blob + 1}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Draws a standard normal value by the Box–Muller transform. */
function gaussian(random: Random): number {
  const u = 1 - random.float();
  const v = random.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
