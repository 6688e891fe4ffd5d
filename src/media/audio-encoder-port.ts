/**
 * What every audio encoder of the recording is to it, whichever makes the packets (see
 * audio-encoder.ts): apart, so the lazily loaded WASM encoder and its loader share it without
 * importing each other.
 */
import type { AudioEncoderKind } from './protocol.js';

/** Where an audio encoder's packets and out-of-band failures go. */
export interface AudioEncoderCallbacks {
  /** A packet, timestamped in microseconds on the file's clock; the first carries the config. */
  output(chunk: EncodedAudioChunk, meta?: EncodedAudioChunkMetadata): void;
  error(error: Error): void;
}

/** An open audio encoder, as the recording drives it. */
export interface RecordingAudioEncoder {
  readonly kind: AudioEncoderKind;
  readonly codec: 'aac' | 'opus';
  /** Chunks handed over and not encoded yet: the recording leaves new ones out past a limit. */
  readonly queueSize: number;
  /** Encodes `data`, stamped on the file's clock; the caller still owns `data` and closes it. */
  encode(data: AudioData): void;
  /** Resolves once every chunk handed over is out as packets. */
  flush(): Promise<void>;
  /** Frees the encoder; packets still inside are lost. Idempotent. */
  close(): void;
}

/** The WASM AAC encoder, which can be opened before its recording's start is known. */
export interface WasmAacEncoderHandle extends RecordingAudioEncoder {
  /**
   * Sends its packets to `callbacks`, its audio beginning at `startUs` in the file: for an
   * encoder opened ahead (its WASM loaded, a second or so on a busy machine).
   * @throws Error once it has been given audio, or when it failed or was closed meanwhile.
   */
  retarget(callbacks: AudioEncoderCallbacks, startUs: number): void;
}

/** The lazily loaded module of the WASM AAC encoder (see wasm-aac.ts). */
export interface WasmAacModule {
  openWasmAac(
    config: AudioEncoderConfig,
    callbacks: AudioEncoderCallbacks,
    startUs?: number,
  ): Promise<WasmAacEncoderHandle>;
}
