import { InvalidParameterError } from '@fixclust/core';

/** Shape of one image sample: height × width × channels, row-major. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Checks a sample shape for the CNN: `[side, side]` or `[side, side,
 * channels]` of positive integers, square, with the side divisible by 2
 * once per convolution level, so every 2 × 2 pooling divides it evenly.
 *
 * @throws InvalidParameterError naming `parameter`, the shape and the rule
 * it breaks.
 */
export function assertImageShape(
  parameter: string,
  shape: readonly number[],
  levels: number,
): ImageShape {
  const fail = (problem: string): never => {
    throw new InvalidParameterError(
      parameter,
      shape,
      `network "cnn" needs square images, but ${parameter} ` +
        `[${shape.join(', ')}] ${problem}`,
    );
  };
  if (shape.length !== 2 && shape.length !== 3) {
    fail('is not [side, side] or [side, side, channels]');
  }
  if (!shape.every((size) => Number.isInteger(size) && size >= 1)) {
    fail('has entries that are not positive integers');
  }
  const [height, width, channels = 1] = shape as number[];
  if (height !== width) fail(`is ${height} × ${width}, not square`);
  const divisor = 2 ** levels;
  if (height! % divisor !== 0) {
    fail(
      `has side ${height}, which ${levels} levels of 2 × 2 pooling cannot ` +
        `halve evenly: the side must be divisible by ${divisor}`,
    );
  }
  return { height: height!, width: width!, channels };
}

/**
 * Picks the CNN's image shape: the `imageShape` option, or else the data's
 * `sampleShape`, and checks it against the number of features.
 *
 * @throws InvalidParameterError when neither is given, the shape is not
 * square with a side divisible by 2 per level, or its size differs from
 * `nFeatures`.
 */
export function resolveImageShape(
  option: readonly number[] | null,
  sampleShape: readonly number[] | undefined,
  nFeatures: number,
  levels: number,
): ImageShape {
  const source = option ?? sampleShape;
  const parameter = option === null ? 'sampleShape' : 'imageShape';
  if (source === undefined) {
    throw new InvalidParameterError(
      'imageShape',
      undefined,
      `network "cnn" needs the shape of one image: pass imageShape, such ` +
        `as [28, 28], or data with a sampleShape`,
    );
  }
  const image = assertImageShape(parameter, source, levels);
  const size = image.height * image.width * image.channels;
  if (size !== nFeatures) {
    throw new InvalidParameterError(
      parameter,
      source,
      `${parameter} [${source.join(', ')}] has ${size} values, but the ` +
        `data has ${nFeatures} features`,
    );
  }
  return image;
}
