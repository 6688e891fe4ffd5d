/**
 * The header rewrite at Stop (X3): a fragmented MP4 written append-only has no duration
 * and no index, so a player reads the whole file before it can show either. Rewriting the
 * header (ftyp + moov, before the first moof) with the durations and a `sidx` makes it open
 * and seek at once. The fragments after it are untouched: their data offsets are relative to
 * their own moof (tfhd default-base-is-moof, which mediabunny sets), so growing the header
 * moves nothing that needs fixing.
 */
import type { FragmentInfo } from '../types.js';
import {
  type BoxRef,
  boxBytes,
  boxPayload,
  childBoxes,
  concatBytes,
  fitsU32,
  listBoxes,
  makeBox,
  makeFullBox,
  packUints,
  readType,
  readU32,
  readU64,
} from './boxes.js';

/** Options of {@link rewriteHeader}. */
export interface RewriteHeaderOptions {
  /**
   * Bytes of the stream as written, header plus every fragment (the writer's
   * `bytesWritten`, the journal's `bytes`): it gives the last fragment's size.
   */
  streamBytes: number;
  /** The whole duration in microseconds; by default the end of the last fragment. */
  durationUs?: number;
}

/** A sidx has a 16-bit reference count. */
export const MAX_SIDX_REFERENCES = 65_535;

interface Reference {
  startUs: number;
  endUs: number;
  size: number;
  sap: boolean;
}

const toUnits = (us: number, timescale: number): number => Math.round((us * timescale) / 1e6);

/**
 * Field layout after version+flags of the boxes whose duration is set: 't' is 32 bits in
 * version 0 and 64 in version 1, 'u' is always 32; the duration is the last field.
 */
const TIME_LAYOUTS = {
  mvhd: ['t', 't', 'u', 't'],
  tkhd: ['t', 't', 'u', 'u', 't'],
  mdhd: ['t', 't', 'u', 't'],
} as const;

/** Reads a time box's fields (creation, modification, ... , duration). */
function readTimeFields(payload: Uint8Array, kind: keyof typeof TIME_LAYOUTS) {
  const version = payload[0] ?? 0;
  const flags = readU32(payload, 0) & 0xff_ffff;
  const values: number[] = [];
  let pos = 4;
  for (const f of TIME_LAYOUTS[kind]) {
    const wide = f === 't' && version === 1;
    values.push(wide ? readU64(payload, pos) : readU32(payload, pos));
    pos += wide ? 8 : 4;
  }
  return { version, flags, values, rest: payload.subarray(pos) };
}

/** The box with its last field (the duration) replaced; version 1 only when 32 bits cannot hold it. */
function withDuration(bytes: Uint8Array, box: BoxRef, duration: number): Uint8Array {
  const kind = box.type as keyof typeof TIME_LAYOUTS;
  const { version, flags, values, rest } = readTimeFields(boxPayload(bytes, box), kind);
  values[values.length - 1] = duration;
  const wide =
    version === 1 || TIME_LAYOUTS[kind].some((f, i) => f === 't' && !fitsU32(values[i]!));
  const fields = TIME_LAYOUTS[kind].map(
    (f, i) => [f === 't' && wide ? 8 : 4, values[i]!] as [4 | 8, number],
  );
  return makeFullBox(box.type, wide ? 1 : 0, flags, packUints(fields), rest);
}

function mehd(duration: number): Uint8Array {
  return fitsU32(duration)
    ? makeFullBox('mehd', 0, 0, packUints([[4, duration]]))
    : makeFullBox('mehd', 1, 0, packUints([[8, duration]]));
}

function timescaleOf(bytes: Uint8Array, box: BoxRef): number {
  const { values } = readTimeFields(boxPayload(bytes, box), box.type as keyof typeof TIME_LAYOUTS);
  return values[2]!;
}

