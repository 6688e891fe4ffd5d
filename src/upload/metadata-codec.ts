/**
 * `x-amz-meta-*` values travel as HTTP headers, which only carry ASCII safely (S3 rejects or
 * mangles the rest). Every value is percent-encoded on write and decoded on read, so a title
 * like "Réunion : « café »" round-trips unchanged.
 */
import type { ObjectMetadata } from './types.js';

/** Encodes every value (and lower-cases every name, as S3 does) for the wire. */
export function encodeMetadata(metadata: ObjectMetadata): ObjectMetadata {
  const out: ObjectMetadata = {};
  for (const [name, value] of Object.entries(metadata)) {
    out[name.toLowerCase()] = encodeURIComponent(value);
  }
  return out;
}

/** Decodes values written by `encodeMetadata`; a value that is not valid encoding is kept as is. */
export function decodeMetadata(metadata: ObjectMetadata | undefined): ObjectMetadata {
  const out: ObjectMetadata = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    out[name.toLowerCase()] = decodeValue(value);
  }
  return out;
}

function decodeValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Written by someone else, not percent-encoded: better shown raw than lost.
    return value;
  }
}
