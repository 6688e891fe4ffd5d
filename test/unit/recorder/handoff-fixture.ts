/** A handoff document for the handoff-context tests: one fragment in one tail. */
import { HANDOFF_VERSION, type HandoffContext } from '../../../src/recorder/handoff-context.js';

export const sampleContext: HandoffContext = {
  v: HANDOFF_VERSION,
  meta: {
    recordingId: 'rec-1',
    roomId: 'room-1',
    roomType: 'single',
    title: 'Class',
    ownerId: 'host-1',
    initiatorId: 'host-1',
    startedAt: 0,
    objectKey: 'rooms/room-1/Recordings/Rec.mp4',
    fileName: 'Rec.mp4',
  },
  uploadId: 'up-1',
  partPlan: { baseBytes: 5 * 1024 * 1024, growEvery: 2000 },
  parts: [],
  headerBytes: 3,
  header: 'AAAA',
  part1: null,
  indexBlocks: 0,
  partBlocks: 0,
  fragments: [[3, 100, 0, 1_000_000, 1, -1, -1]],
  tails: [{ key: 'rooms/room-1/.recorder/rec-1/tail-3-103.bin', start: 3, end: 103 }],
  generation: 1,
  oldTails: [],
  partShift: 64,
  seq: 7,
};
