/**
 * Where the fragments of a finished file lie, read from its head: the file is the header
 * (ftyp, moov) and a sidx, then every fragment; the sidx gives each fragment's size, so the
 * head alone says which byte ranges of the original stream the file holds. A device that
 * comes back after another continued its recording (X9) compares its own fragments with
 * these to find what never reached the file.
 */
import { readBox, readU32 } from './boxes.js';

/** Reads bytes [start, end) of the stored file (fewer at its end), or null when it is absent. */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array | null>;

/** A first read that holds the header and the sidx of hours of recording. */
const FIRST_READ = 256 * 1024;

/**
 * The end offsets of the file's fragments (sidx references), in the original stream's
 * coordinates: the stream's own header is `streamHeaderBytes` long (the file's rewritten one
 * may differ), and its fragments follow it in the file's order. Null when the file is absent;
 * an empty list when it has no sidx (nothing can be told).
 *
 * Beyond 65,535 fragments the sidx merges neighbours, so some boundaries are not listed.
 */
export async function storedFragmentEnds(
  read: RangeReader,
  streamHeaderBytes: number,
): Promise<number[] | null> {
  let head = await read(0, FIRST_READ);
  if (!head) return null;
  const sidx = findSidx(head);
  if (!sidx) return [];
  if (sidx.offset + sidx.size > head.byteLength) {
    head = await read(0, sidx.offset + sidx.size);
    if (!head || head.byteLength < sidx.offset + sidx.size) return [];
  }
  const p = head.subarray(sidx.offset + sidx.headerSize, sidx.offset + sidx.size);
  // version 1 widens earliest_presentation_time and first_offset to 64 bits each.
  const countAt = p[0] === 1 ? 30 : 22;
  const count = (p[countAt]! << 8) | p[countAt + 1]!;
  const firstOffset = p[0] === 1 ? readU32(p, 24) : readU32(p, 16);
  let end = streamHeaderBytes + firstOffset;
  const ends: number[] = [];
  for (let i = 0; i < count; i++) {
    end += readU32(p, countAt + 2 + i * 12) & 0x7fff_ffff;
    ends.push(end);
  }
  return ends;
}

/** The sidx among the file's first boxes, read as far as `head` allows. */
function findSidx(head: Uint8Array): { offset: number; size: number; headerSize: number } | null {
  let pos = 0;
  while (pos + 8 <= head.byteLength) {
    let box;
    try {
      box = readBox(head, pos, Number.MAX_SAFE_INTEGER);
    } catch {
      return null;
    }
    if (box.type === 'sidx') return box;
    if (box.type === 'moof' || box.type === 'mdat') return null;
    pos += box.size;
  }
  return null;
}
