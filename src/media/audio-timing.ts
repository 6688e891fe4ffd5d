/**
 * Puts the mixed audio on the file's clock: each chunk gets the timestamp its clock lays it
 * at (audio-clock.ts), and the first sound is preceded by silence from 0, so the audio track
 * starts with the video and the file lasts what its frames say.
 */
import { AudioClock, CountedAudioClock } from './audio-clock.js';
import type { ClockSettings } from './protocol.js';

/** Audio that falls this far behind the clock is moved forward to it (a gap, not a drift). */
const AUDIO_RESYNC_US = 150_000;

/** A copy of `data` with a new timestamp (the encoder stamps its packets from it). */
export function restamp(data: AudioData, timestamp: number): AudioData {
  const format = data.format ?? 'f32-planar';
  const planes = format.endsWith('-planar') ? data.numberOfChannels : 1;
  const sizes: number[] = [];
  for (let i = 0; i < planes; i++) sizes.push(data.allocationSize({ planeIndex: i }));
  const buf = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  let off = 0;
  for (let i = 0; i < planes; i++) {
    data.copyTo(buf.subarray(off, off + sizes[i]!), { planeIndex: i });
    off += sizes[i]!;
  }
  return new AudioData({
    format,
    sampleRate: data.sampleRate,
    numberOfFrames: data.numberOfFrames,
    numberOfChannels: data.numberOfChannels,
    timestamp,
    data: buf,
  });
}

/** `durationUs` of silence from timestamp 0, or null when that rounds to no sample. */
export function silence(
  durationUs: number,
  sampleRate: number,
  numberOfChannels: number,
): AudioData | null {
  const numberOfFrames = Math.round((durationUs / 1e6) * sampleRate);
  if (numberOfFrames <= 0) return null;
  return new AudioData({
    format: 'f32-planar',
    sampleRate,
    numberOfChannels,
    numberOfFrames,
    timestamp: 0,
    data: new Float32Array(numberOfFrames * numberOfChannels),
  });
}

/** The audio's place on the recording's clock, chunk after chunk. */
export class AudioTimeline {
  private readonly clock: AudioClock | CountedAudioClock;
  private begun = false;

  /**
   * `clock`: real time lays audio by arrival; the deterministic clock by sample count, cut
   * where its `frames` of video end.
   */
  constructor(clock: ClockSettings, framerate: number) {
    this.clock =
      clock.mode === 'deterministic'
        ? new CountedAudioClock((clock.frames * 1e6) / framerate)
        : new AudioClock(AUDIO_RESYNC_US);
  }

  /**
   * The timestamp of `data`, which arrived `arrivalUs` after the recording's start; null to
   * leave it out (before the start, or running ahead of the clock). Counts its samples either
   * way: a chunk dropped after this is a gap, not a shift of what follows.
   */
  stamp(data: AudioData, arrivalUs: number): number | null {
    return this.clock instanceof CountedAudioClock
      ? this.clock.stamp(data.numberOfFrames, data.sampleRate)
      : this.clock.stamp(arrivalUs, data.numberOfFrames, data.sampleRate);
  }

  /**
   * What goes to the encoder for `data` at `timestamp`: a stamped copy, preceded the first time
   * by silence from 0 (the first sound arrives some tens of ms after the first frame). The
   * caller closes them all, and `data` too.
   */
  toEncode(data: AudioData, timestamp: number): AudioData[] {
    const out: AudioData[] = [];
    if (!this.begun) {
      this.begun = true;
      const gap = silence(timestamp, data.sampleRate, data.numberOfChannels);
      if (gap) out.push(gap);
    }
    out.push(restamp(data, timestamp));
    return out;
  }
}
