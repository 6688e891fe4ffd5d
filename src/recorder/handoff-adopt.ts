/**
 * X9, on the page that continues: turns what the recording page kept in storage (its handoff
 * context, part 1's bytes, the tails it put there) into a recording in this page's journal,
 * and says where the file goes on from, so the pipeline continues it into the same object.
 */
import type { CompletedPart, Journal, JournalFragment, RecordingRecord } from '../journal/types.js';

import { continuationOf, type Continuation } from '../media/pipeline.js';
import type { UploadTarget } from '../upload/types.js';
import type { RecordingMeta } from './engine.js';
import { journalFields } from './journal-meta.js';
import {
  HandoffKeys,
  readContext,
  fromBase64,
  INDEX_BLOCK_FRAGMENTS,
  readConfirmedParts,
  readFragmentIndex,
  successorPartShift,
  type HandedTail,
  type HandoffContext,
} from './handoff-context.js';

export interface AdoptDeps {
  journal: Journal;
  target: UploadTarget;
  keyPrefix: string;
  /** The room this page is in: a context for another room is refused. */
  roomId: string;
}

/** A recording taken over: journaled here, ready to continue. */
export interface Adopted {
  meta: RecordingMeta;
  context: HandoffContext;
  keys: HandoffKeys;
  continuation: Continuation;
  /** The context's index blocks that hold fragments this page adopted, unchanged. */
  indexBlocks: number;
}

/**
 * What a recording's handoff document says storage holds, and where the file would continue
 * if every tail it names is whole (the usual case): enough to start the pipeline while
 * {@link adoptFound} reads the bytes themselves.
 */
export interface FoundHandoff {
  recordingId: string;
  context: HandoffContext;
  keys: HandoffKeys;
  header: Uint8Array;
  /** The whole fragment index the document describes. */
  index: JournalFragment[];
  /** Every part storage confirmed that the document names. */
  parts: CompletedPart[];
  /** Where the header, part 1's object and the confirmed parts end. */
  confirmedEnd: number;
  /** The tails after those bytes, in order. */
  tails: HandedTail[];
  /** The file's continuation and index blocks, if every tail is whole. */
  expected: { continuation: Continuation; indexBlocks: number };
}

/**
 * Reads the recording's handoff document (and its index blocks), `elapsedMs` after the
 * recording's start (the room's time now). `checkpoint`: the document the leaving page named
 * (see `readContext`).
 *
 * @throws Error saying what is missing or wrong (no context: the recording page had not
 *   confirmed anything yet, or the storage cannot be read).
 */
export async function findHandoff(
  deps: AdoptDeps,
  recordingId: string,
  elapsedMs: number,
  checkpoint?: number,
): Promise<FoundHandoff> {
  const keys = new HandoffKeys(deps.keyPrefix, { roomId: deps.roomId, recordingId });
  const context = await readContext(deps.target, keys, checkpoint);
  if (!context) {
    throw new Error(
      `Nothing of recording ${recordingId} is in storage yet (no handoff context in ${keys.folder}): it cannot be continued here.`,
    );
  }
  const { meta } = context;
  if (meta.recordingId !== recordingId || meta.roomId !== deps.roomId) {
    throw new Error(`The handoff context in ${keys.folder} is for another recording or room.`);
  }
  const header = fromBase64(context.header);
  if (header.byteLength !== context.headerBytes) {
    throw new Error(
      `The handoff context's header is not the ${context.headerBytes} bytes it says.`,
    );
  }
  // What storage holds from the start: the header, part 1's object, the confirmed parts; then
  // the tails in order, each from where the bytes before it end (a tail put before part 1's
  // object existed may reach back into part 1).
  const [index, parts] = await Promise.all([
    readFragmentIndex(deps.target, keys, context),
    readConfirmedParts(deps.target, keys, context),
  ]);
  let confirmedEnd = context.part1 ? context.part1.end : context.headerBytes;
  for (const part of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    if (context.part1 && part.start === confirmedEnd && part.end !== undefined) {
      confirmedEnd = part.end;
    }
  }
  const tails = [...context.tails]
    .sort((a, b) => a.start - b.start)
    .filter((t) => t.end > confirmedEnd);
  let covered = confirmedEnd;
  for (const tail of tails) {
    if (tail.start > covered) break;
    covered = tail.end;
  }
  const found = { recordingId, context, keys, header, index, parts, confirmedEnd, tails };
  return { ...found, expected: continuing(found, covered, elapsedMs) };
}

/**
 * Reads the bytes `found` names (part 1's object, the tails) and journals the recording here.
 * Its continuation is `found.expected`'s unless a tail is missing or cut short (a page that
 * closed while putting it): the file then continues from the bytes before that tail.
 *
 * @throws Error naming an object that is missing or a hole between the tails.
 */
