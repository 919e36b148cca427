/**
 * Projects rows of the mapped space onto a plane for drawing. One- and
 * two-dimensional rows are drawn as they are. Rows of three or more
 * dimensions use star coordinates: axis j points at angle `2πj / d`, and a
 * row is the sum of its coordinates along those axes. The default vertex layout
 * (representative i is +1 at coordinate i and -1 elsewhere) then lands on
 * a regular polygon of radius 2.
 *
 * @returns Row-major `n × 2` plane coordinates.
 */
export function projectToPlane(
  coordinates: ArrayLike<number>,
  dimension: number,
): Float32Array {
  const nRows = dimension === 0 ? 0 : coordinates.length / dimension;
  const plane = new Float32Array(nRows * 2);
  const axes = planeAxes(dimension);
  for (let row = 0; row < nRows; row++) {
    let x = 0;
    let y = 0;
    for (let j = 0; j < dimension; j++) {
      const value = coordinates[row * dimension + j]!;
      x += value * axes[j]![0];
      y += value * axes[j]![1];
    }
    plane[2 * row] = x;
    plane[2 * row + 1] = y;
  }
  return plane;
}

function planeAxes(dimension: number): [number, number][] {
  if (dimension <= 2) {
    const unit: [number, number][] = [
      [1, 0],
      [0, 1],
    ];
    return unit.slice(0, dimension);
  }
  return Array.from({ length: dimension }, (_, j) => {
    const angle = (2 * Math.PI * j) / dimension;
    return [Math.cos(angle), Math.sin(angle)];
  });
}
