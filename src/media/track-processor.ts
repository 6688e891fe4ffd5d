/**
 * `MediaStreamTrackProcessor` (Chromium, on the window only): a track's frames as a
 * ReadableStream, which can be transferred to the worker. TypeScript's DOM library lacks it.
 */

type TrackProcessorCtor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
  readable: ReadableStream<VideoFrame | AudioData>;
};

/**
 * A track processor's readable, and the processor itself: the page must keep `processor`
 * referenced while the worker reads, or a garbage collection ends the stream after a frame
 * or two (seen here with transferred readables).
 */
export interface TrackStream<T> {
  readable: ReadableStream<T>;
  processor: object;
}

function ctor(): TrackProcessorCtor | undefined {
  return (globalThis as unknown as { MediaStreamTrackProcessor?: TrackProcessorCtor })
    .MediaStreamTrackProcessor;
}

/** Whether this browser has MediaStreamTrackProcessor here. */
export function hasTrackProcessor(): boolean {
  return typeof ctor() === 'function';
}

function open<T>(track: MediaStreamTrack, maxBufferSize: number): TrackStream<T> {
  const C = ctor();
  if (!C) throw new Error('MediaStreamTrackProcessor is not available in this browser');
  const processor = new C({ track, maxBufferSize });
  return { processor, readable: processor.readable as ReadableStream<T> };
}

/** A video track's frames; the consumer must close every frame. */
export function videoFrames(track: MediaStreamTrack, maxBufferSize = 2): TrackStream<VideoFrame> {
  return open<VideoFrame>(track, maxBufferSize);
}

/** An audio track's data; the consumer must close every AudioData. */
export function audioData(track: MediaStreamTrack, maxBufferSize = 50): TrackStream<AudioData> {
  return open<AudioData>(track, maxBufferSize);
}
