/**
 * In the worker: the slow, settings-only parts of a start, begun before the start itself, so
 * that a page taking over a recording (X9) does them while it reads storage. Both are kept
 * for the worker's life: the video check's answer, and the WASM AAC module (a dynamic import
 * is loaded once, whoever asks).
 */
import { loadWasmAac } from './audio-encoder.js';
import { audioChoices, checkVideoSupport } from './encoder-config.js';
import type { AudioSettings, VideoSettings } from './protocol.js';

const checks = new Map<string, Promise<void>>();

/** {@link checkVideoSupport}, asked once per settings in this worker. */
export function videoSupport(v: VideoSettings): Promise<void> {
  const key = JSON.stringify(v);
  let check = checks.get(key);
  if (!check) {
    check = checkVideoSupport(v);
    // Observed by start(); a warm-up that nobody starts must not be an unhandled rejection.
    check.catch(() => undefined);
    checks.set(key, check);
  }
  return check;
}

/** Begins what a start with these settings will wait for. */
export function warmUp(video: VideoSettings, audio: AudioSettings | null): void {
  void videoSupport(video);
  if (!audio) return;
  void audioChoices(audio)
    .then((choices) => (choices[0]?.kind === 'wasm-aac' ? loadWasmAac() : undefined))
    .catch(() => undefined);
}
