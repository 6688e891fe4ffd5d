/** What must hold before Record is offered (X4); each failure is named, not hidden. */
import { isRoomLocked, storageEstimate } from '../journal/index.js';
import {
  audioChoices,
  checkVideoSupport,
  DEFAULT_AUDIO,
  DEFAULT_VIDEO,
} from '../media/encoder-config.js';
import { probeVideoEncoder } from '../media/encoder-probe.js';
import type { VideoSettings } from '../media/protocol.js';
import { hasTrackProcessor } from '../media/track-processor.js';
import type { UploadTarget } from '../upload/types.js';
import type { PreflightProblem, PreflightResult } from './engine.js';

/** Local room the journal needs: the backlog of a slow upload, not the whole recording. */
export const MIN_FREE_BYTES = 512 * 1024 * 1024;

/** The worker's own check (media/encoder-config.ts), so the two cannot disagree. */
async function h264Supported(video: VideoSettings): Promise<boolean> {
  return checkVideoSupport(video).then(
    () => true,
    () => false,
  );
}

/** A 1-byte object written at `key`: whether it was stored, and its ETag readable here. */
async function writeProbe(
  target: UploadTarget,
  key: string,
): Promise<'ok' | 'etag-hidden' | { error: string }> {
  try {
    const etag = await target.putObject(key, new Uint8Array([0]), 'application/octet-stream');
    return etag ? 'ok' : 'etag-hidden';
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The browser's AAC, else the WASM AAC, else Opus: the same choice the worker makes. */
async function audioSupported(): Promise<boolean> {
  return (await audioChoices(DEFAULT_AUDIO)).length > 0;
}

/**
 * Checks what the recording really needs, all at once: a secure context with WebCodecs; a
 * way to read tracks frame by frame (MediaStreamTrackProcessor: the pipeline reads every
 * camera, share and the audio mix through it); the H.264 config the worker will use, then a
 * real encode of a few 1080p frames (an encoder that says yes and then fails is caught
 * here, and its speed is measured); the audio encoder the worker would choose; local
 * storage; the upload target, and with `writeProbeKey` a 1-byte write there whose ETag the
 * page must be able to read (a bucket whose CORS rules hide it accepts every part and the
 * page can confirm none); the room lock. `video`: the pipeline's overrides of
 * {@link DEFAULT_VIDEO}.
 */
export async function runPreflight(
  target: UploadTarget,
  roomId: string,
  video: Partial<VideoSettings> = {},
  writeProbeKey?: string,
): Promise<PreflightResult> {
  if (typeof VideoEncoder === 'undefined' || !window.isSecureContext) {
    return { ok: false, problems: ['no-webcodecs'] };
  }
  const settings = { ...DEFAULT_VIDEO, ...video };
  const [h264, audio, estimate, reachable, locked] = await Promise.all([
    h264Supported(settings).catch(() => false),
    audioSupported().catch(() => false),
    storageEstimate().catch(() => null),
    target.probe().catch(() => false),
    isRoomLocked(roomId).catch(() => false),
  ]);
  const problems: PreflightProblem[] = [];
  if (!hasTrackProcessor()) problems.push('no-track-processor');
  // Only a config the browser accepts is worth a real encode.
  const probe = h264 ? await probeVideoEncoder(settings) : null;
  if (!h264) problems.push('no-h264');
  else if (probe && !probe.ok) problems.push('encoder-failed');
  if (!audio) problems.push('no-audio-codec');
  if (estimate && estimate.available < MIN_FREE_BYTES) problems.push('no-storage');
  let uploadError: string | undefined;
  if (!reachable) problems.push('upload-unreachable');
  else if (writeProbeKey !== undefined) {
    const written = await writeProbe(target, writeProbeKey);
    if (written === 'etag-hidden') problems.push('upload-etag-hidden');
    else if (written !== 'ok') {
      problems.push('upload-write-refused');
      uploadError = written.error;
    }
  }
  if (locked) problems.push('locked-elsewhere');
  return {
    ok: problems.length === 0,
    problems,
    ...(uploadError !== undefined ? { uploadError } : {}),
    ...(estimate ? { storageAvailable: estimate.available } : {}),
    ...(probe?.ok ? { encodeFps: probe.fps } : {}),
    ...(probe && !probe.ok ? { encoderError: probe.reason } : {}),
  };
}
