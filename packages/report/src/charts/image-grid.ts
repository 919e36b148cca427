import { InvalidDataError } from '@fixclust/core';

import type { ClusterImages } from '../types.js';

/** Options of {@link imageGridSvg}. */
export interface ImageGridOptions {
  /** Screen pixels per image pixel. Default: 3. */
  scale?: number;
  /** Gap between images, in screen pixels. Default: 4. */
  gap?: number;
}

const LABEL_WIDTH = 28;

/**
 * Draws sample images of every cluster as an SVG document: one row per
 * cluster, labelled with its number, and one `rect` per image pixel that
 * is not white. Each image is scaled from its own minimum (white) to its
 * maximum (black). A cluster without images keeps its empty row.
 *
 * @throws InvalidDataError when an image's length is not `width * height`.
 */
export function imageGridSvg(
  images: ClusterImages,
  options: ImageGridOptions = {},
): string {
  const scale = options.scale ?? 3;
  const gap = options.gap ?? 4;
  const cellWidth = images.width * scale + gap;
  const cellHeight = images.height * scale + gap;
  const columns = Math.max(1, ...images.images.map((row) => row.length));
  const width = LABEL_WIDTH + columns * cellWidth;
  const height = Math.max(1, images.images.length) * cellHeight;

  const parts = images.images.map((row, cluster) => {
    const top = cluster * cellHeight;
    const label =
      `<text x="${LABEL_WIDTH - 6}" y="${top + cellHeight / 2 + 4}" ` +
      `text-anchor="end" font-family="sans-serif" font-size="11">` +
      `${cluster}</text>`;
    const pixels = row.map((image, column) =>
      imagePixels(image, images, LABEL_WIDTH + column * cellWidth, top, scale),
    );
    return label + pixels.join('');
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" ` +
    `height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="white"/>` +
    `${parts.join('')}</svg>`
  );
}

function imagePixels(
  image: readonly number[],
  shape: ClusterImages,
  left: number,
  top: number,
  scale: number,
): string {
  if (image.length !== shape.width * shape.height) {
    throw new InvalidDataError(
      `an image has ${image.length} pixels, but width × height is ` +
        `${shape.width * shape.height}; pass row-major images of that size`,
    );
  }
  let low = Infinity;
  let high = -Infinity;
  for (const value of image) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const range = high > low ? high - low : 1;
  const rects: string[] = [];
  image.forEach((value, i) => {
    const grey = Math.round(255 * (1 - (value - low) / range));
    if (grey === 255) return;
    const x = left + (i % shape.width) * scale;
    const y = top + Math.floor(i / shape.width) * scale;
    rects.push(
      `<rect x="${x}" y="${y}" width="${scale}" height="${scale}" ` +
        `fill="rgb(${grey},${grey},${grey})"/>`,
    );
  });
  return rects.join('');
}
