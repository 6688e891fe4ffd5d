/**
 * `MediaStreamTrackProcessor` (Chromium, on the window only): a track's frames as a
 * ReadableStream, which can be transferred to the worker. TypeScript's DOM library lacks it.
 */

type TrackProcessorCtor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
  readable: ReadableStream<VideoFrame | AudioData>;
};

function ctor(): TrackProcessorCtor | undefined {
  return (globalThis as unknown as { MediaStreamTrackProcessor?: TrackProcessorCtor })
    .MediaStreamTrackProcessor;
}

/** Whether this browser has MediaStreamTrackProcessor here. */
export function hasTrackProcessor(): boolean {
  return typeof ctor() === 'function';
}

/** A video track's frames; the consumer must close every frame. */
export function videoFrames(
  track: MediaStreamTrack,
  maxBufferSize = 2,
): ReadableStream<VideoFrame> {
  const C = ctor();
  if (!C) throw new Error('MediaStreamTrackProcessor is not available in this browser');
  return new C({ track, maxBufferSize }).readable as ReadableStream<VideoFrame>;
}

/** An audio track's data; the consumer must close every AudioData. */
export function audioData(track: MediaStreamTrack, maxBufferSize = 50): ReadableStream<AudioData> {
  const C = ctor();
  if (!C) throw new Error('MediaStreamTrackProcessor is not available in this browser');
  return new C({ track, maxBufferSize }).readable as ReadableStream<AudioData>;
}
