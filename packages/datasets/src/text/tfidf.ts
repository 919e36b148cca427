import {
  InvalidDataError,
  InvalidParameterError,
  assertIntegerInRange,
  type CsrMatrix,
} from '@fixclust/core';

import { assertOptions } from '../arguments.js';
import {
  countTerms,
  remapColumns,
  selectTerms,
  termTotals,
  type TermCounts,
} from './term-counts.js';
import { smoothIdf, weighCounts } from './tfidf-weights.js';

/** Options of {@link TfidfVectorizer}. */
export interface TfidfVectorizerOptions {
  /** Convert documents to lower case before tokenizing. Default: true. */
  lowercase?: boolean;
  /**
   * Keep only this many terms: those with the largest total count over the
   * corpus. Terms tied in count are ranked by code point order, so at the
   * cutoff the alphabetically first ones are kept. Default: every term.
   */
  maxFeatures?: number;
  /**
   * Fixed terms, one per column in the given order, instead of learning
   * them from the documents; `fit` then only computes the idf. Cannot be
   * combined with `maxFeatures`. Default: learned.
   */
  vocabulary?: readonly string[];
}

/** State learned by fitting: the columns and their idf weights. */
interface FittedVocabulary {
  terms: string[];
  columns: Map<string, number>;
  idf: Float64Array;
}

/** The columns' terms, and the counts of the fitted documents by column. */
interface CountedTerms {
  terms: string[];
  counts: TermCounts;
}

/**
 * Converts texts to TF-IDF vectors, with the defaults of scikit-learn's
 * `TfidfVectorizer` (checked against version 1.2.1).
 *
 * - Tokens: the text in lower case, split into runs of two or more word
 *   characters (letters, numbers and `_` in any script; see
 *   {@link tokenize}).
 * - Term frequency: the raw count of the term in the document.
 * - Inverse document frequency (smooth): `idf(t) = ln((1 + n) / (1 + df(t))) + 1`,
 *   where n is the number of documents fitted and df(t) the number of those
 *   that contain t.
 * - Each row `tf · idf` is scaled to unit Euclidean (L2) norm. A document
 *   without known terms stays an empty row.
 * - Columns: the terms sorted by code point, as Python sorts strings.
 *
 * The idf and the norms are computed in float64 and the stored values are
 * rounded to float32.
 *
 * @example
 * ```ts
 * const vectorizer = new TfidfVectorizer({ maxFeatures: 2000 });
 * const x = vectorizer.fitTransform(texts); // CsrMatrix, texts × 2000
 * const y = vectorizer.transform(moreTexts);
 * console.log(vectorizer.vocabulary[0], vectorizer.idf[0]);
 * ```
 */
export class TfidfVectorizer {
  /** Whether documents are converted to lower case first. */
  readonly lowercase: boolean;
  /** Number of terms kept, or `undefined` for all. */
  readonly maxFeatures: number | undefined;
  private readonly fixedVocabulary: readonly string[] | undefined;
  private fitted: FittedVocabulary | undefined;

  /**
   * @throws InvalidParameterError when `options` has an unknown key,
   *   `maxFeatures` is not a positive integer, `vocabulary` is empty or
   *   repeats a term, or both are given.
   */
  constructor(options: TfidfVectorizerOptions = {}) {
    assertOptions(options, ['lowercase', 'maxFeatures', 'vocabulary']);
    this.lowercase = options.lowercase ?? true;
    this.maxFeatures = options.maxFeatures;
    if (this.maxFeatures !== undefined) {
      assertIntegerInRange('maxFeatures', this.maxFeatures, 1);
    }
    if (options.vocabulary !== undefined) {
      checkVocabulary(options.vocabulary, this.maxFeatures);
      this.fixedVocabulary = [...options.vocabulary];
    }
  }

  /**
   * Term of each column: the terms sorted by code point, or the
   * `vocabulary` option as given. This is scikit-learn's
   * `get_feature_names_out()`.
   *
   * @throws InvalidParameterError before `fit`.
   */
  get vocabulary(): string[] {
    return [...this.requireFitted().terms];
  }

  /**
   * Inverse document frequency of each column, in float64.
   *
   * @throws InvalidParameterError before `fit`.
   */
  get idf(): Float64Array {
    return this.requireFitted().idf.slice();
  }

  /**
   * Learns the vocabulary (unless fixed) and the idf of each term from
   * `documents`.
   *
   * @throws InvalidParameterError when `documents` is not an array of
   *   strings.
   * @throws InvalidDataError when `documents` is empty or contains no
   *   token.
   */
  fit(documents: readonly string[]): this {
    this.learn(documents);
    return this;
  }

