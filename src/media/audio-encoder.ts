/**
 * The recording's audio encoder, whichever makes the packets: the browser's `AudioEncoder`
 * (AAC-LC or Opus) or FFmpeg's AAC-LC in WASM, which is loaded only when it is the one chosen
 * (it weighs more than the rest of the worker).
 */
import type {
  AudioEncoderCallbacks,
  RecordingAudioEncoder,
  WasmAacModule,
} from './audio-encoder-port.js';
import type { AudioChoice } from './encoder-config.js';
import type { AudioEncoderKind } from './protocol.js';

export type { AudioEncoderCallbacks, RecordingAudioEncoder, WasmAacModule };

/**
 * Loads the WASM AAC encoder. A separate chunk beside the worker's script, fetched only when the
 * browser has no AAC encoder of its own.
 */
export const loadWasmAac = (): Promise<WasmAacModule> => import('./wasm-aac.js');

/** WebCodecs' `AudioEncoder`, whose packets already carry the timestamps they were given. */
class BrowserAudioEncoder implements RecordingAudioEncoder {
  private readonly encoder: AudioEncoder;

  constructor(
    readonly kind: AudioEncoderKind,
    readonly codec: 'aac' | 'opus',
    config: AudioEncoderConfig,
    callbacks: AudioEncoderCallbacks,
  ) {
    this.encoder = new AudioEncoder({
      output: (chunk, meta) => callbacks.output(chunk, meta),
      error: (e) => callbacks.error(e),
    });
    this.encoder.configure(config);
  }

  get queueSize(): number {
    return this.encoder.encodeQueueSize;
  }

  encode(data: AudioData): void {
    this.encoder.encode(data);
  }

  async flush(): Promise<void> {
    if (this.encoder.state === 'configured') await this.encoder.flush();
  }

  close(): void {
    if (this.encoder.state !== 'closed') this.encoder.close();
  }
}

/** Opens the encoder of `choice`. Rejects when it cannot (the WASM one failed to load). */
async function open(
  choice: AudioChoice,
  callbacks: AudioEncoderCallbacks,
  load: () => Promise<WasmAacModule>,
  startUs: number,
): Promise<RecordingAudioEncoder> {
  if (choice.kind === 'wasm-aac') {
    return (await load()).openWasmAac(choice.config, callbacks, startUs);
  }
  return new BrowserAudioEncoder(choice.kind, choice.codec, choice.config, callbacks);
}

/** What {@link openAudioEncoder} opened, and why the better choices were passed over. */
export interface OpenedAudioEncoder {
  encoder: RecordingAudioEncoder | null;
  /** One sentence per choice that failed, best first. */
  failures: string[];
}

const NAMES: Record<AudioEncoderKind, string> = {
  'browser-aac': "the browser's AAC encoder",
  'wasm-aac': 'the WASM AAC encoder',
  opus: "the browser's Opus encoder",
};

/**
 * Opens the first of `choices` (best first, from `audioChoices`) that works: the browser's
 * AAC, else the WASM AAC, else Opus. `encoder` is null when none did. `startUs`: where in the
 * file the first audio given to it begins (0, or a continuation's start).
 */
export async function openAudioEncoder(
  choices: readonly AudioChoice[],
  callbacks: AudioEncoderCallbacks,
  load: () => Promise<WasmAacModule> = loadWasmAac,
  startUs = 0,
): Promise<OpenedAudioEncoder> {
  const failures: string[] = [];
  for (const choice of choices) {
    try {
      return { encoder: await open(choice, callbacks, load, startUs), failures };
    } catch (e) {
      failures.push(`${NAMES[choice.kind]} failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  return { encoder: null, failures };
}