export async function adoptFound(
  deps: AdoptDeps,
  found: FoundHandoff,
  elapsedMs: number,
): Promise<Adopted> {
  const { context, header, tails, keys } = found;
  let covered = found.confirmedEnd;
  // At once (a page that had no part complete yet left one tail a second), with part 1.
  const [part1, tailBytes] = await Promise.all([
    context.part1 ? need(deps.target, context.part1.key) : null,
    Promise.all(tails.map((t) => deps.target.getObject(t.key))),
  ]);
  const pieces: Array<{ offset: number; bytes: Uint8Array }> = [];
  if (part1) pieces.push({ offset: 0, bytes: part1 });
  for (const [i, tail] of tails.entries()) {
    if (tail.start > covered) {
      throw new Error(`The handoff context's tails leave bytes [${covered}, ${tail.start}) out.`);
    }
    const bytes = tailBytes[i];
    if (!bytes || bytes.byteLength !== tail.end - tail.start) {
      // The recording page puts a tail and the context naming it at once, and may have gone
      // before the tail was whole: the file continues from the bytes before it.
      console.warn(
        `[room-recorder] the handed-over tail ${tail.key} is ${bytes ? 'not the size the context says' : 'missing'}: continuing from byte ${covered}`,
      );
      break;
    }
    pieces.push({ offset: covered, bytes: bytes.subarray(covered - tail.start) });
    covered = tail.end;
  }
  const { continuation, indexBlocks, fragments, streamBytes } = continuing(
    found,
    covered,
    elapsedMs,
  );
  const { meta } = context;
  const record: RecordingRecord = {
    ...journalFields(meta),
    state: 'recording',
    endedAt: null,
    bytes: streamBytes,
    headerBytes: context.headerBytes,
    uploadId: context.uploadId,
    partPlan: context.partPlan,
    parts: found.parts,
    durationUs: null,
    error: null,
    handoffGeneration: context.generation + 1,
    partShift: successorPartShift(context),
  };
  await deps.journal.adopt(record, header, fragments, pieces);
  return { meta, context, keys, continuation, indexBlocks };
}

/**
 * Reads the recording's handoff objects, journals the recording here and returns where its
 * file continues ({@link findHandoff}, then {@link adoptFound}).
 */
export async function adoptHandoff(
  deps: AdoptDeps,
  recordingId: string,
  elapsedMs: number,
  checkpoint?: number,
): Promise<Adopted> {
  return adoptFound(deps, await findHandoff(deps, recordingId, elapsedMs, checkpoint), elapsedMs);
}

/** Whether two continuations put the next fragment at the same place with the same number. */
export function sameContinuation(a: Continuation, b: Continuation): boolean {
  return (
    a.startOffsetBytes === b.startOffsetBytes &&
    a.nextFragmentIndex === b.nextFragmentIndex &&
    a.nextSequence === b.nextSequence &&
    a.resumeAtUs === b.resumeAtUs &&
    a.audioResumeAtUs === b.audioResumeAtUs
  );
}

/** The file's continuation once storage holds its bytes up to `covered`. */
function continuing(
  found: Pick<FoundHandoff, 'header' | 'index' | 'context'>,
  covered: number,
  elapsedMs: number,
): {
  continuation: Continuation;
  indexBlocks: number;
  fragments: JournalFragment[];
  streamBytes: number;
} {
  const { header, context } = found;
  const fragments = found.index.filter((f) => f.offset + f.size <= covered);
  const last = fragments.at(-1);
  const streamBytes = last ? last.offset + last.size : context.headerBytes;
  const timelineStartUs = Math.round(elapsedMs * 1000);
  const continuation: Continuation = last
    ? continuationOf(
        {
          header,
          fragments,
          streamBytes,
          ...(last.nextSequence !== undefined ? { nextSequence: last.nextSequence } : {}),
        },
        timelineStartUs,
      )
    : // Nothing after the header reached storage: the file's media starts with this page's.
      {
        header,
        nextFragmentIndex: 0,
        startOffsetBytes: streamBytes,
        resumeAtUs: 0,
        timelineStartUs,
      };
  // A block past the fragments adopted holds some this page will number differently.
  const indexBlocks = Math.min(
    context.indexBlocks,
    Math.floor(fragments.length / INDEX_BLOCK_FRAGMENTS),
  );
  return { continuation, indexBlocks, fragments, streamBytes };
}

async function need(target: UploadTarget, key: string): Promise<Uint8Array> {
  const bytes = await target.getObject(key);
  if (!bytes) throw new Error(`The handoff object ${key} is missing from storage.`);
  return bytes;
}
