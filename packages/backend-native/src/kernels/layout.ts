/**
 * Collapsed layouts of broadcast and transpose operations, in the form the
 * addon's `binary` and `transpose` entry points read. Collapsing merges
 * neighbouring axes that behave alike and drops axes of size 1, so most
 * operations need one or two dimensions of the addon's four.
 */

/** Dimensions the addon's strided loops handle. */
export const MAX_COLLAPSED_RANK = 4;

/**
 * Fills `layout` (12 values: output sizes, then a's and b's strides, each
 * padded in front to 4 entries) for `out = a op b` with numpy-style
 * broadcasting, `outShape` being the broadcast shape.
 *
 * @returns false when more than 4 dimensions remain after collapsing.
 */
export function fillBroadcastLayout(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
  layout: Int32Array,
): boolean {
  // Runs are built innermost first in `layout` itself: sizes in slots
  // 3, 2, 1, 0 and, while building, 1 or 0 in the stride slots for "this
  // side repeats along the run".
  const rank = outShape.length;
  layout.fill(0);
  layout.fill(1, 0, MAX_COLLAPSED_RANK);
  let runs = 0;
  for (let i = rank - 1; i >= 0; i--) {
    const size = outShape[i]!;
    if (size === 1) continue;
    const aRepeat = (aShape[i - rank + aShape.length] ?? 1) === 1 ? 1 : 0;
    const bRepeat = (bShape[i - rank + bShape.length] ?? 1) === 1 ? 1 : 0;
    const last = MAX_COLLAPSED_RANK - runs;
    if (
      runs > 0 &&
      layout[4 + last] === aRepeat &&
      layout[8 + last] === bRepeat
    ) {
      layout[last]! *= size;
      continue;
    }
    if (runs === MAX_COLLAPSED_RANK) return false;
    runs += 1;
    const slot = MAX_COLLAPSED_RANK - runs;
    layout[slot] = size;
    layout[4 + slot] = aRepeat;
    layout[8 + slot] = bRepeat;
  }

  // Turn the repeat marks into strides, innermost first.
  let aStride = 1;
  let bStride = 1;
  for (let slot = MAX_COLLAPSED_RANK - 1; slot >= 0; slot--) {
    const size = layout[slot]!;
    const aRepeat = layout[4 + slot] === 1 || slot < MAX_COLLAPSED_RANK - runs;
    const bRepeat = layout[8 + slot] === 1 || slot < MAX_COLLAPSED_RANK - runs;
    layout[4 + slot] = aRepeat ? 0 : aStride;
    layout[8 + slot] = bRepeat ? 0 : bStride;
    if (!aRepeat) aStride *= size;
    if (!bRepeat) bStride *= size;
  }
  return true;
}

/**
 * Fills `layout` (9 values: the collapsed rank, the output sizes and, for
 * each output axis, the stride of the input axis it reads, padded in front
 * to 4 entries) for a transpose of `shape` by `perm`.
 *
 * @returns the collapsed rank, or -1 when it exceeds 4. Rank 0 or 1 means
 * the transpose keeps the element order.
 */
export function fillTransposeLayout(
  shape: readonly number[],
  perm: readonly number[],
  layout: Int32Array,
): number {
  // Input axes of size 1 never change the element order: drop them and
  // renumber the rest.
  const keptSizes: number[] = [];
  const renumbered = new Map<number, number>();
  shape.forEach((size, axis) => {
    if (size !== 1) {
      renumbered.set(axis, keptSizes.length);
      keptSizes.push(size);
    }
  });
  const order = perm
    .filter((axis) => renumbered.has(axis))
    .map((axis) => renumbered.get(axis)!);

  // Neighbouring output axes that read neighbouring input axes in order
  // move as one block.
  const groups: number[][] = [];
  for (const axis of order) {
    const group = groups[groups.length - 1];
    if (group !== undefined && group[group.length - 1] === axis - 1) {
      group.push(axis);
    } else {
      groups.push([axis]);
    }
  }
  if (groups.length > MAX_COLLAPSED_RANK) return -1;

  // Row-major strides of the collapsed input, whose axes are the groups in
  // input order.
  const byInputOrder = [...groups].sort((g, h) => g[0]! - h[0]!);
  const strides = new Map<number[], number>();
  let stride = 1;
  for (let j = byInputOrder.length - 1; j >= 0; j--) {
    const group = byInputOrder[j]!;
    strides.set(group, stride);
    stride *= groupSize(group, keptSizes);
  }

  layout.fill(0);
  layout[0] = groups.length;
  layout.fill(1, 1, 1 + MAX_COLLAPSED_RANK);
  const offset = MAX_COLLAPSED_RANK - groups.length;
  groups.forEach((group, j) => {
    layout[1 + offset + j] = groupSize(group, keptSizes);
    layout[5 + offset + j] = strides.get(group)!;
  });
  return groups.length;
}

function groupSize(group: readonly number[], sizes: readonly number[]) {
  return group.reduce((product, axis) => product * sizes[axis]!, 1);
}

/** A reduction seen as `outer × reduced × inner`. */
export interface ReductionPlan {
  outer: number;
  reduced: number;
  inner: number;
  /** Output shape without the reduced axes. */
  outShape: number[];
  /** Output shape with each reduced axis kept as size 1. */
  keptShape: number[];
}

/**
 * Plans a reduction of `shape` over `axes` (each in [0, rank)).
 *
 * @returns null when the axes, ignoring those of size 1, are not one
 * contiguous run, or repeat.
 */
export function planReduction(
  shape: readonly number[],
  axes: readonly number[],
): ReductionPlan | null {
  const reducedAxes = new Set(axes);
  if (reducedAxes.size !== axes.length) return null;
  const spanning = axes.filter((axis) => shape[axis] !== 1);
  const first = Math.min(...spanning);
  const last = Math.max(...spanning);
  let outer = 1;
  let reduced = 1;
  let inner = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    const size = shape[axis]!;
    if (reducedAxes.has(axis)) reduced *= size;
    else if (size === 1) continue;
    else if (spanning.length === 0 || axis < first) outer *= size;
    else if (axis > last) inner *= size;
    else return null;
  }
  return {
    outer,
    reduced,
    inner,
    outShape: shape.filter((_, axis) => !reducedAxes.has(axis)),
    keptShape: shape.map((size, axis) => (reducedAxes.has(axis) ? 1 : size)),
  };
}
