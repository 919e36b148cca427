import { compareCodePoints, splitTokens } from './tokenize.js';

/**
 * Term counts of a corpus as a sparse documents × terms matrix in CSR form.
 * Within a row, term ids increase.
 */
export interface TermCounts {
  nDocuments: number;
  /** `nDocuments + 1` offsets into `termIds` and `counts`. */
  indptr: Int32Array;
  termIds: Int32Array;
  /** Number of occurrences of the term in the document, at least 1. */
  counts: Int32Array;
}

/**
 * Counts the tokens of each document (see {@link tokenize}).
 *
 * @param termIds - Id of each known term. With `grow`, a token not in the
 *   map gets the next free id and is added; without it, the token is
 *   skipped.
 */
export function countTerms(
  documents: readonly string[],
  termIds: Map<string, number>,
  options: { lowercase: boolean; grow: boolean },
): TermCounts {
  const indptr = new Int32Array(documents.length + 1);
  const ids: number[] = [];
  const counts: number[] = [];
  let countOfId = new Int32Array(Math.max(1024, termIds.size));
  let rowIds = new Int32Array(1024);

  documents.forEach((document, row) => {
    let n = 0;
    for (const token of splitTokens(document, options.lowercase)) {
      let id = termIds.get(token);
      if (id === undefined) {
        if (!options.grow) continue;
        id = termIds.size;
        termIds.set(token, id);
        if (id >= countOfId.length) countOfId = grow(countOfId, id + 1);
      }
      if (countOfId[id] === 0) {
        if (n === rowIds.length) rowIds = grow(rowIds, n + 1);
        rowIds[n++] = id;
      }
      countOfId[id]! += 1;
    }

    for (const id of rowIds.subarray(0, n).sort()) {
      ids.push(id);
      counts.push(countOfId[id]!);
      countOfId[id] = 0;
    }
    indptr[row + 1] = ids.length;
  });

  return {
    nDocuments: documents.length,
    indptr,
    termIds: Int32Array.from(ids),
    counts: Int32Array.from(counts),
  };
}

/** Returns a copy of `array` with room for at least `length` values. */
function grow(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(length, 2 * array.length));
  grown.set(array);
  return grown;
}

/**
 * Sums, for each term id below `nTerms`, its count over all documents and
 * the number of documents that contain it (its document frequency).
 */
export function termTotals(
  counts: TermCounts,
  nTerms: number,
): { totals: Float64Array; documentFrequencies: Int32Array } {
  const totals = new Float64Array(nTerms);
  const documentFrequencies = new Int32Array(nTerms);
  for (let p = 0; p < counts.termIds.length; p++) {
    const id = counts.termIds[p]!;
    totals[id]! += counts.counts[p]!;
    documentFrequencies[id]! += 1;
  }
  return { totals, documentFrequencies };
}

/**
 * Returns the ids of the terms to keep, sorted by term: all of them, or the
 * `maxFeatures` with the largest total count, ties ranked by term.
 */
export function selectTerms(
  terms: readonly string[],
  totals: Float64Array,
  maxFeatures: number | undefined,
): number[] {
  const byTerm = (a: number, b: number): number =>
    compareCodePoints(terms[a]!, terms[b]!);
  let ids = terms.map((_, id) => id);
  if (maxFeatures !== undefined && maxFeatures < ids.length) {
    ids.sort((a, b) => totals[b]! - totals[a]! || byTerm(a, b));
    ids = ids.slice(0, maxFeatures);
  }
  return ids.sort(byTerm);
}

/**
 * Replaces term ids by columns (`-1`: dropped), keeping columns increasing
 * within each row.
 */
export function remapColumns(
  counts: TermCounts,
  columnOfId: Int32Array,
  nColumns: number,
): TermCounts {
  const indptr = new Int32Array(counts.nDocuments + 1);
  const columns: number[] = [];
  const values: number[] = [];
  const countOfColumn = new Int32Array(nColumns);
  let rowColumns = new Int32Array(64);

  for (let row = 0; row < counts.nDocuments; row++) {
    const start = counts.indptr[row]!;
    const end = counts.indptr[row + 1]!;
    if (rowColumns.length < end - start) {
      rowColumns = new Int32Array(end - start);
    }
    let n = 0;
    for (let p = start; p < end; p++) {
      const column = columnOfId[counts.termIds[p]!]!;
      if (column < 0) continue;
      countOfColumn[column] = counts.counts[p]!;
      rowColumns[n++] = column;
    }
    for (const column of rowColumns.subarray(0, n).sort()) {
      columns.push(column);
      values.push(countOfColumn[column]!);
    }
    indptr[row + 1] = columns.length;
  }

  return {
    nDocuments: counts.nDocuments,
    indptr,
    termIds: Int32Array.from(columns),
    counts: Int32Array.from(values),
  };
}