/** The fragments as sidx references: audio-only fragments fold into the one before. */
function references(fragments: readonly FragmentInfo[], streamBytes: number): Reference[] {
  const refs: Reference[] = [];
  fragments.forEach((f, i) => {
    const next = fragments[i + 1]?.offset ?? streamBytes;
    const size = next - f.offset;
    if (!(size > 0)) throw new RangeError(`fragment ${f.index} has no bytes (offset ${f.offset})`);
    const prev = refs.at(-1);
    if (prev && !f.startsWithKeyframe) {
      prev.size += size;
      prev.endUs = Math.max(prev.endUs, f.startUs + f.durationUs);
    } else {
      refs.push({
        startUs: f.startUs,
        endUs: f.startUs + f.durationUs,
        size,
        sap: f.startsWithKeyframe,
      });
    }
  });
  // Each reference's time runs to the next one's start, so the durations add up exactly.
  for (let i = 0; i + 1 < refs.length; i++) refs[i]!.endUs = refs[i + 1]!.startUs;
  if (refs.length <= MAX_SIDX_REFERENCES) return refs;
  // Beyond 65,535 fragments (36 h of 2-s fragments) neighbours share a reference; a
  // subsegment may span several fragments and still starts with the first one's keyframe.
  const group = Math.ceil(refs.length / MAX_SIDX_REFERENCES);
  const merged: Reference[] = [];
  for (let i = 0; i < refs.length; i += group) {
    const part = refs.slice(i, i + group);
    merged.push({
      startUs: part[0]!.startUs,
      endUs: part.at(-1)!.endUs,
      size: part.reduce((n, r) => n + r.size, 0),
      sap: part[0]!.sap,
    });
  }
  return merged;
}

/**
 * Builds a version-1 sidx indexing `fragments`, to be placed right before the first moof
 * (first_offset 0). Times are in `timescale` units (the video track's), references to
 * track `trackId`.
 */
export function buildSidx(
  fragments: readonly FragmentInfo[],
  streamBytes: number,
  trackId: number,
  timescale: number,
): Uint8Array {
  const refs = references(fragments, streamBytes);
  const first = refs[0];
  if (!first) throw new RangeError('a sidx needs at least one fragment');
  const entries = new Uint8Array(12 * refs.length);
  const view = new DataView(entries.buffer);
  refs.forEach((r, i) => {
    if (r.size >= 2 ** 31)
      throw new RangeError(`fragment of ${r.size} bytes is too large for a sidx`);
    const duration = toUnits(r.endUs, timescale) - toUnits(r.startUs, timescale);
    view.setUint32(i * 12, r.size); // reference_type 0 (media) + referenced_size
    view.setUint32(i * 12 + 4, Math.max(0, duration));
    // starts_with_SAP (1 bit), SAP_type (3 bits, 1 = IDR), SAP_delta_time 0.
    view.setUint32(i * 12 + 8, r.sap ? 0x9000_0000 : 0);
  });
  const head = packUints([
    [4, trackId],
    [4, timescale],
    [8, toUnits(first.startUs, timescale)], // earliest_presentation_time
    [8, 0], // first_offset: the first moof follows the sidx
    [2, 0],
    [2, refs.length],
  ]);
  return makeFullBox('sidx', 1, 0, head, entries);
}

/**
 * Rewrites a fragmented MP4's header (ftyp + moov, as first written) for the finished file:
 * `mvhd`, each `tkhd` and `mdhd`, and `mvex/mehd` (added if absent) get the whole duration,
 * and a `sidx` indexing every fragment goes right after the header, so the first moof follows
 * it. Pure: the result depends only on its arguments, so the journal can apply it to a
 * recording recovered after a crash. Applying it to its own output gives the same bytes
 * (an existing sidx is replaced).
 *
 * The file is then: the returned bytes, followed by every fragment's bytes in order.
 *
 * @param header - The header as the writer gave it to the sink.
 * @param fragments - Every fragment, in order, with offsets in the stream as written.
 * @param opts - The stream's size, and optionally the duration.
 */
