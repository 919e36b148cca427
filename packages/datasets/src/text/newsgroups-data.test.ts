import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { CsrMatrix } from '@fixclust/core';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeWithData } from '../../../../tools/test-data.js';
import { load20Newsgroups, type NewsgroupsDataset } from './newsgroups.js';
import { NEWSGROUPS, readNewsgroupsArchive } from './newsgroups-archive.js';
import { TfidfVectorizer } from './tfidf.js';
import { compareCodePoints } from './tokenize.js';

const ARCHIVE = '20news/20news-bydate.tar.gz';
const REFERENCE = '../fixtures/tfidf-20news.json';

// Documents per group in the official bydate archive, groups in
// alphabetical order.
const TRAIN_COUNTS = [
  480, 584, 591, 590, 578, 593, 585, 594, 598, 597, 600, 595, 591, 594, 593,
  599, 546, 564, 465, 377,
];
const TEST_COUNTS = [
  319, 389, 394, 392, 385, 395, 390, 396, 398, 397, 399, 396, 393, 396, 394,
  398, 364, 376, 310, 251,
];

/** scikit-learn 1.2.1's TfidfVectorizer(max_features=2000) on the archive. */
interface Reference {
  documents: number;
  vocabulary: string[];
  idf: number[];
  count_at_cutoff: number;
  terms_tied_at_cutoff: string[];
  matrix_sum: number;
  matrix_nonzeros: number;
  sample_rows: {
    split: string;
    group: string;
    id: string;
    terms: string[];
    values: number[];
  }[];
}

function countLabels(labels: Int32Array, from: number, to: number): number[] {
  const counts = new Array<number>(NEWSGROUPS.length).fill(0);
  for (let i = from; i < to; i++) counts[labels[i]!]! += 1;
  return counts;
}

/** Returns the terms and values of one row. */
function rowTerms(
  matrix: CsrMatrix,
  vocabulary: readonly string[],
  row: number,
): Map<string, number> {
  const terms = new Map<string, number>();
  for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++) {
    terms.set(vocabulary[matrix.indices[p]!]!, matrix.data[p]!);
  }
  return terms;
}

/** Scales the values of `terms` to unit L2 norm, keeping only `kept`. */
function renormalize(
  terms: ReadonlyMap<string, number>,
  kept: ReadonlySet<string>,
): Map<string, number> {
  const entries = [...terms].filter(([term]) => kept.has(term));
  const norm = Math.hypot(...entries.map(([, value]) => value));
  return new Map(entries.map(([term, value]) => [term, value / norm]));
}

function sameRow(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [term, value] of a) if (b.get(term) !== value) return false;
  return true;
}

function sumOfRow(matrix: CsrMatrix, row: number): number {
  let sum = 0;
  for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++) {
    sum += matrix.data[p]!;
  }
  return sum;
}

/** Inverts the smooth idf: df = (1 + n) / exp(idf - 1) - 1. */
function documentFrequency(idf: number, nDocuments: number): number {
  return Math.round((1 + nDocuments) / Math.exp(idf - 1) - 1);
}

/**
 * Returns how far a sum of stored values may drift: each value is rounded
 * to float32 (relative error at most 2^-24), and summing in float64 adds at
 * most 2^-53 per value.
 */
function sumTolerance(sum: number, nValues: number): number {
  return Math.abs(sum) * (2 ** -24 + nValues * 2 ** -53);
}

