/**
 * Messages between the pipeline on the page and its worker. The worker composes, encodes and
 * muxes; the page owns the sources (DOM elements, tracks), the audio mix and the sink.
 */
import type { PipelineErrorCode } from './errors.js';
import type { SinkAck, SinkRequest } from './sink-port.js';
import type { Continuation, FragmentInfo, PipelineHealth } from './types.js';

/** Video encoding settings. */
export interface VideoSettings {
  /** Codec string; `avc1.640028` is H.264 High, level 4.0. */
  codec: string;
  width: number;
  height: number;
  framerate: number;
  bitrate: number;
  /** Seconds between keyframes (each fragment starts at one). */
  keyFrameIntervalSec: number;
}

/** Audio encoding settings: the mix's format and the encoder's bitrate. */
export interface AudioSettings {
  sampleRate: number;
  numberOfChannels: number;
  bitrate: number;
}

/**
 * Which encoder made the file's audio: the browser's AAC-LC (`AudioEncoder`), FFmpeg's
 * AAC-LC in WASM (`@mediabunny/aac-encoder`, where the browser has no AAC encoder), or the
 * browser's Opus when neither AAC encoder works.
 */
export type AudioEncoderKind = 'browser-aac' | 'wasm-aac' | 'opus';

/** How frames are paced. */
export type ClockSettings =
  /**
   * A worker timer at the frame rate; every tick puts a frame in the file (the previous one
   * again when a new one cannot be made in time), so the file has a constant rate.
   */
  | { mode: 'realtime' }
  /**
   * For tests: the next frame is taken as soon as the encoder is ready, stamped
   * `n / framerate`, so frame counts do not depend on the machine's load; stops making frames
   * after `frames` (the recording stays open until stop()).
   */
  | { mode: 'deterministic'; frames: number };

/** Test-only fault injection. */
export interface FaultSettings {
  /** Breaks the video encoder (reconfigures it with an unsupported codec) at this frame. */
  videoEncoderErrorAtFrame?: number;
  /** The WASM AAC encoder fails to load, as where its code cannot be fetched. */
  wasmAacUnavailable?: boolean;
}

/** A visual source as the worker knows it. */
export interface SourceDesc {
  id: string;
  role: 'stage' | 'webcam';
  /**
   * `stream`: frames arrive on a transferred ReadableStream (a track processor's);
   * `push`: the page sends frames on request (canvases, file-backed videos).
   */
  kind: 'stream' | 'push';
  /** Size hint from the page (0 when unknown); replaced by the frames' own size. */
  width: number;
  height: number;
}

export interface StartMessage {
  type: 'start';
  video: VideoSettings;
  /** The audio to encode (the worker picks the encoder), or null for a file without audio. */
  audio: AudioSettings | null;
  clock: ClockSettings;
  faults?: FaultSettings;
  /** The sources at start, and the readables of its `stream` sources. */
  sources: SourceDesc[];
  streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }>;
  /** The mixed audio, as a track processor's readable. */
  audioStream: ReadableStream<AudioData> | null;
  /** Continue this file instead of starting one (handoff, X9): no header is written. */
  continuation?: Continuation;
}

export type ToWorker =
  | StartMessage
  /** Begin what a start with these settings waits for (see warm-up.ts); a start follows. */
  | { type: 'prepare'; video: VideoSettings; audio: AudioSettings | null }
  | {
      type: 'sources';
      sources: SourceDesc[];
      /** Readables for `stream` sources that are new in this message. */
      streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }>;
    }
  /** Frames of `push` sources, answering the tick `seq`. */
  | { type: 'frames'; seq: number; frames: Array<{ id: string; frame: VideoFrame | ImageBitmap }> }
  | { type: 'audio'; readable: ReadableStream<AudioData> }
  | SinkAck
  | { type: 'stop' };

/** Figures of a whole run (the benchmark reads them). */
export interface PipelineStats {
  framesComposed: number;
  framesEncoded: number;
  framesDropped: number;
  /** Of the dropped frames: late ticks that found the encoder a second behind. */
  droppedLate: number;
  /** Of the dropped frames: ticks while the encoder was a second behind (backpressure). */
  droppedBusy: number;
  /** Of the dropped frames: ticks while the sink (journal) was behind. */
  droppedSink: number;
  /**
   * Ticks that sent the previous composite again, with their own timestamp, so the file stays
   * at a constant rate: nothing changed, the thread woke late, or the encoder was busy.
   */
  framesRepeated: number;
  /** Of the repeats: ticks the thread woke too late for. */
  repeatedLate: number;
  /** Of the repeats: ticks while the encoder still held new frames. */
  repeatedBusy: number;
  /** Compose time per new composite (tiles written plus the frame copy), newest 10,000. */
  composeMsP50: number;
  composeMsP95: number;
  /** Tiles written per composed frame, on average (only sources with a new picture). */
  drawsPerFrame: number;
  /** Video chunks out of the encoder per second of wall time. */
  encodeFps: number;
  audioCodec: 'aac' | 'opus' | null;
  /** Which encoder made the audio (null: no audio). */
  audioEncoder: AudioEncoderKind | null;
  /**
   * Packets the writer left out: video before the first keyframe, audio going back in time.
   * 0 in a healthy run.
   */
  packetsSkipped: number;
  wallMs: number;
  /** The worker's JS heap at start and now, in MiB (null where the browser does not say). */
  workerHeapStartMB: number | null;
  workerHeapMB: number | null;
}

/** What the writer produced, as stop() returns it. */
export interface PipelineResult {
  header: Uint8Array;
  fragments: FragmentInfo[];
  durationUs: number;
  /** Bytes of the stream as written (header plus fragments), for the header rewrite. */
  bytesWritten: number;
  /** mfhd sequence number the file's next moof would take (what a continuation goes on from). */
  nextSequence: number;
  stats: PipelineStats;
}

export type FromWorker =
  | {
      type: 'started';
      audioCodec: 'aac' | 'opus' | null;
      audioEncoder: AudioEncoderKind | null;
      /**
       * Epoch ms of the file's time zero as this page's clock sees it: the first frame's time,
       * or for a continuation, `timelineStartUs` before this recording's clock started.
       */
      startedAtMs: number;
      /** File time, in ms, of the moment the worker's clock started (0, or a continuation's). */
      originMs: number;
    }
  | { type: 'tick'; seq: number; ids: string[] }
  | SinkRequest
  | { type: 'health'; health: PipelineHealth }
  /** A deterministic clock made all its frames. */
  | { type: 'clock-done'; frames: number }
  | { type: 'source-ended'; id: string }
  | { type: 'fault'; code: PipelineErrorCode; message: string; fatal: boolean }
  | {
      type: 'stopped';
      result: PipelineResult | null;
      error?: { code: PipelineErrorCode; message: string };
    };
