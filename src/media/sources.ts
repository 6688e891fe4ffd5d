/** What the pipeline records: the room's pictures and sound, as the page hands them over. */

/** Something whose pictures can be drawn into the recording. */
export type VisualSource = HTMLVideoElement | HTMLCanvasElement | MediaStreamTrack;

/** A webcam tile: its picture source, and who it is (for ordering; the name is never drawn). */
export interface WebcamSource {
  id: string;
  source: VisualSource;
}

/** What goes into the recording. Sources may change while recording. */
export interface RecordingSources {
  stage: VisualSource | null;
  webcams: WebcamSource[];
  audio: MediaStreamTrack[];
}
