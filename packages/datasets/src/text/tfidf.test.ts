import {
  InvalidDataError,
  InvalidParameterError,
  assertValidCsr,
  type CsrMatrix,
} from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { catchError } from '../test-fixtures.js';
import { toDense } from './sparse-dataset.js';
import { TfidfVectorizer } from './tfidf.js';

// Tokens: [the, cat, sat], [the, cat, the, dog], [bird]; `a` is too short.
const CORPUS = ['The cat sat.', 'the CAT, the dog', 'a bird'];

// Smooth idf with n = 3: ln(4 / (1 + df)) + 1.
const IDF_DF1 = 1 + Math.log(2);
const IDF_DF2 = 1 + Math.log(4 / 3);

/** Returns row `row` of `matrix` as a map from column to value. */
function rowOf(matrix: CsrMatrix, row: number): Map<number, number> {
  const values = new Map<number, number>();
  for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++) {
    values.set(matrix.indices[p]!, matrix.data[p]!);
  }
  return values;
}

/** Scales `weights` to unit L2 norm. */
function unit<T extends number[]>(weights: [...T]): { [K in keyof T]: number } {
  const norm = Math.hypot(...weights);
  return weights.map((weight) => weight / norm) as { [K in keyof T]: number };
}

describe('TfidfVectorizer', () => {
  it('sorts the vocabulary', () => {
    const vectorizer = new TfidfVectorizer().fit(CORPUS);
    expect(vectorizer.vocabulary).toEqual(['bird', 'cat', 'dog', 'sat', 'the']);
  });

  it('computes the smooth idf', () => {
    const vectorizer = new TfidfVectorizer().fit(CORPUS);
    expect(Array.from(vectorizer.idf)).toEqual([
      IDF_DF1,
      IDF_DF2,
      IDF_DF1,
      IDF_DF1,
      IDF_DF2,
    ]);
  });

  it('weighs raw counts and normalizes rows', () => {
    const x = new TfidfVectorizer().fitTransform(CORPUS);
    const [cat, the, sat] = unit([IDF_DF2, IDF_DF2, IDF_DF1]);
    const [cat1, dog1, the1] = unit([IDF_DF2, IDF_DF1, 2 * IDF_DF2]);

    expect(Array.from(x.indptr)).toEqual([0, 3, 6, 7]);
    expect(Array.from(x.indices)).toEqual([1, 3, 4, 1, 2, 4, 0]);
    expect(Array.from(x.data)).toEqual(
      [cat, sat, the, cat1, dog1, the1, 1].map(Math.fround),
    );
  });

  it('returns a valid float32 CSR matrix', () => {
    const x = new TfidfVectorizer().fitTransform(CORPUS);
    expect(x.format).toBe('csr');
    expect(x.nRows).toBe(3);
    expect(x.nCols).toBe(5);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(() => assertValidCsr(x)).not.toThrow();
  });

  it('keeps the most frequent terms', () => {
    // Totals: the 3, cat 2, bird, dog and sat 1 each; bird wins the tie.
    const vectorizer = new TfidfVectorizer({ maxFeatures: 3 });
    const x = vectorizer.fitTransform(CORPUS);
    expect(vectorizer.vocabulary).toEqual(['bird', 'cat', 'the']);
    expect(x.nCols).toBe(3);
    expect(Array.from(vectorizer.idf)).toEqual([IDF_DF1, IDF_DF2, IDF_DF2]);
  });

  it('normalizes over the kept terms', () => {
    const x = new TfidfVectorizer({ maxFeatures: 3 }).fitTransform(CORPUS);
    const [cat, the] = unit([IDF_DF2, 2 * IDF_DF2]);
    expect(rowOf(x, 1)).toEqual(
      new Map([
        [1, Math.fround(cat)],
        [2, Math.fround(the)],
      ]),
    );
  });

  it('keeps all terms when maxFeatures exceeds them', () => {
    const vectorizer = new TfidfVectorizer({ maxFeatures: 100 }).fit(CORPUS);
    expect(vectorizer.vocabulary).toHaveLength(5);
  });

  it('transforms new documents with the fitted idf', () => {
    const vectorizer = new TfidfVectorizer().fit(CORPUS);
    const x = vectorizer.transform(['dog dog zebra', 'zebra only', 'bird']);
    expect(x.nRows).toBe(3);
    expect(x.nCols).toBe(5);
    expect(rowOf(x, 0)).toEqual(new Map([[2, 1]]));
    expect(rowOf(x, 1).size).toBe(0);
    expect(rowOf(x, 2)).toEqual(new Map([[0, 1]]));
  });

  it('transforms as fitTransform does', () => {
    const fitted = new TfidfVectorizer({ maxFeatures: 4 });
    const direct = fitted.fitTransform(CORPUS);
    const again = fitted.transform(CORPUS);
    expect(again.indptr).toEqual(direct.indptr);
    expect(again.indices).toEqual(direct.indices);
    expect(again.data).toEqual(direct.data);
  });

  it('transforms an empty list', () => {
    const x = new TfidfVectorizer().fit(CORPUS).transform([]);
    expect(x.nRows).toBe(0);
    expect(Array.from(x.indptr)).toEqual([0]);
  });

  it('sorts terms by code point', () => {
    // U+FF5A (fullwidth z) comes before U+1D518, unlike in UTF-16 order.
    const vectorizer = new TfidfVectorizer().fit([
      '\u{1d518}\u{1d52b} ｚｚ ab',
    ]);
    expect(vectorizer.vocabulary).toEqual(['ab', 'ｚｚ', '\u{1d518}\u{1d52b}']);
  });

  it('keeps case when lowercase is false', () => {
    const vectorizer = new TfidfVectorizer({ lowercase: false }).fit(CORPUS);
    expect(vectorizer.vocabulary).toEqual([
      'CAT',
      'The',
      'bird',
      'cat',
      'dog',
      'sat',
      'the',
    ]);
  });

  it('uses a fixed vocabulary in its order', () => {
    const vectorizer = new TfidfVectorizer({
      vocabulary: ['the', 'zebra', 'cat'],
    });
    const x = vectorizer.fitTransform(CORPUS);
    expect(vectorizer.vocabulary).toEqual(['the', 'zebra', 'cat']);
    expect(Array.from(vectorizer.idf)).toEqual([
      IDF_DF2,
      1 + Math.log(4),
      IDF_DF2,
    ]);
    expect(Array.from(x.indices)).toEqual([0, 2, 0, 2]);
    expect(Array.from(x.indptr)).toEqual([0, 2, 4, 4]);
  });

  it('densifies its output', () => {
    const x = new TfidfVectorizer({ maxFeatures: 3 }).fitTransform(CORPUS);
    const dense = toDense(x);
    const [cat, the] = unit([IDF_DF2, IDF_DF2]);
    expect(dense).toHaveLength(9);
    expect(Array.from(dense.subarray(0, 3))).toEqual(
      [0, cat, the].map(Math.fround),
    );
    expect(Array.from(dense.subarray(6))).toEqual([1, 0, 0]);
  });
});