  /**
   * Fits on `documents` and returns their TF-IDF matrix, documents × terms.
   * The same as `fit` then `transform`, but tokenizes only once.
   *
   * @throws InvalidParameterError and InvalidDataError as {@link fit}.
   */
  fitTransform(documents: readonly string[]): CsrMatrix {
    const counts = this.learn(documents);
    return weighCounts(counts, this.requireFitted().idf);
  }

  /**
   * Returns the TF-IDF matrix of `documents` with the fitted vocabulary and
   * idf, documents × terms. Terms not in the vocabulary are ignored.
   *
   * @throws InvalidParameterError before `fit`, or when `documents` is not
   *   an array of strings.
   */
  transform(documents: readonly string[]): CsrMatrix {
    const fitted = this.requireFitted();
    checkDocuments(documents);
    const counts = countTerms(documents, fitted.columns, {
      lowercase: this.lowercase,
      grow: false,
    });
    return weighCounts(counts, fitted.idf);
  }

  /** Fits, and returns the counts of `documents` by column. */
  private learn(documents: readonly string[]): TermCounts {
    checkDocuments(documents);
    if (documents.length === 0) {
      throw new InvalidDataError(
        'documents is empty; pass at least one document to fit on',
      );
    }

    const { terms, counts } =
      this.fixedVocabulary === undefined
        ? this.learnTerms(documents)
        : this.countFixedTerms(documents, this.fixedVocabulary);
    const { documentFrequencies } = termTotals(counts, terms.length);
    this.fitted = {
      terms,
      columns: columnsOfTerms(terms),
      idf: smoothIdf(documentFrequencies, documents.length),
    };
    return counts;
  }

  private learnTerms(documents: readonly string[]): CountedTerms {
    const ids = new Map<string, number>();
    const counts = countTerms(documents, ids, {
      lowercase: this.lowercase,
      grow: true,
    });
    if (ids.size === 0) {
      throw new InvalidDataError(
        'the documents contain no token, so the vocabulary is empty; a ' +
          'token is a run of two or more letters, digits or underscores',
      );
    }

    const allTerms = [...ids.keys()];
    const { totals } = termTotals(counts, allTerms.length);
    const kept = selectTerms(allTerms, totals, this.maxFeatures);
    const columnOfId = new Int32Array(allTerms.length).fill(-1);
    kept.forEach((id, column) => (columnOfId[id] = column));

    return {
      terms: kept.map((id) => allTerms[id]!),
      counts: remapColumns(counts, columnOfId, kept.length),
    };
  }

  private countFixedTerms(
    documents: readonly string[],
    vocabulary: readonly string[],
  ): CountedTerms {
    const counts = countTerms(documents, columnsOfTerms(vocabulary), {
      lowercase: this.lowercase,
      grow: false,
    });
    return { terms: [...vocabulary], counts };
  }

  private requireFitted(): FittedVocabulary {
    if (this.fitted !== undefined) return this.fitted;
    throw new InvalidParameterError(
      'vectorizer',
      undefined,
      'the TfidfVectorizer is not fitted yet; call fit() or fitTransform() ' +
        'before transform(), vocabulary or idf',
    );
  }
}

function columnsOfTerms(terms: readonly string[]): Map<string, number> {
  return new Map(terms.map((term, column) => [term, column]));
}

function checkDocuments(documents: readonly string[]): void {
  if (!Array.isArray(documents)) {
    throw new InvalidParameterError(
      'documents',
      documents,
      `documents must be an array of strings, got ${typeof documents}`,
    );
  }
  const index = documents.findIndex((document) => typeof document !== 'string');
  if (index >= 0) {
    throw new InvalidParameterError(
      'documents',
      documents[index],
      `documents must be an array of strings, but element ${index} is a ` +
        `${typeof documents[index]}`,
    );
  }
}

function checkVocabulary(
  vocabulary: readonly string[],
  maxFeatures: number | undefined,
): void {
  if (maxFeatures !== undefined) {
    throw new InvalidParameterError(
      'maxFeatures',
      maxFeatures,
      'maxFeatures cannot be combined with a fixed vocabulary; pass one of them',
    );
  }
  if (!Array.isArray(vocabulary) || vocabulary.length === 0) {
    throw new InvalidParameterError(
      'vocabulary',
      vocabulary,
      'vocabulary must be a non-empty array of terms',
    );
  }
  const seen = new Set<string>();
  vocabulary.forEach((term, index) => {
    if (typeof term !== 'string') {
      throw new InvalidParameterError(
        'vocabulary',
        term,
        `vocabulary must contain only strings, but element ${index} is a ` +
          `${typeof term}`,
      );
    }
    if (seen.has(term)) {
      throw new InvalidParameterError(
        'vocabulary',
        term,
        `vocabulary contains ${JSON.stringify(term)} twice; terms must be ` +
          `distinct`,
      );
    }
    seen.add(term);
  });
}
