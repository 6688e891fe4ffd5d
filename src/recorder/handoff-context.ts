/**
 * X9: everything another page needs to continue a recording into the same object, kept in
 * storage beside it while it records: a small JSON document (the recording, its multipart
 * upload, the parts storage confirmed, the index of every fragment in them, the original
 * header), the raw bytes of part 1 (sent last, rewritten, at Stop), and, when the page
 * leaves cleanly, the tail it had not sent yet.
 *
 * Storage, not the room, carries it: the fragment index of a long recording outgrows a room
 * message, and a page that died can no longer say anything. A successor reads it with the
 * same credentials (or signing endpoint) it records with.
 */
import type { PartPlanSpec } from '../journal/part-plan.js';
import { handoffFolder } from '../library/folder-keys.js';
import type { CompletedPart, JournalFragment } from '../journal/types.js';
import { limiter } from '../shared/limiter.js';
import { withRetry } from '../upload/retry.js';
import { UploadError, type UploadTarget } from '../upload/types.js';
import type { RecordingMeta } from './engine.js';

/**
 * The format of the document; a successor refuses another. 2: the fragment index goes in
 * blocks of its own (`indexBlocks`); 3: the confirmed parts too (`partBlocks`). A page that
 * reads an earlier version only refuses a later one rather than continue from part of the
 * index or finish the upload without some of its parts. Versions 1 and 2 are still read.
 */
export const HANDOFF_VERSION = 3;

/**
 * Fragments per index block (about 30 kB of JSON). The document is put once a second while a
 * successor is present: with the whole index in it, it grew by 56 bytes a second of recording
 * (406 kB a second after two hours, more than the demo's video itself), read from IndexedDB and
 * encoded each time. Blocks are put once each, so the document stays under one block's size.
 */
export const INDEX_BLOCK_FRAGMENTS = 500;

/**
 * Confirmed parts per part block. Each part costs the document about 110 bytes, and a 6-Mb/s
 * recording confirms a 5-MiB part every 7 s: two hours held 119 kB of parts in a document put
 * every second (a sixth of the video's own rate). Blocks are put once each.
 */
export const PART_BLOCK_PARTS = 500;

/** One fragment in the document's compact form (see {@link HandoffContext.fragments}). */
export type PackedFragment = [number, number, number, number, 0 | 1, number?, number?];

/** Bytes of the stream [start, end), whole fragments, put in storage as an object of their own. */
export interface HandedTail {
  key: string;
  start: number;
  end: number;
}

/** The document. */
export interface HandoffContext {
  v: typeof HANDOFF_VERSION | 2 | 1;
  meta: RecordingMeta;
  uploadId: string;
  partPlan: PartPlanSpec;
  /**
   * Parts storage confirmed (2 and on; part 1 goes last), with their byte ranges, after those
   * in the part blocks.
   */
  parts: CompletedPart[];
  /**
   * The first `partBlocks` blocks of confirmed parts, in stream order, are in objects of their
   * own (`HandoffKeys.parts`), each put once and before any document named it (0 before
   * version 3).
   */
  partBlocks: number;
  /** The original header's size: the stream's first bytes. */
  headerBytes: number;
  /** The original header (ftyp + moov), base64. */
  header: string;
  /** Where the raw bytes of part 1 are, once it was complete; null before. */
  part1: { key: string; end: number } | null;
  /**
   * The first `indexBlocks` × {@link INDEX_BLOCK_FRAGMENTS} fragments of the index are in
   * objects of their own (`HandoffKeys.index`), each put once and before any document named
   * it (0 in version 1).
   */
  indexBlocks: number;
  /**
   * The rest of the index: every fragment after the blocks in the bytes storage holds (and in
   * the tails): offset, size, start, duration, starts with a keyframe, where its audio ends
   * (-1: it has none) and the next moof's sequence number (-1: unknown).
   */
  fragments: PackedFragment[];
  /**
   * The bytes after the confirmed parts, as objects of their own, in order and contiguous:
   * put every few seconds while another page could continue (a closed or killed page then
   * loses at most that), and the last of them by a cleanly leaving page.
   */
  tails: HandedTail[];
  /**
   * How many pages recorded it before the one that wrote this (0: the page that started it).
   * A successor writes its own at once: a page that recorded it earlier and comes back after a
   * crash then leaves the file to the successor (its journal's generation is lower).
   */
  generation: number;
  /** Tails earlier handoffs left in storage: deleted with the rest once the file is stored. */
  oldTails: string[];
  /** The writing page's `RecordingRecord.partShift` (read as 0 from an earlier release). */
  partShift: number;
  /**
   * The document's number, counted on across pages (read as 0 from an earlier release): it
   * picks the slot it is written to, and the newest of the two slots (see {@link HandoffKeys}).
   */
  seq: number;
}

