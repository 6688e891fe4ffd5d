/**
 * In the worker: the slow, settings-only parts of a start, begun before the start itself, so
 * that a page taking over a recording (X9) does them while it reads storage, or while it stands
 * by as another page records. All are kept for the worker's life: the video check's answer, the
 * WASM AAC module (a dynamic import is loaded once, whoever asks) and one WASM AAC encoder
 * opened ahead, which the next start with its settings takes.
 */
import { loadWasmAac } from './audio-encoder.js';
import type {
  AudioEncoderCallbacks,
  WasmAacEncoderHandle,
  WasmAacModule,
} from './audio-encoder-port.js';
import { audioChoices, checkVideoSupport } from './encoder-config.js';
import type { AudioSettings, VideoSettings } from './protocol.js';

const checks = new Map<string, Promise<void>>();

/** WASM AAC encoders opened ahead, by their config: each is taken once. */
const spareAac = new Map<string, Promise<WasmAacEncoderHandle>>();

/** Where an encoder opened ahead sends what it makes before a recording takes it: nowhere. */
const UNTAKEN: AudioEncoderCallbacks = { output: () => undefined, error: () => undefined };

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
    .then((choices) => {
      const best = choices[0];
      if (best?.kind !== 'wasm-aac') return;
      // Its WASM runs in a worker of its own that compiles it when an encoder opens: most of
      // a second on a busy 2-core machine, so one is opened now.
      const key = JSON.stringify(best.config);
      if (spareAac.has(key)) return;
      const spare = loadWasmAac().then((m) => m.openWasmAac(best.config, UNTAKEN, 0));
      spare.catch(() => spareAac.delete(key));
      spareAac.set(key, spare);
    })
    .catch(() => undefined);
}

/**
 * The WASM AAC module, except that opening an encoder whose config was warmed up takes the
 * one opened ahead (else, or when that one failed, it opens one as usual).
 */
export async function wasmAacWithSpare(): Promise<WasmAacModule> {
  const module = await loadWasmAac();
  return {
    async openWasmAac(config, callbacks, startUs = 0) {
      const key = JSON.stringify(config);
      const spare = spareAac.get(key);
      spareAac.delete(key);
      const opened = spare ? await spare.catch(() => null) : null;
      try {
        opened?.retarget(callbacks, startUs);
      } catch {
        // It failed while it waited (its worker died): a new one, whose failure is reported.
        opened?.close();
        return module.openWasmAac(config, callbacks, startUs);
      }
      return opened ?? module.openWasmAac(config, callbacks, startUs);
    },
  };
}
