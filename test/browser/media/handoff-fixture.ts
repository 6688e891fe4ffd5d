/**
 * One file made by two recordings, the second continuing the first with another encoder
 * after a gap (handoff, X9): what the handoff tests judge. Imports nothing of the test
 * runner, so a plain page (the Firefox and GStreamer check in test/e2e) can make it too.
 */
import { concatBytes } from '../../../src/media/mp4/boxes.js';
import { rewriteHeader } from '../../../src/media/mp4/header-rewrite.js';
import {
  type Continuation,
  continuationOf,
  MediaPipeline,
  prepareWorker,
  type PipelineResult,
  type VideoSettings,
} from '../../../src/media/pipeline.js';
import {
  audioCaughtUp,
  COLOURS,
  MemorySink,
  type Rgb,
  stopSynthetic,
  syntheticCanvas,
  toneTrack,
} from './fixtures.js';

/** Frames of each recording's own (3 s at 30 fps). */
export const SEGMENT_FRAMES = 90;
/** The room's time between the first recording's end and the second's start. */
export const GAP_US = 2_000_000;
/** The first recording's stage and tone; the second's. */
export const FIRST = { colour: COLOURS.stage, frequency: 440 } as const;
export const SECOND = { colour: COLOURS.cam1, frequency: 660 } as const;
/**
 * The second recording's encoder settings: another profile (Constrained Baseline: CAVLC
 * entropy coding, no 8x8 transform) and bitrate than the first's (High, 6 Mb/s), so its SPS
 * and PPS differ as another machine's encoder's would.
 */
export const SUCCESSOR_VIDEO: Partial<VideoSettings> = { codec: 'avc1.42e028', bitrate: 2_500_000 };

/** One recording and what its sink got. */
export interface Segment {
  result: PipelineResult;
  sink: MemorySink;
}

/** The continued file and its parts. */
export interface HandoffFile {
  /** Rewritten header, then the first recording's fragments, then the second's. */
  file: Uint8Array;
  first: Segment;
  second: Segment;
  /** Where the first recording's media ends: the encoder switch, in seconds. */
  switchSec: number;
  /** Where the second recording's own time starts (after the held gap), in seconds. */
  resumeSec: number;
  /** The wall-clock span: both recordings and the gap. */
  durationSec: number;
}

async function record(
  look: { colour: Rgb; frequency: number },
  video: Partial<VideoSettings>,
  continuation?: Continuation,
): Promise<Segment> {
  const stage = syntheticCanvas(1920, 1080, look.colour);
  const tone = toneTrack(look.frequency);
  const sink = new MemorySink();
  let driftMs = -Infinity;
  const pipeline = new MediaPipeline({
    sources: { stage, webcams: [], audio: [tone.track] },
    sink,
    video,
    clock: { mode: 'deterministic', frames: SEGMENT_FRAMES },
    onHealth: (health) => (driftMs = health.avDriftMs),
    // A successor's page continues with a worker it prepared while it read storage or stood
    // by (its WASM AAC encoder opened ahead, then given the continuation's start).
    ...(continuation ? { continuation, worker: prepareWorker({ video }) } : {}),
  });
  try {
    await tone.sounding;
    await pipeline.start();
    await pipeline.whenFramesDone();
    // The frames are made faster than real time; the audio comes in real time, and its clock
    // cuts it where the frames end. Wait until it got there, so the audio ends with the video
    // as a real recording's does.
    driftMs = -Infinity; // Only a report from now on counts: the last frames are out by then.
    await audioCaughtUp(() => driftMs);
    return { result: await pipeline.stop(), sink };
  } finally {
    await tone.close();
    stopSynthetic();
  }
}

/**
 * Records 3 s, then continues the same file with a second pipeline (another encoder
 * configuration) whose timeline starts {@link GAP_US} after the first one's end, as a
 * successor's page would after a handoff; and builds the file the uploader would store.
 */
export async function recordHandoff(): Promise<HandoffFile> {
  const first = await record(FIRST, {});
  const a = first.result;
  const last = a.fragments.at(-1)!;
  const resumeAtUs = last.startUs + last.durationUs;
  // What the successor's page gets from the journal's index (and the room's clock).
  const continuation = continuationOf(
    {
      header: a.header,
      fragments: a.fragments,
      streamBytes: a.bytesWritten,
      nextSequence: a.nextSequence,
    },
    resumeAtUs + GAP_US,
  );
  const second = await record(SECOND, SUCCESSOR_VIDEO, continuation);
  const b = second.result;
  const header = rewriteHeader(a.header, [...a.fragments, ...b.fragments], {
    streamBytes: b.bytesWritten,
  });
  const file = concatBytes([
    header,
    ...first.sink.fragments.map((f) => f.bytes),
    ...second.sink.fragments.map((f) => f.bytes),
  ]);
  return {
    file,
    first,
    second,
    switchSec: resumeAtUs / 1e6,
    resumeSec: (resumeAtUs + GAP_US) / 1e6,
    durationSec: b.durationUs / 1e6,
  };
}
