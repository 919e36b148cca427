import { join } from 'node:path';

import { InvalidDataError, assertIntegerInRange } from '@fixclust/core';

import { splitName, type DatasetSplit } from '../digits.js';
import { assertOptions, assertPath } from '../arguments.js';
import { statOrUndefined } from '../files.js';
import { NEWSGROUPS, readNewsgroupsArchive } from './newsgroups-archive.js';
import type { SparseDataset } from './sparse-dataset.js';
import { TfidfVectorizer } from './tfidf.js';

/** File name looked for when {@link NewsgroupsOptions.path} is a folder. */
export const NEWSGROUPS_ARCHIVE_NAME = '20news-bydate.tar.gz';

/** Number of TF-IDF terms {@link load20Newsgroups} keeps by default. */
export const NEWSGROUPS_DEFAULT_FEATURES = 2000;

/** Options of {@link load20Newsgroups}. */
export interface NewsgroupsOptions {
  /**
   * The archive `20news-bydate.tar.gz`, or a folder that contains it. See
   * {@link fetch20Newsgroups} to download it.
   */
  path: string;
  /**
   * Part to load: `train` (11,314 documents), `test` (7,532) or `all`
   * (both, training documents first). The TF-IDF vocabulary and idf are
   * fitted on the documents loaded. Default: `all`.
   */
  split?: DatasetSplit;
  /**
   * Number of terms kept: those with the largest total count over the
   * documents loaded. Default: 2000.
   */
  maxFeatures?: number;
}

/** The 20 Newsgroups documents as TF-IDF vectors, with their provenance. */
export interface NewsgroupsDataset extends SparseDataset {
  labels: Int32Array;
  nClasses: number;
  /** Name of each class: the newsgroups in alphabetical order. */
  groupNames: string[];
  /** Number of training documents: rows 0 … nTrain - 1. */
  nTrain: number;
  /** Number of test documents, the rows after the training documents. */
  nTest: number;
  /** Path of each row's document in the archive. */
  paths: string[];
  /** Term of each column, sorted by code point. */
  vocabulary: string[];
  /** Inverse document frequency of each column. */
  idf: Float64Array;
}

/**
 * Loads the 20 Newsgroups "bydate" corpus as TF-IDF vectors, as the
 * deep-clustering literature uses it: all 18,846 documents (headers kept),
 * the 2,000 most frequent terms, labels the 20 groups.
 *
 * The archive is read by {@link readNewsgroupsArchive} and the documents are
 * vectorized by a {@link TfidfVectorizer} with scikit-learn's defaults, so
 * the result matches scikit-learn 1.2.1's
 * `TfidfVectorizer(max_features=2000).fit_transform` on
 * `fetch_20newsgroups(subset='all', shuffle=False)` up to float32 rounding
 * and the choice among terms tied at the cutoff count.
 *
 * @returns A data set named `20news` (`20news-train` or `20news-test` for
 *   one part), with `nClasses` 20.
 * @throws InvalidDataError naming the file when it is missing or is not a
 *   valid archive.
 * @throws InvalidParameterError when `options` is missing or has a key
 *   other than `path`, `split` and `maxFeatures`, `path` is missing or not
 *   a string, or `split` or `maxFeatures` is invalid.
 */
export async function load20Newsgroups(
  options: NewsgroupsOptions,
): Promise<NewsgroupsDataset> {
  assertOptions(options, ['path', 'split', 'maxFeatures'], true);
  assertPath('path', options.path);
  const split = options.split ?? 'all';
  const maxFeatures = options.maxFeatures ?? NEWSGROUPS_DEFAULT_FEATURES;
  assertIntegerInRange('maxFeatures', maxFeatures, 1);
  const path = await findNewsgroupsArchive(options.path);

  const corpus = await readNewsgroupsArchive(path, split);
  const vectorizer = new TfidfVectorizer({ maxFeatures });
  const x = vectorizer.fitTransform(corpus.documents);

  return {
    name: splitName('20news', split),
    x,
    nSamples: x.nRows,
    nFeatures: x.nCols,
    labels: corpus.labels,
    nClasses: NEWSGROUPS.length,
    groupNames: [...NEWSGROUPS],
    nTrain: corpus.nTrain,
    nTest: corpus.nTest,
    paths: corpus.paths,
    vocabulary: vectorizer.vocabulary,
    idf: vectorizer.idf,
  };
}

/**
 * Returns `path` when it is a file, or the archive inside it when it is a
 * folder.
 *
 * @throws InvalidDataError when neither exists.
 */
export async function findNewsgroupsArchive(path: string): Promise<string> {
  const hint =
    `pass the path of ${NEWSGROUPS_ARCHIVE_NAME} or of its folder, or ` +
    `download it with fetch20Newsgroups()`;
  const stats = await statOrUndefined(path, '20 Newsgroups archive');
  if (stats === undefined) {
    throw new InvalidDataError(
      `20 Newsgroups archive ${path} not found; ${hint}`,
      { path },
    );
  }
  if (!stats.isDirectory()) return path;

  const inside = join(path, NEWSGROUPS_ARCHIVE_NAME);
  const insideStats = await statOrUndefined(inside, '20 Newsgroups archive');
  if (insideStats?.isFile() === true) return inside;
  throw new InvalidDataError(
    `folder ${path} has no file ${NEWSGROUPS_ARCHIVE_NAME}; ${hint}`,
    { path: inside },
  );
}
