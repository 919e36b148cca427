import type { RowSource } from './data.js';

/**
 * Counts the distinct rows of `source`, stopping once `limit` are found,
 * so the cost is at most n × limit row comparisons.
 *
 * @returns the number of distinct rows, or `limit` when there are at least
 * that many.
 */
export function countDistinctRows(source: RowSource, limit: number): number {
  const d = source.nFeatures;
  const distinct: Float32Array[] = [];
  source.forEachChunk((block, start, end) => {
    for (let r = 0; r < end - start && distinct.length < limit; r++) {
      const row = block.subarray(r * d, (r + 1) * d);
      if (!distinct.some((seen) => equalRows(seen, row))) {
        distinct.push(row.slice());
      }
    }
  });
  return distinct.length;
}

function equalRows(a: Float32Array, b: Float32Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}
