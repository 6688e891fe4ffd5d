/** What must hold before Record is offered (X4); each failure is named, not hidden. */
import { isRoomLocked, storageEstimate } from '../journal/index.js';
import { DEFAULT_VIDEO } from '../media/pipeline.js';
import type { UploadTarget } from '../upload/types.js';
import type { PreflightProblem, PreflightResult } from './engine.js';

/** Local room the journal needs: the backlog of a slow upload, not the whole recording. */
export const MIN_FREE_BYTES = 512 * 1024 * 1024;

async function h264Supported(): Promise<boolean> {
  const support = await VideoEncoder.isConfigSupported({
    codec: DEFAULT_VIDEO.codec,
    width: DEFAULT_VIDEO.width,
    height: DEFAULT_VIDEO.height,
    bitrate: DEFAULT_VIDEO.bitrate,
    framerate: DEFAULT_VIDEO.framerate,
    avc: { format: 'avc' },
  });
  return support.supported === true;
}

async function audioSupported(): Promise<boolean> {
  if (typeof AudioEncoder === 'undefined') return false;
  for (const codec of ['mp4a.40.2', 'opus']) {
    const s = await AudioEncoder.isConfigSupported({
      codec,
      sampleRate: 48_000,
      numberOfChannels: 2,
      bitrate: 128_000,
    });
    if (s.supported) return true;
  }
  return false;
}

/** Checks codecs, local storage, the upload target and the room lock, all at once. */
export async function runPreflight(target: UploadTarget, roomId: string): Promise<PreflightResult> {
  if (typeof VideoEncoder === 'undefined' || !window.isSecureContext) {
    return { ok: false, problems: ['no-webcodecs'] };
  }
  const [h264, audio, estimate, reachable, locked] = await Promise.all([
    h264Supported().catch(() => false),
    audioSupported().catch(() => false),
    storageEstimate().catch(() => null),
    target.probe().catch(() => false),
    isRoomLocked(roomId).catch(() => false),
  ]);
  const problems: PreflightProblem[] = [];
  if (!h264) problems.push('no-h264');
  if (!audio) problems.push('no-audio-codec');
  if (estimate && estimate.available < MIN_FREE_BYTES) problems.push('no-storage');
  if (!reachable) problems.push('upload-unreachable');
  if (locked) problems.push('locked-elsewhere');
  return {
    ok: problems.length === 0,
    problems,
    ...(estimate ? { storageAvailable: estimate.available } : {}),
  };
}
