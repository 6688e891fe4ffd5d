/**
 * Puts the mixed audio on the file's clock: each chunk gets the timestamp its clock lays it
 * at (audio-clock.ts), and the first sound is preceded by silence from where this recording's
 * media begins (0, or where a continued file's media ends), so the audio track starts with
 * the video, has no hole, and the file lasts what its frames say.
 */
import { AudioClock, CountedAudioClock } from './audio-clock.js';
import type { ClockSettings } from './protocol.js';

/** Audio that falls this far behind the clock is moved forward to it (a gap, not a drift). */
const AUDIO_RESYNC_US = 150_000;

/**
 * The first sound rises over this long. Sound that starts at full level after silence is a
 * click: at the start of a recording, and where a continuation takes over from another
 * page's audio (after the silence of the switch), whose room is mid-sound.
 */
export const FADE_IN_US = 5_000;

/** Below this level a sample is silence (-60 dBFS): the fade waits for sound above it. */
const SILENT = 1e-3;

/**
 * The rise of the first sound: a raised cosine from the first sample above {@link SILENT}
 * (the mix's first chunks may be silent, and a sound starting after them is as abrupt),
 * carried over chunk boundaries.
 */
export class FadeIn {
  private done = 0;
  private started = false;

  constructor(readonly frames: number) {}

  get finished(): boolean {
    return this.done >= this.frames;
  }

  /** Fades `planes` (one per channel, `length` samples each) in place. */
  apply(planes: readonly Float32Array[], length: number): void {
    let i = 0;
    if (!this.started) {
      while (i < length && planes.every((p) => Math.abs(p[i]!) < SILENT)) i++;
      if (i === length) return;
      this.started = true;
    }
    for (; i < length && this.done < this.frames; i++, this.done++) {
      const gain = 0.5 - 0.5 * Math.cos((Math.PI * this.done) / this.frames);
      for (const p of planes) p[i]! *= gain;
    }
  }
}

/**
 * A copy of `data` with a new timestamp (the encoder stamps its packets from it), faded in
 * by `fade` when given.
 */
export function restamp(data: AudioData, timestamp: number, fade?: FadeIn): AudioData {
  const frames = data.numberOfFrames;
  const channels = data.numberOfChannels;
  if (fade) {
    // Read as f32-planar whatever the source format: every browser converts to it.
    const buf = new Float32Array(frames * channels);
    const planes: Float32Array[] = [];
    for (let ch = 0; ch < channels; ch++) {
      const plane = buf.subarray(ch * frames, (ch + 1) * frames);
      data.copyTo(plane, { planeIndex: ch, format: 'f32-planar' });
      planes.push(plane);
    }
    fade.apply(planes, frames);
    return new AudioData({
      format: 'f32-planar',
      sampleRate: data.sampleRate,
      numberOfFrames: frames,
      numberOfChannels: channels,
      timestamp,
      data: buf,
    });
  }
  const format = data.format ?? 'f32-planar';
  const planes = format.endsWith('-planar') ? channels : 1;
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
    numberOfFrames: frames,
    numberOfChannels: channels,
    timestamp,
    data: buf,
  });
}

/** Silence from `fromUs` to `toUs`, or null when that rounds to no sample. */
export function silence(
  fromUs: number,
  toUs: number,
  sampleRate: number,
  numberOfChannels: number,
): AudioData | null {
  const numberOfFrames = Math.round(((toUs - fromUs) / 1e6) * sampleRate);
  if (numberOfFrames <= 0) return null;
  return new AudioData({
    format: 'f32-planar',
    sampleRate,
    numberOfChannels,
    numberOfFrames,
    timestamp: fromUs,
    data: new Float32Array(numberOfFrames * numberOfChannels),
  });
}

/** Where a recording's media sits in the file (a continuation's is after another's). */
export interface TimelinePlacement {
  /** File time of the recording's clock zero. */
  originUs: number;
  /** File time where its media begins: silence fills from here to the first sound. */
  fillFromUs: number;
}

/** The audio's place on the recording's clock, chunk after chunk. */
export class AudioTimeline {
  private readonly clock: AudioClock | CountedAudioClock;
  /** Made with the first chunk, which is preceded by silence. */
  private fade: FadeIn | null = null;

  /**
   * `clock`: real time lays audio by arrival; the deterministic clock by sample count, cut
   * where its `frames` of video end. `placement`: where the clock's zero and the media's
   * start are in the file (both 0 for a recording of its own).
   */
  constructor(
    clock: ClockSettings,
    framerate: number,
    private readonly placement: TimelinePlacement = { originUs: 0, fillFromUs: 0 },
  ) {
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
    const ts =
      this.clock instanceof CountedAudioClock
        ? this.clock.stamp(data.numberOfFrames, data.sampleRate)
        : this.clock.stamp(arrivalUs, data.numberOfFrames, data.sampleRate);
    return ts === null ? null : ts + this.placement.originUs;
  }

  /**
   * What goes to the encoder for `data` at `timestamp`: a stamped copy, preceded the first time
   * by silence from where the media begins (the first sound arrives some tens of ms after the
   * first frame; a continuation's after the switch); the first sound fades in. The caller
   * closes them all, and `data` too.
   */
  toEncode(data: AudioData, timestamp: number): AudioData[] {
    const out: AudioData[] = [];
    const { sampleRate, numberOfChannels } = data;
    if (!this.fade) {
      this.fade = new FadeIn(Math.round((FADE_IN_US / 1e6) * sampleRate));
      const gap = silence(this.placement.fillFromUs, timestamp, sampleRate, numberOfChannels);
      if (gap) out.push(gap);
    }
    out.push(restamp(data, timestamp, this.fade.finished ? undefined : this.fade));
    return out;
  }
}
