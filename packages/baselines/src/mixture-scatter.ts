import type { RowSource } from './data.js';
import type { MaximisationSettings } from './mixture-estimation.js';

/** Rows whose outer products are added to a covariance in one sweep. */
const BATCH_ROWS = 4;

/**
 * Sums `r_ic (x_i − μ_c)(x_i − μ_c)ᵀ` per component c: the full matrix
 * for `full`, its diagonal for `diag`. Rows with `r_ic = 0` are skipped,
 * which changes nothing in the sums.
 */
export function scatter(
  source: RowSource,
  responsibilities: Float64Array,
  means: Float64Array,
  settings: MaximisationSettings,
): Float64Array {
  return settings.covarianceType === 'full'
    ? fullScatter(source, responsibilities, means)
    : diagonalScatter(source, responsibilities, means);
}

/**
 * Accumulates the upper triangles four rows at a time, so that each entry
 * is loaded and stored once per four rows, then mirrors them.
 */
function fullScatter(
  source: RowSource,
  responsibilities: Float64Array,
  means: Float64Array,
): Float64Array {
  const d = source.nFeatures;
  const k = means.length / d;
  const sums = new Float64Array(k * d * d);
  const diffs = new Float64Array(BATCH_ROWS * d);
  const weights = new Float64Array(BATCH_ROWS);
  source.forEachChunk((block, start, end) => {
    for (let c = 0; c < k; c++) {
      let count = 0;
      for (let i = start; i < end; i++) {
        const r = responsibilities[i * k + c]!;
        if (r === 0) continue;
        for (let j = 0; j < d; j++) {
          diffs[count * d + j] =
            block[(i - start) * d + j]! - means[c * d + j]!;
        }
        weights[count] = r;
        count += 1;
        if (count === BATCH_ROWS) {
          addOuterProducts(sums, c * d * d, diffs, weights, BATCH_ROWS);
          count = 0;
        }
      }
      addOuterProducts(sums, c * d * d, diffs, weights, count);
    }
  });
  for (let c = 0; c < k; c++) mirrorUpper(sums, c * d * d, d);
  return sums;
}

/**
 * Adds `Σ_q weights[q] v_q v_qᵀ` for the first `count` rows v_q of
 * `vectors` (at most four) to the upper triangle of the matrix at `start`.
 */
function addOuterProducts(
  target: Float64Array,
  start: number,
  vectors: Float64Array,
  weights: Float64Array,
  count: number,
): void {
  if (count === 0) return;
  const d = vectors.length / BATCH_ROWS;
  // Unused rows get weight 0, so one loop body serves every count.
  for (let q = count; q < BATCH_ROWS; q++) weights[q] = 0;
  for (let a = 0; a < d; a++) {
    const s0 = weights[0]! * vectors[a]!;
    const s1 = weights[1]! * vectors[d + a]!;
    const s2 = weights[2]! * vectors[2 * d + a]!;
    const s3 = weights[3]! * vectors[3 * d + a]!;
    const rowStart = start + a * d;
    for (let b = a; b < d; b++) {
      target[rowStart + b]! +=
        s0 * vectors[b]! +
        s1 * vectors[d + b]! +
        s2 * vectors[2 * d + b]! +
        s3 * vectors[3 * d + b]!;
    }
  }
}

function mirrorUpper(target: Float64Array, start: number, d: number): void {
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) {
      target[start + b * d + a] = target[start + a * d + b]!;
    }
  }
}

function diagonalScatter(
  source: RowSource,
  responsibilities: Float64Array,
  means: Float64Array,
): Float64Array {
  const d = source.nFeatures;
  const k = means.length / d;
  const sums = new Float64Array(k * d);
  source.forEachChunk((block, start, end) => {
    for (let i = start; i < end; i++) {
      for (let c = 0; c < k; c++) {
        const r = responsibilities[i * k + c]!;
        if (r === 0) continue;
        for (let j = 0; j < d; j++) {
          const diff = block[(i - start) * d + j]! - means[c * d + j]!;
          sums[c * d + j]! += r * diff * diff;
        }
      }
    }
  });
  return sums;
}