describe('TfidfVectorizer errors', () => {
  it('rejects use before fit', async () => {
    const vectorizer = new TfidfVectorizer();
    const error = await catchError(() => vectorizer.transform(CORPUS));
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain('not fitted yet');
    expect(() => vectorizer.vocabulary).toThrow(InvalidParameterError);
    expect(() => vectorizer.idf).toThrow(InvalidParameterError);
  });

  it.each([0, 1.5, -3, Number.NaN])('rejects maxFeatures %s', (value) => {
    expect(() => new TfidfVectorizer({ maxFeatures: value })).toThrow(
      `maxFeatures must be an integer at least 1, got ${value}`,
    );
  });

  it('rejects a repeated vocabulary term', () => {
    expect(() => new TfidfVectorizer({ vocabulary: ['a', 'b', 'a'] })).toThrow(
      'vocabulary contains "a" twice; terms must be distinct',
    );
  });

  it('rejects a non-string vocabulary term', () => {
    const vocabulary = ['a', 7] as unknown as string[];
    expect(() => new TfidfVectorizer({ vocabulary })).toThrow(
      'vocabulary must contain only strings, but element 1 is a number',
    );
  });

  it('rejects an empty vocabulary', () => {
    expect(() => new TfidfVectorizer({ vocabulary: [] })).toThrow(
      'vocabulary must be a non-empty array of terms',
    );
  });

  it('rejects vocabulary with maxFeatures', () => {
    expect(
      () => new TfidfVectorizer({ vocabulary: ['a'], maxFeatures: 1 }),
    ).toThrow('maxFeatures cannot be combined with a fixed vocabulary');
  });

  it('rejects a string instead of a list', async () => {
    const error = await catchError(() =>
      new TfidfVectorizer().fit('one text' as unknown as string[]),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      'documents must be an array of strings, got string',
    );
  });

  it('rejects a non-string document', async () => {
    const error = await catchError(() =>
      new TfidfVectorizer().fit(['fine text', 42 as unknown as string]),
    );
    expect(error.message).toBe(
      'documents must be an array of strings, but element 1 is a number',
    );
  });

  it('rejects an empty corpus', async () => {
    const error = await catchError(() => new TfidfVectorizer().fit([]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('documents is empty');
  });

  it('rejects a corpus without tokens', async () => {
    const error = await catchError(() =>
      new TfidfVectorizer().fit(['a b c', '!?', '']),
    );
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toContain('vocabulary is empty');
  });
});