export function rewriteHeader(
  header: Uint8Array,
  fragments: readonly FragmentInfo[],
  opts: RewriteHeaderOptions,
): Uint8Array {
  const top = listBoxes(header);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) throw new Error('rewriteHeader: no moov in the header');
  // The original header ends where the first fragment starts; a rewritten header given
  // back in carries its own sidx, which is not part of the original stream.
  const originalBytes = top.filter((b) => b.type !== 'sidx').reduce((n, b) => n + b.size, 0);
  fragments.forEach((f, i) => {
    if (i === 0 && f.offset !== originalBytes) {
      throw new RangeError(
        `first fragment at ${f.offset}, but the header has ${originalBytes} bytes`,
      );
    }
    if (i > 0 && f.offset <= fragments[i - 1]!.offset) {
      throw new RangeError(`fragment ${f.index} offset does not move forward`);
    }
    // A continued file (another recording's fragments after these) must go on in time; a
    // gap is fine (the reference before it spans it), going back is not.
    if (i > 0 && f.startUs < fragments[i - 1]!.startUs) {
      throw new RangeError(`fragment ${f.index} starts before the one before it`);
    }
  });
  const last = fragments.at(-1);
  if (last && opts.streamBytes <= last.offset) {
    throw new RangeError(`streamBytes ${opts.streamBytes} ends before the last fragment`);
  }

  const durationUs =
    opts.durationUs ?? fragments.reduce((m, f) => Math.max(m, f.startUs + f.durationUs), 0);
  const moovChildren = childBoxes(header, moov);
  const mvhdBox = moovChildren.find((b) => b.type === 'mvhd');
  if (!mvhdBox) throw new Error('rewriteHeader: no mvhd');
  const movieTimescale = timescaleOf(header, mvhdBox);
  const movieDuration = toUnits(durationUs, movieTimescale);

  let videoTrack: { id: number; timescale: number } | null = null;
  let firstTrack: { id: number; timescale: number } | null = null;

  const rebuildTrak = (trak: BoxRef): Uint8Array => {
    let id = 0;
    let timescale = 0;
    let handler = '';
    const parts = childBoxes(header, trak).map((child) => {
      if (child.type === 'tkhd') {
        id = readTimeFields(boxPayload(header, child), 'tkhd').values[2]!;
        return withDuration(header, child, movieDuration);
      }
      if (child.type !== 'mdia') return boxBytes(header, child);
      const mdia = childBoxes(header, child).map((m) => {
        if (m.type === 'hdlr') handler = readType(header, m.offset + m.headerSize + 8);
        if (m.type !== 'mdhd') return boxBytes(header, m);
        timescale = timescaleOf(header, m);
        return withDuration(header, m, toUnits(durationUs, timescale));
      });
      return makeBox('mdia', ...mdia);
    });
    firstTrack ??= { id, timescale };
    if (handler === 'vide' && !videoTrack) videoTrack = { id, timescale };
    return makeBox('trak', ...parts);
  };

  let sawMvex = false;
  const newMoov = makeBox(
    'moov',
    ...moovChildren.map((child) => {
      if (child.type === 'mvhd') return withDuration(header, child, movieDuration);
      if (child.type === 'trak') return rebuildTrak(child);
      if (child.type === 'mvex') {
        sawMvex = true;
        const rest = childBoxes(header, child)
          .filter((b) => b.type !== 'mehd')
          .map((b) => boxBytes(header, b));
        return makeBox('mvex', mehd(movieDuration), ...rest);
      }
      return boxBytes(header, child);
    }),
  );
  if (!sawMvex) throw new Error('rewriteHeader: no mvex, the file is not fragmented');

  const out: Uint8Array[] = [];
  for (const box of top) {
    if (box.type === 'sidx') continue;
    out.push(box === moov ? newMoov : boxBytes(header, box));
  }
  const indexed = (videoTrack ?? firstTrack) as { id: number; timescale: number } | null;
  if (last && indexed) {
    out.push(buildSidx(fragments, opts.streamBytes, indexed.id, indexed.timescale));
  }
  return concatBytes(out);
}