/**
 * How far past the page it continues a successor numbers its parts: that page may have gone on
 * sending parts after its last checkpoint (killed mid-request, or frozen and woken), and 64
 * parts (320 MiB and more) is far beyond what it records before it learns it was continued.
 * Each handoff spends 64 of S3's 10,000 numbers; a 24-hour recording needs about 6,500.
 */
export const HANDOFF_PART_GAP = 64;

/** The part shift of the page that continues the recording a context describes. */
export function successorPartShift(context: HandoffContext): number {
  return context.partShift + HANDOFF_PART_GAP;
}

/**
 * The handoff objects of a recording, from its meta and the storage's key prefix.
 *
 * The document alternates between two slots: a page that dies mid-write leaves the other slot
 * whole. S3 never serves a partial object, but some stores (s3rver) write in place, and one
 * slot left a successor nothing to continue from.
 */
export class HandoffKeys {
  readonly folder: string;

  constructor(keyPrefix: string, meta: Pick<RecordingMeta, 'roomId' | 'recordingId'>) {
    this.folder = handoffFolder(keyPrefix, meta.roomId, meta.recordingId);
  }

  /** Where document number `seq` is written. */
  contextFor(seq: number): string {
    return `${this.folder}context-${seq % 2}.json`;
  }

  /** Every key a document may be at: both slots, and the one slot of an earlier release. */
  get contexts(): string[] {
    return [this.contextFor(0), this.contextFor(1), `${this.folder}context.json`];
  }

  get part1(): string {
    return `${this.folder}part1.bin`;
  }

  tail(start: number, end: number): string {
    return `${this.folder}tail-${start}-${end}.bin`;
  }

  /** Part block `n`: the confirmed parts [n × 500, n × 500 + 500) in stream order. */
  parts(n: number): string {
    return `${this.folder}parts-${n}.json`;
  }

  /** Index block `n`: fragments [n × 500, n × 500 + 500). */
  index(n: number): string {
    return `${this.folder}index-${n}.json`;
  }
}

/** The objects a context names besides the slots and part 1: tails and index blocks. */
export function namedObjects(keys: HandoffKeys, context: HandoffContext): string[] {
  return [
    ...context.oldTails,
    ...context.tails.map((t) => t.key),
    ...Array.from({ length: context.indexBlocks }, (_, n) => keys.index(n)),
    ...Array.from({ length: context.partBlocks }, (_, n) => keys.parts(n)),
  ];
}

/**
 * Every handoff object of a recording once its file is stored, to delete: those the pages
 * named (`others`: tails and index blocks), and whatever else its folder holds (a tail a page
 * put after another had continued the recording is named nowhere). The names alone when the
 * folder cannot be listed.
 */
export async function handoffObjects(
  target: UploadTarget,
  keys: HandoffKeys,
  others: readonly string[],
): Promise<string[]> {
  const named = [...keys.contexts, keys.part1, ...others];
  const listed: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await target.listObjects(keys.folder, token);
      listed.push(...page.objects.map((o) => o.key));
      token = page.nextToken;
    } while (token);
  } catch (e) {
    console.warn(`[room-recorder] could not list ${keys.folder}; only the named objects go`, e);
  }
  return [...new Set([...named, ...listed])];
}

/** Fragments in the document's compact form. */
export function packFragments(fragments: readonly JournalFragment[]): PackedFragment[] {
  return fragments.map((f) => [
    f.offset,
    f.size,
    f.startUs,
    f.durationUs,
    f.startsWithKeyframe ? 1 : 0,
    f.audioEndUs ?? -1,
    f.nextSequence ?? -1,
  ]);
}

