/**
 * The one definition of what the recording encodes and whether this browser can: the
 * pre-flight (on the page, before Record is offered) and the worker (at start) both ask here,
 * so the pre-flight cannot pass where the worker then fails.
 */
import { PipelineError } from './errors.js';
import type { AudioEncoderKind, AudioSettings, VideoSettings } from './protocol.js';

/** H.264 High 1920x1080 at 30 fps, about 6 Mb/s, a keyframe every second (B10, X1). */
export const DEFAULT_VIDEO: VideoSettings = {
  codec: 'avc1.640028',
  width: 1920,
  height: 1080,
  framerate: 30,
  bitrate: 6_000_000,
  // 1 s, not 2: a fragment is journaled only once the next keyframe closes it, so a crash
  // loses the open fragment plus the write; 2-s fragments lost 2.3 s in the kill test (X1: 2 s).
  keyFrameIntervalSec: 1,
};

/** 48 kHz stereo at 128 kb/s: the mix's own format, and AAC-LC's usual rate for speech and music. */
export const DEFAULT_AUDIO: AudioSettings = {
  sampleRate: 48_000,
  numberOfChannels: 2,
  bitrate: 128_000,
};

/** The encoder config for `v`: realtime (a late frame is worse than a softer one), avcC output. */
export function videoEncoderConfig(v: VideoSettings): VideoEncoderConfig {
  return {
    codec: v.codec,
    width: v.width,
    height: v.height,
    bitrate: v.bitrate,
    framerate: v.framerate,
    // Length-prefixed samples with the parameter sets apart (avcC), as MP4 stores them; the
    // writer puts them back in front of each keyframe too (avc3), so another encoder's
    // fragments can follow (see mp4/avc.ts).
    avc: { format: 'avc' },
    latencyMode: 'realtime',
  };
}

/**
 * Refuses settings no encoder could take, before anything is set up for them.
 *
 * @throws PipelineError `unsupported-video-config`
 */
export function assertValidVideo(v: VideoSettings): void {
  if (!(v.width > 0 && v.height > 0 && v.framerate > 0 && v.bitrate > 0)) {
    throw new PipelineError(
      'unsupported-video-config',
      `Invalid video size or rate: ${JSON.stringify(v)}`,
    );
  }
}

/**
 * Resolves when this browser can encode `v` here (page or worker).
 *
 * @throws PipelineError `no-webcodecs` without a VideoEncoder; `unsupported-video-config` when
 * the settings are invalid or refused.
 */
export async function checkVideoSupport(v: VideoSettings): Promise<void> {
  if (typeof VideoEncoder === 'undefined') {
    throw new PipelineError('no-webcodecs', 'This browser has no WebCodecs VideoEncoder');
  }
  assertValidVideo(v);
  let supported = false;
  try {
    supported = (await VideoEncoder.isConfigSupported(videoEncoderConfig(v))).supported === true;
  } catch (e) {
    throw new PipelineError(
      'unsupported-video-config',
      `Video config ${v.codec} ${v.width}x${v.height} is invalid: ${(e as Error).message}`,
    );
  }
  if (!supported) {
    throw new PipelineError(
      'unsupported-video-config',
      `This browser cannot encode ${v.codec} at ${v.width}x${v.height} ${v.framerate} fps`,
    );
  }
}

/** An audio encoder this browser can use, and the config to open it with. */
export interface AudioChoice {
  kind: AudioEncoderKind;
  codec: 'aac' | 'opus';
  config: AudioEncoderConfig;
}

/** AAC-LC in WebCodecs' and the MP4 registry's spelling (object type 2). */
const AAC_LC = 'mp4a.40.2';

async function browserSupports(config: AudioEncoderConfig): Promise<boolean> {
  if (typeof AudioEncoder === 'undefined') return false;
  try {
    return (await AudioEncoder.isConfigSupported(config)).supported === true;
  } catch {
    // A config the browser cannot even parse is as good as unsupported.
    return false;
  }
}

/**
 * Whether the WASM AAC encoder can run here: it needs WebAssembly, a worker of its own
 * (started from a blob) and WebCodecs' AudioData to read the mix from.
 */
function wasmAacRuns(): boolean {
  return (
    typeof WebAssembly === 'object' &&
    typeof Worker !== 'undefined' &&
    typeof AudioData !== 'undefined'
  );
}

/**
 * The audio encoders usable here, best first: the browser's AAC-LC, else the WASM AAC-LC,
 * then the browser's Opus (for when the WASM one fails to load). Empty: no audio can be
 * encoded. Probes only; nothing is loaded.
 */
export async function audioChoices(a: AudioSettings): Promise<AudioChoice[]> {
  const base = {
    sampleRate: a.sampleRate,
    numberOfChannels: a.numberOfChannels,
    bitrate: a.bitrate,
  };
  const aac: AudioEncoderConfig = { codec: AAC_LC, ...base };
  const opus: AudioEncoderConfig = { codec: 'opus', ...base };
  const [browserAac, browserOpus] = await Promise.all([
    browserSupports(aac),
    browserSupports(opus),
  ]);
  const choices: AudioChoice[] = [];
  if (browserAac) choices.push({ kind: 'browser-aac', codec: 'aac', config: aac });
  else if (wasmAacRuns()) choices.push({ kind: 'wasm-aac', codec: 'aac', config: aac });
  if (browserOpus) choices.push({ kind: 'opus', codec: 'opus', config: opus });
  return choices;
}
