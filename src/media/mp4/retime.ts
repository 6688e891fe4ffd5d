/**
 * Moves whole fragments earlier in time: each traf's tfdt (its first sample's decode time)
 * goes back by the same span, in its own track's timescale. Fragments cut out of a recording
 * (the part of it a device kept but the file never got, X9) then make a file that starts at 0
 * instead of hours of nothing. Sample durations and data offsets (relative to each moof) do
 * not change, so nothing else in the bytes moves.
 */
import {
  boxPayload,
  childBoxes,
  listBoxes,
  readU32,
  readU64,
  writeU32,
  writeU64,
} from './boxes.js';
import type { TrackInfo } from './tracks.js';

/**
 * Shifts, in place, every fragment in `bytes` (moof and mdat boxes, one after another)
 * `byUs` earlier; a track's time never goes below 0 (audio may start a hair before video).
 *
 * @throws Error when a fragment names a track the header lacks.
 */
export function shiftFragmentsEarlier(
  bytes: Uint8Array,
  tracks: readonly TrackInfo[],
  byUs: number,
): void {
  const timescales = new Map(tracks.map((t) => [t.id, t.timescale]));
  for (const moof of listBoxes(bytes).filter((b) => b.type === 'moof')) {
    for (const traf of childBoxes(bytes, moof).filter((b) => b.type === 'traf')) {
      const children = childBoxes(bytes, traf);
      const tfhd = children.find((b) => b.type === 'tfhd');
      const tfdt = children.find((b) => b.type === 'tfdt');
      if (!tfhd || !tfdt) continue;
      const trackId = readU32(boxPayload(bytes, tfhd), 4);
      const timescale = timescales.get(trackId);
      if (timescale === undefined)
        throw new Error(`a fragment names track ${trackId}, which the header lacks`);
      const shift = Math.round((byUs * timescale) / 1e6);
      const p = boxPayload(bytes, tfdt);
      if (p[0] === 1) writeU64(p, 4, Math.max(0, readU64(p, 4) - shift));
      else writeU32(p, 4, Math.max(0, readU32(p, 4) - shift));
    }
  }
}
