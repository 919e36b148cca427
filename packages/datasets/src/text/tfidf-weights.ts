import type { CsrMatrix } from '@fixclust/core';

import type { TermCounts } from './term-counts.js';

/** Returns `ln((1 + n) / (1 + df)) + 1` for each document frequency. */
export function smoothIdf(
  documentFrequencies: Int32Array,
  nDocuments: number,
): Float64Array {
  return Float64Array.from(
    documentFrequencies,
    (df) => Math.log((1 + nDocuments) / (1 + df)) + 1,
  );
}

/** Multiplies counts by idf and scales each row to unit L2 norm. */
export function weighCounts(counts: TermCounts, idf: Float64Array): CsrMatrix {
  const data = new Float32Array(counts.counts.length);
  const weights = new Float64Array(256);
  for (let row = 0; row < counts.nDocuments; row++) {
    const start = counts.indptr[row]!;
    const end = counts.indptr[row + 1]!;
    const rowWeights =
      end - start <= weights.length ? weights : new Float64Array(end - start);
    let squares = 0;
    for (let p = start; p < end; p++) {
      const weight = counts.counts[p]! * idf[counts.termIds[p]!]!;
      rowWeights[p - start] = weight;
      squares += weight * weight;
    }
    const norm = Math.sqrt(squares);
    for (let p = start; p < end; p++) data[p] = rowWeights[p - start]! / norm;
  }

  return {
    format: 'csr',
    nRows: counts.nDocuments,
    nCols: idf.length,
    indptr: counts.indptr,
    indices: counts.termIds,
    data,
  };
}
