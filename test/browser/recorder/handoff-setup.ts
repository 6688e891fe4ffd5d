/** What the handoff test's pages share: the local S3, small parts, and synthetic sources. */
import type { BrowserEngineOptions } from '../../../src/recorder/browser-engine.js';
import type { RecordingMeta } from '../../../src/recorder/engine.js';
import { objectKey, recordingFileName } from '../../../src/session/naming.js';
import type { RecordingSources } from '../../../src/media/sources.js';
import { SMALL_PLAN, SMALL_RULES } from '../upload/fixtures.js';
import { syntheticCanvas, toneTrack, type Rgb } from '../media/fixtures.js';

export interface FrameSetup {
  endpoint: string;
  bucket: string;
  roomId: string;
  journalName: string;
  colour: Rgb;
  frequency: number;
  /** Parts of S3's real 5 MiB: none is complete in a short test, so storage holds only tails. */
  realParts?: boolean;
}

/** 640x360 keeps two pipelines on one test machine at full rate; handoff needs no 1080p. */
export const HANDOFF_VIDEO = {
  width: 640,
  height: 360,
  bitrate: 1_500_000,
  keyFrameIntervalSec: 1,
};

export function engineOptions(s: FrameSetup): BrowserEngineOptions {
  return {
    storage: {
      kind: 's3',
      bucket: s.bucket,
      region: 'us-east-1',
      endpoint: s.endpoint,
      forcePathStyle: true,
      // s3rver's fixed local credentials: valid nowhere else.
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
    roomId: s.roomId,
    upload: s.realParts ? {} : { partPlan: SMALL_PLAN, rules: SMALL_RULES },
    pipeline: { video: HANDOFF_VIDEO },
  };
}

/** A stage of one colour and a tone of one pitch: each page's own, told apart in the file. */
export function roomSources(colour: Rgb, frequency: number): RecordingSources {
  return {
    stage: syntheticCanvas(640, 360, colour),
    webcams: [],
    audio: [toneTrack(frequency).track],
  };
}

/** A new recording of `title` in `roomId`, started now by host-1, named as the product names it. */
export function newMeta(roomId: string, title: string): RecordingMeta {
  const startedAt = Date.now();
  const { fileName } = recordingFileName(startedAt, title);
  return {
    recordingId: crypto.randomUUID(),
    roomId,
    roomType: 'single',
    title,
    ownerId: 'host-1',
    initiatorId: 'host-1',
    startedAt,
    objectKey: objectKey('rooms', roomId, fileName),
    fileName,
  };
}
