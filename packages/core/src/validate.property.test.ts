import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FixclustError } from './errors.js';
import { assertValidCsr, type CsrMatrix } from './sparse.js';
import { assertValidData } from './validate.js';

const anyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0),
  fc.integer(),
);

/** Runs `check` and passes only if it returns or throws a fixclust error. */
function failsOnlyWithOwnErrors(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (error) {
    return FixclustError.isInstance(error);
  }
}

describe('input validators on random malformed input', () => {
  it('assertValidData throws only fixclust errors', () => {
    fc.assert(
      fc.property(
        fc.array(anyNumber, { maxLength: 40 }),
        fc.integer({ min: -3, max: 12 }),
        fc.integer({ min: -3, max: 12 }),
        (values, nSamples, nFeatures) =>
          failsOnlyWithOwnErrors(() =>
            assertValidData(Float32Array.from(values), nSamples, nFeatures),
          ),
      ),
    );
  });

  it('accepts exactly the finite matrices of the stated shape', () => {
    fc.assert(
      fc.property(
        fc.array(anyNumber, { minLength: 1, maxLength: 30 }),
        (values) => {
          const x = Float32Array.from(values);
          const valid = x.every(Number.isFinite);
          let accepted = true;
          try {
            assertValidData(x, 1, x.length);
          } catch {
            accepted = false;
          }
          expect(accepted).toBe(valid);
        },
      ),
    );
  });

  it('assertValidCsr throws only fixclust errors', () => {
    const csr = fc.record({
      nRows: fc.integer({ min: -1, max: 6 }),
      nCols: fc.integer({ min: -1, max: 6 }),
      indptr: fc.array(fc.integer({ min: -2, max: 10 }), { maxLength: 8 }),
      indices: fc.array(fc.integer({ min: -2, max: 8 }), { maxLength: 10 }),
      data: fc.array(anyNumber, { maxLength: 10 }),
    });
    fc.assert(
      fc.property(csr, (parts) => {
        const matrix: CsrMatrix = {
          format: 'csr',
          nRows: parts.nRows,
          nCols: parts.nCols,
          indptr: Int32Array.from(parts.indptr),
          indices: Int32Array.from(parts.indices),
          data: Float32Array.from(parts.data),
        };
        return failsOnlyWithOwnErrors(() => assertValidCsr(matrix));
      }),
    );
  });
});
