/**
 * A real encode before Record is offered (X4): `isConfigSupported` can say yes where the
 * encoder then fails or is far too slow (Firefox 153 here encodes 1080p H.264 at about a
 * third of real time). The probe encodes a short run of 1080p frames with the recording's
 * own config and times it.
 *
 * The frames change a little each time, as a room's composite does between camera frames
 * (and a repeated composite costs even less): an encoder that cannot do 30 of these a second
 * cannot keep a 30 fps recording, whatever the room shows.
 */
import { videoEncoderConfig } from './encoder-config.js';
import type { VideoSettings } from './protocol.js';

/** What the probe found. */
export type EncodeProbe = { ok: true; fps: number } | { ok: false; reason: string };

/** Frames encoded by the probe; the first (a keyframe) is not timed. */
const PROBE_FRAMES = 16;

/**
 * Encodes {@link PROBE_FRAMES} frames of `v` and reports frames per second, or why the
 * encoder failed. Takes about half a second where encoding keeps up.
 */
export async function probeVideoEncoder(v: VideoSettings): Promise<EncodeProbe> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') {
    return { ok: false, reason: 'no VideoEncoder' };
  }
  const { width, height } = v;
  const ySize = width * height;
  const buffer = new Uint8Array(ySize + 2 * ((width / 2) * (height / 2)));
  // A picture with detail (a diagonal ramp), so the encoder has real work on the keyframe.
  for (let y = 0; y < height; y++) buffer.fill((y * 7) & 0xff, y * width, (y + 1) * width);
  buffer.fill(128, ySize);
  const outputs: number[] = [];
  let failure: string | null = null;
  const encoder = new VideoEncoder({
    output: () => outputs.push(performance.now()),
    error: (e) => (failure = e.message),
  });
  try {
    encoder.configure(videoEncoderConfig(v));
    const frameUs = Math.round(1e6 / v.framerate);
    let started = 0;
    for (let i = 0; i < PROBE_FRAMES && failure === null; i++) {
      // A block that moves: what changes between two frames of a room.
      const row = (i * 40) % (height - 64);
      for (let y = row; y < row + 64; y++) buffer.fill((i * 37) & 0xff, y * width, y * width + 640);
      const frame = new VideoFrame(buffer, {
        format: 'I420',
        codedWidth: width,
        codedHeight: height,
        timestamp: i * frameUs,
        duration: frameUs,
      });
      try {
        encoder.encode(frame, { keyFrame: i === 0 });
      } finally {
        frame.close();
      }
      if (i === 0) {
        await encoder.flush();
        started = performance.now();
      }
    }
    await encoder.flush();
    if (failure !== null) return { ok: false, reason: failure };
    if (outputs.length < PROBE_FRAMES) {
      return { ok: false, reason: `${outputs.length} of ${PROBE_FRAMES} frames came out` };
    }
    const seconds = (performance.now() - started) / 1000;
    return { ok: true, fps: Math.round(((PROBE_FRAMES - 1) / Math.max(seconds, 1e-3)) * 10) / 10 };
  } catch (e) {
    return { ok: false, reason: failure ?? (e as Error).message };
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
}
