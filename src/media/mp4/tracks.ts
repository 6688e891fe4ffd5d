/**
 * The tracks a header declares, as far as a fragment depends on them: a moof names its track
 * by id and counts time in that track's timescale, and its samples are read with the codec of
 * the track's sample entry. A recording that continues another's file (see `Continuation`)
 * must write fragments that fit the file's header, not its own.
 */
import { type BoxRef, boxPayload, childBoxes, listBoxes, readType, readU32 } from './boxes.js';

/** One track of a header. */
export interface TrackInfo {
  /** tkhd track_ID, which each fragment's tfhd names. */
  id: number;
  /** hdlr handler_type: `vide` or `soun`. */
  handler: string;
  /** mdhd timescale: the unit of every tfdt and sample duration of the track. */
  timescale: number;
  /** The first sample entry's type: `avc1`, `avc3`, `mp4a`, `Opus`... */
  sampleEntry: string;
  /** An audio entry's channel count and sample rate (0 for video). */
  channels: number;
  sampleRate: number;
}

function child(bytes: Uint8Array, parent: BoxRef, type: string): BoxRef {
  const box = childBoxes(bytes, parent).find((b) => b.type === type);
  if (!box) throw new Error(`no ${type} in ${parent.type}`);
  return box;
}

function readTrack(header: Uint8Array, trak: BoxRef): TrackInfo {
  const tkhd = boxPayload(header, child(header, trak, 'tkhd'));
  // Version 1 widens creation and modification times to 64 bits each.
  const id = readU32(tkhd, tkhd[0] === 1 ? 20 : 12);
  const mdia = child(header, trak, 'mdia');
  const mdhd = boxPayload(header, child(header, mdia, 'mdhd'));
  const timescale = readU32(mdhd, mdhd[0] === 1 ? 20 : 12);
  const handler = readType(boxPayload(header, child(header, mdia, 'hdlr')), 8);
  const stbl = child(header, child(header, mdia, 'minf'), 'stbl');
  const stsd = child(header, stbl, 'stsd');
  // stsd: version and flags, entry_count, then the entries, which are boxes.
  const entryAt = stsd.offset + stsd.headerSize + 8;
  const entry = listBoxes(header, entryAt, stsd.offset + stsd.size)[0];
  if (!entry) throw new Error('stsd without a sample entry');
  const info: TrackInfo = {
    id,
    handler,
    timescale,
    sampleEntry: entry.type,
    channels: 0,
    sampleRate: 0,
  };
  if (handler === 'soun') {
    // AudioSampleEntry: 8 bytes of SampleEntry, 8 reserved, channelcount, samplesize,
    // 4 reserved, then the sample rate in 16.16 fixed point.
    const p = boxPayload(header, entry);
    info.channels = (p[16]! << 8) | p[17]!;
    info.sampleRate = readU32(p, 24) >>> 16;
  }
  return info;
}

/**
 * The tracks of an MP4 header (ftyp + moov), in the order of the moov.
 *
 * @throws Error when the header has no moov or a track lacks a box every track has.
 */
export function readTracks(header: Uint8Array): TrackInfo[] {
  const moov = listBoxes(header).find((b) => b.type === 'moov');
  if (!moov) throw new Error('no moov in the header');
  return childBoxes(header, moov)
    .filter((b) => b.type === 'trak')
    .map((trak) => readTrack(header, trak));
}

/**
 * Why fragments muxed for `ours` cannot follow a file with header `theirs`, or null when they
 * can: every track of ours must be in theirs with the same id, handler, timescale, sample
 * entry and audio format. Ours may lack a track of theirs (a file's audio may end early).
 */
export function trackMismatch(
  ours: readonly TrackInfo[],
  theirs: readonly TrackInfo[],
): string | null {
  for (const t of ours) {
    const match = theirs.find((x) => x.id === t.id);
    if (!match) return `the file has no track ${t.id} (${t.handler})`;
    for (const key of ['handler', 'timescale', 'sampleEntry', 'channels', 'sampleRate'] as const) {
      if (match[key] !== t[key]) {
        return `track ${t.id}'s ${key} is ${String(match[key])} in the file, ${String(t[key])} here`;
      }
    }
  }
  return null;
}
