/** Why the pipeline could not start or had to stop. */
export type PipelineErrorCode =
  /** No stage, no webcam and no audio track: nothing to record. */
  | 'no-sources'
  /** This browser lacks VideoEncoder, AudioEncoder, OffscreenCanvas or MediaStreamTrackProcessor. */
  | 'no-webcodecs'
  /** `VideoEncoder.isConfigSupported` refused the video settings. */
  | 'unsupported-video-config'
  /** The video encoder failed while recording. */
  | 'video-encoder-error'
  /** The audio encoder failed while recording (video goes on without audio). */
  | 'audio-encoder-error'
  /** The MP4 writer or the fragment sink failed. */
  | 'writer-error'
  /** The worker itself failed (script error, crash). */
  | 'worker-error'
  /** The call does not fit the pipeline's state (start twice, stop before start). */
  | 'invalid-state'
  /**
   * A continuation cannot go on with the file it was given: its video is not `avc3`, or the
   * tracks this recording makes differ from the file's (frame rate, audio format).
   */
  | 'cannot-continue';

/** An error of the recording pipeline, with a code a controller can branch on. */
export class PipelineError extends Error {
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PipelineError';
  }
}
