/**
 * Small ISO BMFF box helpers: enough to walk the top level of an MP4, look into a few
 * containers and build the handful of boxes the header rewrite needs. No DOM, no codecs.
 */

/** Where one box sits in a byte array. */
export interface BoxRef {
  /** Four-character type, e.g. `moov`. */
  type: string;
  /** Offset of the box's first byte (its size field). */
  offset: number;
  /** Total size of the box, header included. */
  size: number;
  /** 8, or 16 when the box uses a 64-bit size. */
  headerSize: number;
}

const MAX_U32 = 0xffff_ffff;

/** Reads a four-character code at `offset`. */
export function readType(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(
    bytes[offset] ?? 0,
    bytes[offset + 1] ?? 0,
    bytes[offset + 2] ?? 0,
    bytes[offset + 3] ?? 0,
  );
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads an unsigned 32-bit big-endian integer. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return view(bytes).getUint32(offset);
}

/** Reads an unsigned 64-bit big-endian integer (exact up to 2^53). */
export function readU64(bytes: Uint8Array, offset: number): number {
  const v = view(bytes);
  return v.getUint32(offset) * 2 ** 32 + v.getUint32(offset + 4);
}

/** Writes an unsigned 32-bit big-endian integer in place. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw new RangeError(`${value} does not fit in 32 bits`);
  }
  view(bytes).setUint32(offset, value);
}

/** Writes an unsigned 64-bit big-endian integer in place. */
export function writeU64(bytes: Uint8Array, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${value} is not a safe unsigned integer`);
  }
  const v = view(bytes);
  v.setUint32(offset, Math.floor(value / 2 ** 32));
  v.setUint32(offset + 4, value % 2 ** 32);
}

/** Whether a value fits a 32-bit unsigned field. */
export function fitsU32(value: number): boolean {
  return value >= 0 && value <= MAX_U32;
}

/**
 * Reads the header of the box at `offset`, bounded by `end`. Throws on a truncated or
 * malformed header rather than guessing, since a wrong size would corrupt what follows.
 */
export function readBox(bytes: Uint8Array, offset: number, end = bytes.length): BoxRef {
  if (offset + 8 > end) throw new RangeError(`truncated box header at ${offset}`);
  const size32 = readU32(bytes, offset);
  const type = readType(bytes, offset + 4);
  let size = size32;
  let headerSize = 8;
  if (size32 === 1) {
    if (offset + 16 > end) throw new RangeError(`truncated large box header at ${offset}`);
    size = readU64(bytes, offset + 8);
    headerSize = 16;
  } else if (size32 === 0) {
    // A size of 0 means the box runs to the end of its container.
    size = end - offset;
  }
  if (size < headerSize || offset + size > end) {
    throw new RangeError(`box '${type}' at ${offset} has a bad size ${size}`);
  }
  return { type, offset, size, headerSize };
}

/** The boxes laid out one after another in `[start, end)`. */
export function listBoxes(bytes: Uint8Array, start = 0, end = bytes.length): BoxRef[] {
  const boxes: BoxRef[] = [];
  let pos = start;
  while (pos < end) {
    const box = readBox(bytes, pos, end);
    boxes.push(box);
    pos += box.size;
  }
  return boxes;
}

/** The children of a plain container box (moov, trak, mdia, mvex, moof, traf...). */
export function childBoxes(bytes: Uint8Array, parent: BoxRef): BoxRef[] {
  return listBoxes(bytes, parent.offset + parent.headerSize, parent.offset + parent.size);
}

/** The bytes of a box, as a view (no copy). */
export function boxBytes(bytes: Uint8Array, box: BoxRef): Uint8Array {
  return bytes.subarray(box.offset, box.offset + box.size);
}

/** The payload of a box (after its header), as a view. */
export function boxPayload(bytes: Uint8Array, box: BoxRef): Uint8Array {
  return bytes.subarray(box.offset + box.headerSize, box.offset + box.size);
}

/** Joins byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Builds a box of `type` around `payload`, with a 64-bit size only when needed. */
export function makeBox(type: string, ...payload: readonly Uint8Array[]): Uint8Array {
  if (type.length !== 4) throw new TypeError(`box type must have 4 characters: '${type}'`);
  const body = concatBytes(payload);
  const large = !fitsU32(body.length + 8);
  const headerSize = large ? 16 : 8;
  const out = new Uint8Array(headerSize + body.length);
  writeU32(out, 0, large ? 1 : headerSize + body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  if (large) writeU64(out, 8, headerSize + body.length);
  out.set(body, headerSize);
  return out;
}

/** Builds a full box (version and 24-bit flags before the payload). */
export function makeFullBox(
  type: string,
  version: number,
  flags: number,
  ...payload: readonly Uint8Array[]
): Uint8Array {
  const vf = new Uint8Array(4);
  writeU32(vf, 0, ((version & 0xff) << 24) | (flags & 0xff_ffff));
  // `<< 24` of a version >= 128 would go negative; versions here are 0 or 1.
  return makeBox(type, vf, ...payload);
}

/** Big-endian unsigned integers of the given byte widths, packed. */
export function packUints(
  fields: readonly (readonly [width: 2 | 4 | 8, value: number])[],
): Uint8Array {
  let length = 0;
  for (const [w] of fields) length += w;
  const out = new Uint8Array(length);
  const v = view(out);
  let pos = 0;
  for (const [w, value] of fields) {
    if (w === 2) {
      if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
        throw new RangeError(`${value} does not fit in 16 bits`);
      }
      v.setUint16(pos, value);
    } else if (w === 4) writeU32(out, pos, value);
    else writeU64(out, pos, value);
    pos += w;
  }
  return out;
}