describeWithData('20 Newsgroups archive', [ARCHIVE, REFERENCE], (data) => {
  let news: NewsgroupsDataset;
  let reference: Reference;
  /** TF-IDF with scikit-learn's 2,000 terms as a fixed vocabulary. */
  let withReferenceTerms: CsrMatrix;
  let sharedTerms: Set<string>;
  let onlyOurs: string[];
  let onlyReference: string[];

  beforeAll(async () => {
    const path = join(data, ARCHIVE);
    news = await load20Newsgroups({ path });
    reference = JSON.parse(await readFile(join(data, REFERENCE), 'utf8'));

    const corpus = await readNewsgroupsArchive(path);
    withReferenceTerms = new TfidfVectorizer({
      vocabulary: reference.vocabulary,
    }).fitTransform(corpus.documents);

    const referenceTerms = new Set(reference.vocabulary);
    sharedTerms = new Set(news.vocabulary.filter((t) => referenceTerms.has(t)));
    onlyOurs = news.vocabulary.filter((term) => !sharedTerms.has(term));
    onlyReference = reference.vocabulary.filter((t) => !sharedTerms.has(t));
  });

  describe('load20Newsgroups', () => {
    it('counts the documents', () => {
      expect(news.nSamples).toBe(18_846);
      expect(news.nTrain).toBe(11_314);
      expect(news.nTest).toBe(7_532);
      expect(news.nFeatures).toBe(2000);
    });

    it('counts each group', () => {
      expect(countLabels(news.labels, 0, news.nTrain)).toEqual(TRAIN_COUNTS);
      expect(countLabels(news.labels, news.nTrain, news.nSamples)).toEqual(
        TEST_COUNTS,
      );
    });

    it('orders files by name as strings', () => {
      expect(news.paths[0]).toBe('20news-bydate-train/alt.atheism/49960');
      // Sorted as numbers, 104541 would follow the group's 5-digit names.
      expect(news.paths[4985]).toBe(
        '20news-bydate-train/rec.motorcycles/104541',
      );
      expect(news.paths[18_845]).toBe(
        '20news-bydate-test/talk.religion.misc/84570',
      );
      for (let i = 1; i < news.paths.length; i++) {
        const [part, group, name] = news.paths[i]!.split('/');
        const [lastPart, lastGroup, lastName] = news.paths[i - 1]!.split('/');
        if (part !== lastPart || group !== lastGroup) continue;
        expect(compareCodePoints(lastName!, name!)).toBeLessThan(0);
      }
    });
  });

  describe('TF-IDF against scikit-learn', () => {
    it('keeps the same terms apart from ties', () => {
      const tied = reference.terms_tied_at_cutoff;
      expect(onlyOurs.every((term) => tied.includes(term))).toBe(true);
      expect(onlyReference.every((term) => tied.includes(term))).toBe(true);
      expect(onlyOurs).toHaveLength(onlyReference.length);
    });

    it('breaks the tie alphabetically', () => {
      const tied = reference.terms_tied_at_cutoff;
      const kept = news.vocabulary.filter((term) => tied.includes(term));
      expect(kept).toEqual([...tied].sort(compareCodePoints).slice(0, 2));
    });

    it('computes the idf to 1e-9', () => {
      const column = new Map(news.vocabulary.map((term, i) => [term, i]));
      reference.vocabulary.forEach((term, i) => {
        if (!sharedTerms.has(term)) return;
        const ours = news.idf[column.get(term)!]!;
        expect(Math.abs(ours - reference.idf[i]!), term).toBeLessThan(1e-9);
      });
    });

    it('matches the sample rows', () => {
      const tieTerms = new Set([...onlyOurs, ...onlyReference]);
      for (const sample of reference.sample_rows) {
        const path = `20news-bydate-${sample.split}/${sample.group}/${sample.id}`;
        const ours = rowTerms(
          news.x,
          news.vocabulary,
          news.paths.indexOf(path),
        );
        const expected = new Map(
          sample.terms.map((term, i) => [term, sample.values[i]!]),
        );
        const touchesTie = [...ours.keys(), ...expected.keys()].some((term) =>
          tieTerms.has(term),
        );
        // A row holding a term only one side kept has a different norm;
        // without those terms and renormalized, the rows must agree.
        const [left, right] = touchesTie
          ? [renormalize(ours, sharedTerms), renormalize(expected, sharedTerms)]
          : [ours, expected];
        expect([...left.keys()].sort(), path).toEqual([...right.keys()].sort());
        for (const [term, value] of right) {
          expect(
            Math.abs(left.get(term)! - value),
            `${path} ${term}`,
          ).toBeLessThan(1e-6);
        }
      }
    });

    it('counts nonzeros up to the tie', () => {
      const n = news.nSamples;
      const column = new Map(news.vocabulary.map((term, i) => [term, i]));
      const ourExtra = onlyOurs.reduce(
        (total, term) =>
          total + documentFrequency(news.idf[column.get(term)!]!, n),
        0,
      );
      const referenceExtra = onlyReference.reduce(
        (total, term) =>
          total +
          documentFrequency(
            reference.idf[reference.vocabulary.indexOf(term)]!,
            n,
          ),
        0,
      );
      expect(news.x.data.length).toBe(
        reference.matrix_nonzeros + ourExtra - referenceExtra,
      );
    });

    it('changes only rows holding tied terms', () => {
      const ourTie = new Set(onlyOurs);
      const referenceTie = new Set(onlyReference);
      const changed: number[] = [];
      const unexpected: number[] = [];
      for (let row = 0; row < news.nSamples; row++) {
        const ours = rowTerms(news.x, news.vocabulary, row);
        const theirs = rowTerms(withReferenceTerms, reference.vocabulary, row);
        const touchesTie =
          [...ours.keys()].some((term) => ourTie.has(term)) ||
          [...theirs.keys()].some((term) => referenceTie.has(term));
        if (touchesTie) changed.push(row);
        else if (!sameRow(ours, theirs)) unexpected.push(row);
      }
      expect(unexpected).toEqual([]);
      expect(changed.length).toBeGreaterThan(0);
    });

    it('sums to the reference up to the tie', () => {
      // Rows without tied terms equal those computed with scikit-learn's
      // terms (checked above), so only the other rows' sums may differ.
      let expectedSum = reference.matrix_sum;
      for (let row = 0; row < news.nSamples; row++) {
        const ours = sumOfRow(news.x, row);
        const theirs = sumOfRow(withReferenceTerms, row);
        if (ours !== theirs) expectedSum += ours - theirs;
      }
      let sum = 0;
      for (const value of news.x.data) sum += value;
      const tolerance = sumTolerance(reference.matrix_sum, news.x.data.length);
      expect(Math.abs(sum - expectedSum)).toBeLessThanOrEqual(tolerance);
    });
  });

  describe('TF-IDF with scikit-learn terms', () => {
    it('counts the same nonzeros', () => {
      expect(withReferenceTerms.data.length).toBe(reference.matrix_nonzeros);
    });

    it('sums to the same total', () => {
      let sum = 0;
      for (const value of withReferenceTerms.data) sum += value;
      const tolerance = sumTolerance(
        reference.matrix_sum,
        withReferenceTerms.data.length,
      );
      expect(Math.abs(sum - reference.matrix_sum)).toBeLessThanOrEqual(
        tolerance,
      );
    });

    it('matches every sample row to 1e-6', () => {
      for (const sample of reference.sample_rows) {
        const path = `20news-bydate-${sample.split}/${sample.group}/${sample.id}`;
        const ours = rowTerms(
          withReferenceTerms,
          reference.vocabulary,
          news.paths.indexOf(path),
        );
        expect([...ours.keys()].sort(), path).toEqual([...sample.terms].sort());
        sample.terms.forEach((term, i) => {
          const difference = Math.abs(ours.get(term)! - sample.values[i]!);
          expect(difference, `${path} ${term}`).toBeLessThan(1e-6);
        });
      }
    });
  });
});
