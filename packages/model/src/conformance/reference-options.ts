/**
 * Plain float64 references for the optional pieces of the model: the
 * mixture likelihood with trained locations, weights and scales, and the
 * 3 × 3 convolution of the CNN.
 */
type Matrix = number[][];

/** Lower-triangular S from raw parameters: `exp` on the diagonal. */
function scaleMatrix(raw: Matrix): Matrix {
  return raw.map((row, i) =>
    row.map((value, j) => {
      if (j < i) return value;
      if (j === i) return Math.exp(value);
      return 0;
    }),
  );
}

/** Solves S z = v for lower-triangular S by forward substitution. */
function forwardSubstitute(scale: Matrix, v: readonly number[]): number[] {
  const z: number[] = [];
  for (let i = 0; i < v.length; i++) {
    let sum = v[i]!;
    for (let j = 0; j < i; j++) sum -= scale[i]![j]! * z[j]!;
    z.push(sum / scale[i]![i]!);
  }
  return z;
}

function logGammaOfHalf(m: number): number {
  let x = m % 2 === 0 ? 1 : 0.5;
  let result = m % 2 === 0 ? 0 : 0.5 * Math.log(Math.PI);
  while (x < m / 2) {
    result += Math.log(x);
    x += 1;
  }
  return result;
}

/**
 * Mean negative log-likelihood of the batch `y` under a mixture with
 * weights `softmax(logits)` and components with location `locations[i]`
 * and scale matrix S_i S_iᵀ, S_i built from `rawScales[i]`: Gaussian for
 * `gmm`, multivariate Cauchy for `cmm`.
 */
export function referenceMixtureLoss(
  loss: 'gmm' | 'cmm',
  y: Matrix,
  locations: Matrix,
  logits: readonly number[],
  rawScales: Matrix[],
): number {
  const d = locations[0]!.length;
  const maxLogit = Math.max(...logits);
  const logNorm =
    maxLogit + Math.log(logits.reduce((s, l) => s + Math.exp(l - maxLogit), 0));
  const scales = rawScales.map(scaleMatrix);
  const perSample = y.map((row) => {
    const terms = locations.map((mu, k) => {
      const z = forwardSubstitute(
        scales[k]!,
        row.map((v, j) => v - mu[j]!),
      );
      const distance = z.reduce((s, v) => s + v * v, 0);
      const logDet = scales[k]!.reduce((s, r, i) => s + Math.log(r[i]!), 0);
      const density =
        loss === 'gmm'
          ? (-d / 2) * Math.log(2 * Math.PI) - distance / 2
          : logGammaOfHalf(1 + d) -
            logGammaOfHalf(1) -
            (d / 2) * Math.log(Math.PI) -
            ((1 + d) / 2) * Math.log1p(distance);
      return logits[k]! - logNorm + density - logDet;
    });
    const max = Math.max(...terms);
    return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
  });
  return -perSample.reduce((a, b) => a + b, 0) / y.length;
}

/**
 * Convolves with a 3 × 3 kernel and zero (same) padding, then applies
 * ReLU. `x` is
 * `height × width × inChannels`, `kernel` is `3 × 3 × inChannels ×
 * outChannels` flattened row-major, and the result `height × width ×
 * outChannels` flattened row-major.
 */
export function referenceConvolutionRelu(
  x: number[][][],
  kernel: ArrayLike<number>,
  bias: readonly number[],
): number[] {
  const height = x.length;
  const width = x[0]!.length;
  const inChannels = x[0]![0]!.length;
  const outChannels = bias.length;
  const output: number[] = [];
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      for (let o = 0; o < outChannels; o++) {
        let sum = bias[o]!;
        for (let dy = 0; dy < 3; dy++) {
          for (let dx = 0; dx < 3; dx++) {
            const pixel = x[i + dy - 1]?.[j + dx - 1];
            if (pixel === undefined) continue;
            for (let c = 0; c < inChannels; c++) {
              const index = ((dy * 3 + dx) * inChannels + c) * outChannels + o;
              sum += pixel[c]! * kernel[index]!;
            }
          }
        }
        output.push(Math.max(sum, 0));
      }
    }
  }
  return output;
}
