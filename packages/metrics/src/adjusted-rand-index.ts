import { contingencyTable, type ContingencyTable } from './contingency.js';
import type { Labels } from './labels.js';

/**
 * Computes the adjusted Rand index (ARI) of a clustering against the true
 * classes (Hubert & Arabie, "Comparing partitions", Journal of
 * Classification, 1985).
 *
 * The formula is scikit-learn 1.2's `adjusted_rand_score`, written with the
 * pair confusion matrix (tn, fp, fn, tp), which counts ordered pairs of
 * distinct samples by whether they share a class and whether they share a
 * cluster:
 *
 * ARI = 2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)),
 * and ARI = 1 when fn = fp = 0.
 *
 * The pair counts are exact BigInt integers, because their products are
 * bounded only by n^4 and can pass 2^53 once n is above about 9,700. The
 * ARI is about 0 for random labels and 1 for a perfect match. It can be
 * negative, and scikit-learn documents −0.5 as its lower bound.
 *
 * @param labelsTrue - ground-truth class of each sample.
 * @param labelsPred - predicted cluster of each sample.
 * @throws InvalidParameterError when an argument is not an array, a typed
 * array or another array-like object.
 * @throws InvalidDataError when the lengths differ, the inputs are empty, or
 * a label is neither a finite number nor a string.
 */
export function adjustedRandIndex(
  labelsTrue: Labels,
  labelsPred: Labels,
): number {
  return adjustedRandIndexFromTable(contingencyTable(labelsTrue, labelsPred));
}

/** Computes {@link adjustedRandIndex} from a contingency table. */
export function adjustedRandIndexFromTable(table: ContingencyTable): number {
  const { tn, fp, fn, tp } = pairConfusion(table);
  if (fn === 0n && fp === 0n) return 1;

  const numerator = tp * tn - fn * fp;
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return (2 * Number(numerator)) / Number(denominator);
}

/** Ordered pairs of distinct samples, counted by class and cluster match. */
interface PairConfusion {
  /** Pairs in different classes and different clusters. */
  tn: bigint;
  /** Pairs in different classes but the same cluster. */
  fp: bigint;
  /** Pairs in the same class but different clusters. */
  fn: bigint;
  /** Pairs in the same class and the same cluster. */
  tp: bigint;
}

function pairConfusion(table: ContingencyTable): PairConfusion {
  const n = BigInt(table.nSamples);
  const cellSquares = sumOfSquares(table.counts);
  const classSquares = sumOfSquares(table.classSizes);
  const clusterSquares = sumOfSquares(table.clusterSizes);

  const tp = cellSquares - n;
  const fp = clusterSquares - cellSquares;
  const fn = classSquares - cellSquares;
  const tn = n * n - fp - fn - cellSquares;
  return { tn, fp, fn, tp };
}

function sumOfSquares(counts: Float64Array): bigint {
  let sum = 0n;
  for (const count of counts) {
    if (count === 0) continue;
    const exact = BigInt(count);
    sum += exact * exact;
  }
  return sum;
}