/** Packed fragments as the journal keeps them, numbered from 0. */
export function unpackFragments(packed: readonly PackedFragment[]): JournalFragment[] {
  return packed.map(([offset, size, startUs, durationUs, key, audioEnd, sequence], index) => ({
    index,
    offset,
    size,
    startUs,
    durationUs,
    startsWithKeyframe: key === 1,
    ...(audioEnd !== undefined && audioEnd >= 0 ? { audioEndUs: audioEnd } : {}),
    ...(sequence !== undefined && sequence >= 0 ? { nextSequence: sequence } : {}),
  }));
}

/** The document as stored. */
export function encodeContext(context: HandoffContext): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(context));
}

/**
 * A stored document, checked enough that a successor never continues from nonsense.
 * @throws Error naming what is wrong.
 */
export function decodeContext(bytes: Uint8Array): HandoffContext {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('The handoff context is not JSON.');
  }
  const c = value as Partial<HandoffContext>;
  if (c?.v !== HANDOFF_VERSION && c?.v !== 2 && c?.v !== 1) {
    throw new Error(
      `The handoff context has version ${String(c?.v)}; this page reads ${HANDOFF_VERSION}.`,
    );
  }
  if (
    typeof c.uploadId !== 'string' ||
    typeof c.header !== 'string' ||
    typeof c.headerBytes !== 'number' ||
    !Array.isArray(c.parts) ||
    !Array.isArray(c.fragments) ||
    typeof c.meta?.recordingId !== 'string' ||
    typeof c.meta?.objectKey !== 'string'
  ) {
    throw new Error('The handoff context lacks the recording, its upload or its index.');
  }
  // Written by a page of an earlier release (one tail, from a clean leave): still read, so a
  // room where pages run two releases loses no tail.
  const legacy = (value as { tail?: HandedTail | null }).tail;
  const tails = Array.isArray(c.tails) ? c.tails : legacy ? [legacy] : [];
  if (!tails.every((t) => typeof t?.key === 'string' && t.end > t.start)) {
    throw new Error('The handoff context names a tail without its byte range.');
  }
  const indexBlocks = c.v === 1 ? 0 : c.indexBlocks;
  if (!Number.isSafeInteger(indexBlocks) || indexBlocks! < 0) {
    throw new Error('The handoff context does not say how many index blocks it has.');
  }
  const partBlocks = c.v === HANDOFF_VERSION ? c.partBlocks : 0;
  if (!Number.isSafeInteger(partBlocks) || partBlocks! < 0) {
    throw new Error('The handoff context does not say how many part blocks it has.');
  }
  return {
    ...c,
    indexBlocks,
    partBlocks,
    tails,
    generation: c.generation ?? 0,
    oldTails: c.oldTails ?? [],
    partShift: Number.isSafeInteger(c.partShift) && c.partShift! >= 0 ? c.partShift : 0,
    seq: Number.isSafeInteger(c.seq) && c.seq! >= 0 ? c.seq : 0,
  } as HandoffContext;
}

/**
 * The newest of the stored documents (null where a slot is empty): a later page's first, then
 * the higher number. A slot that does not decode is passed over while another does.
 * @throws Error of the first that does not decode, when none does.
 */
export function newestContext(stored: ReadonlyArray<Uint8Array | null>): HandoffContext | null {
  let newest: HandoffContext | null = null;
  let failure: Error | null = null;
  for (const bytes of stored) {
    if (!bytes) continue;
    let c: HandoffContext;
    try {
      c = decodeContext(bytes);
    } catch (e) {
      failure ??= e as Error;
      continue;
    }
    if (!newest || c.generation > newest.generation) newest = c;
    else if (c.generation === newest.generation && c.seq > newest.seq) newest = c;
  }
  if (!newest && failure) throw failure;
  return newest;
}

/** Base64 of bytes (the original header: a few kB). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * How long a page that continues waits for the document a leaving page named. In 34 handoffs
 * of the headless run (2026-12-01/02), reading it took 69-497 ms, or the document never came:
 * the closing page's write was cut off with it, and the whole wait was lost. So the wait is
 * a little over the longest landing seen.
 */
export const CHECKPOINT_WAIT_MS = 600;
const CHECKPOINT_POLL_MS = 50;

/**
 * The newest stored document, or null when there is none. When no slot decodes (a store that
 * writes in place serving both mid-write), they are read again, a few times, before the error
 * stands.
 *
 * `atLeast`: the number of the document a leaving page had begun to store. Its write may
 * still be landing, so the slots are read again for up to `waitMs` until it is there; then the
 * newest found is taken, as it was lost.
 */
