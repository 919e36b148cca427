/** Element types of NPY files that this package reads. */
export const NPY_DTYPES = [
  'bool',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float16',
  'float32',
  'float64',
] as const;

/** Name of an NPY element type, one of {@link NPY_DTYPES}. */
export type NpyDtype = (typeof NPY_DTYPES)[number];

/** An element type with its byte order, decoded from a `descr` string. */
export interface NpyElementType {
  dtype: NpyDtype;
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
}

/** NumPy type codes (kind and size, as in `<f4`) of the readable types. */
const TYPE_CODES: Record<string, NpyDtype> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

/** Descriptions of the NumPy kinds that are not read, for messages. */
const UNSUPPORTED_KINDS: Record<string, string> = {
  O: 'Python objects; object arrays are never unpickled',
  U: 'Unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  V: 'raw bytes or records',
  c: 'complex numbers',
  M: 'dates and times',
  m: 'time differences',
};

/**
 * Decodes a NumPy `descr` string such as `<f4`, `>i8` or `|u1`: a byte
 * order (`<` little-endian, `>` big-endian, `|` not applicable), a kind
 * and a size in bytes.
 *
 * @returns The element type, or a phrase describing what `descr` contains
 *   instead of a readable numeric type.
 */
export function decodeDescr(descr: string): NpyElementType | string {
  const order = descr[0] ?? '';
  const code = descr.slice(1);
  const dtype = TYPE_CODES[code];
  if ('<>|'.includes(order) && order !== '' && dtype !== undefined) {
    const size = Number(code.slice(1));
    if (size === 1 || order !== '|') {
      return { dtype, size, littleEndian: order !== '>' };
    }
    return `${dtype} without a byte order`;
  }

  const kind = /^[<>|=]?([A-Za-z])/.exec(descr)?.[1] ?? '';
  return (
    UNSUPPORTED_KINDS[kind] ??
    `not one of ${NPY_DTYPES.join(', ')} with a byte order < or >`
  );
}

/** Reads element `index` of `view` as a number. */
export type ElementReader = (view: DataView, index: number) => number;

/** Returns a function that reads one element of `type` as a number. */
export function elementReader(type: NpyElementType): ElementReader {
  const little = type.littleEndian;
  switch (type.dtype) {
    case 'bool':
      return (view, i) => (view.getUint8(i) === 0 ? 0 : 1);
    case 'int8':
      return (view, i) => view.getInt8(i);
    case 'uint8':
      return (view, i) => view.getUint8(i);
    case 'int16':
      return (view, i) => view.getInt16(2 * i, little);
    case 'uint16':
      return (view, i) => view.getUint16(2 * i, little);
    case 'int32':
      return (view, i) => view.getInt32(4 * i, little);
    case 'uint32':
      return (view, i) => view.getUint32(4 * i, little);
    case 'int64':
      return (view, i) => Number(view.getBigInt64(8 * i, little));
    case 'uint64':
      return (view, i) => Number(view.getBigUint64(8 * i, little));
    case 'float16':
      return (view, i) => halfToNumber(view.getUint16(2 * i, little));
    case 'float32':
      return (view, i) => view.getFloat32(4 * i, little);
    case 'float64':
      return (view, i) => view.getFloat64(8 * i, little);
  }
}

/** Converts the bits of an IEEE 754 half-precision float to a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
