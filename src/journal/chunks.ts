/**
 * Where bytes of the original stream live in the journal: pure arithmetic over offsets,
 * parts and chunks, kept apart from IndexedDB so it can be tested in Node.
 */
import type { PartPlan } from './part-plan.js';

/** The largest chunk record the journal writes (records stay within 1-4 MiB). */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/** A piece of the original stream, [offset, end). */
export interface Piece {
  offset: number;
  end: number;
}

/** A piece with its bytes. */
export interface BytePiece extends Piece {
  bytes: Uint8Array;
}

/**
 * Cuts a fragment written at `offset` into chunk pieces of at most MAX_CHUNK_BYTES.
 *
 * With fixed parts (a plan without `alignParts`) cuts also fall on part boundaries, so every
 * chunk lies in exactly one part and leaves the journal exactly when its part is confirmed
 * (X8); aligned parts never split a fragment, so a fragment's chunks are in one part anyway. A large run is cut into equal pieces
 * rather than 4 MiB + remainder, so records stay near the 1-4 MiB band. The bytes are
 * copied: a view on a larger buffer would make IndexedDB clone the whole buffer, and the
 * writer may reuse its buffer once the call returns.
 */
export function splitIntoChunks(offset: number, bytes: Uint8Array, plan: PartPlan): BytePiece[] {
  const pieces: BytePiece[] = [];
  const end = offset + bytes.byteLength;
  let at = offset;
  while (at < end) {
    const runEnd = plan.alignParts ? end : Math.min(end, plan.fullRange(plan.partOf(at)).end);
    const runBytes = runEnd - at;
    const count = Math.ceil(runBytes / MAX_CHUNK_BYTES);
    const size = Math.ceil(runBytes / count);
    for (let pieceStart = at; pieceStart < runEnd; pieceStart += size) {
      const pieceEnd = Math.min(runEnd, pieceStart + size);
      pieces.push({
        offset: pieceStart,
        end: pieceEnd,
        bytes: bytes.slice(pieceStart - offset, pieceEnd - offset),
      });
    }
    at = runEnd;
  }
  return pieces;
}

/**
 * Whether a chunk may leave the journal: every part it touches is confirmed, and none of
 * them is part 1 (the header part is rewritten at stop and sent last, so it stays).
 */
export function isEvictable(piece: Piece, confirmed: ReadonlySet<number>, plan: PartPlan): boolean {
  if (piece.end <= piece.offset) return false;
  const first = plan.partOf(piece.offset);
  const last = plan.partOf(piece.end - 1);
  if (first <= 1) return false;
  for (let n = first; n <= last; n++) if (!confirmed.has(n)) return false;
  return true;
}

/** The result of assembling a range: its bytes, and the first gap if any. */
export interface Assembled {
  bytes: Uint8Array;
  /** The first range no piece covered, or null when the range is whole. */
  missing: Piece | null;
}

/** Copies the pieces overlapping [start, end) into one array and reports the first gap. */
export function assemble(start: number, end: number, pieces: readonly BytePiece[]): Assembled {
  const out = new Uint8Array(end - start);
  const sorted = [...pieces].sort((a, b) => a.offset - b.offset);
  let covered = start;
  let missing: Piece | null = null;
  for (const piece of sorted) {
    const from = Math.max(start, piece.offset);
    const to = Math.min(end, piece.end);
    if (to <= from) continue;
    if (from > covered && !missing) missing = { offset: covered, end: from };
    out.set(piece.bytes.subarray(from - piece.offset, to - piece.offset), from - start);
    covered = Math.max(covered, to);
  }
  if (covered < end && !missing) missing = { offset: covered, end };
  return { bytes: out, missing };
}