export async function readContext(
  target: UploadTarget,
  keys: HandoffKeys,
  atLeast?: number,
  waitMs = CHECKPOINT_WAIT_MS,
): Promise<HandoffContext | null> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const context = await readNewest(target, keys);
    if (atLeast === undefined || (context && context.seq >= atLeast)) return context;
    if (performance.now() >= deadline) return context;
    await new Promise((r) => setTimeout(r, CHECKPOINT_POLL_MS));
  }
}

function readNewest(target: UploadTarget, keys: HandoffKeys): Promise<HandoffContext | null> {
  return withRetry(
    `Reading the handoff context in ${keys.folder}`,
    async () => {
      const stored = await Promise.all(keys.contexts.map((k) => target.getObject(k)));
      try {
        return newestContext(stored);
      } catch (e) {
        throw new UploadError((e as Error).message, true);
      }
    },
    { retries: 3, initialMs: 100, maxMs: 1_000 },
  );
}

/** How many index blocks a successor reads at once. */
const INDEX_READS = 8;

/**
 * The whole fragment index a document describes, numbered from 0: its blocks, read from
 * storage, then the fragments it holds itself.
 * @throws Error naming a block that is missing or not the size it must be.
 */
export async function readFragmentIndex(
  target: UploadTarget,
  keys: HandoffKeys,
  context: HandoffContext,
): Promise<JournalFragment[]> {
  const blocks = await readBlocks(target, context.indexBlocks, (n) => keys.index(n), decodeBlock);
  return unpackFragments([...blocks.flat(), ...context.fragments]);
}

/**
 * Blocks 0 to `count` − 1 of one kind, a few at a time, each decoded.
 * @throws Error naming a block that is missing, or `decode`'s.
 */
function readBlocks<T>(
  target: UploadTarget,
  count: number,
  keyOf: (n: number) => string,
  decode: (bytes: Uint8Array, key: string) => T[],
): Promise<T[][]> {
  const slot = limiter(INDEX_READS);
  return Promise.all(
    Array.from({ length: count }, (_, n) =>
      slot(async () => {
        const bytes = await target.getObject(keyOf(n));
        if (!bytes) throw new Error(`The handoff block ${keyOf(n)} is missing.`);
        return decode(bytes, keyOf(n));
      }),
    ),
  );
}

/**
 * Every part storage confirmed that a document names: its blocks, read from storage, then the
 * parts it holds itself.
 * @throws Error naming a block that is missing or not a list of parts.
 */
export async function readConfirmedParts(
  target: UploadTarget,
  keys: HandoffKeys,
  context: HandoffContext,
): Promise<CompletedPart[]> {
  const blocks = await readBlocks(
    target,
    context.partBlocks,
    (n) => keys.parts(n),
    decodePartBlock,
  );
  return [...blocks.flat(), ...context.parts];
}

/** A part block as stored. */
export function encodePartBlock(parts: readonly CompletedPart[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(parts));
}

/** A block's JSON. @throws Error naming the block when it is not JSON. */
function parseBlock(bytes: Uint8Array, key: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`The handoff block ${key} is not JSON.`);
  }
}

function decodePartBlock(bytes: Uint8Array, key: string): CompletedPart[] {
  const value = parseBlock(bytes, key);
  const isPart = (p: Partial<CompletedPart> | null) =>
    typeof p?.partNumber === 'number' &&
    typeof p.etag === 'string' &&
    typeof p.start === 'number' &&
    typeof p.end === 'number';
  if (!Array.isArray(value) || value.length === 0 || !value.every(isPart)) {
    throw new Error(`The handoff part block ${key} is not a list of confirmed parts.`);
  }
  return value as CompletedPart[];
}

/** An index block as stored. */
export function encodeBlock(fragments: readonly JournalFragment[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(packFragments(fragments)));
}

function decodeBlock(bytes: Uint8Array, key: string): PackedFragment[] {
  const value = parseBlock(bytes, key);
  if (
    !Array.isArray(value) ||
    value.length !== INDEX_BLOCK_FRAGMENTS ||
    !value.every((f) => Array.isArray(f) && f.length >= 5)
  ) {
    throw new Error(
      `The handoff index block ${key} does not hold ${INDEX_BLOCK_FRAGMENTS} fragments.`,
    );
  }
  return value as PackedFragment[];
}
