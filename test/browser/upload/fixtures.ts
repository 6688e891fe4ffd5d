/** Shared pieces of the upload browser tests: a journaled stream, a call-counting target. */
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import type { PartPlanSpec } from '../../../src/journal/part-plan.js';
import type { Journal } from '../../../src/journal/types.js';
import type { CompletedPart, ObjectMetadata, UploadTarget } from '../../../src/upload/types.js';
import { s3Config } from '../helpers.js';

export const MiB = 1024 * 1024;

export interface LocalS3 {
  endpoint: string;
  bucket: string;
}

/** The local s3rver the suite started. */
export async function localS3(): Promise<LocalS3> {
  const cfg = await s3Config();
  if (!cfg) throw new Error('no local S3 server: run with RR_S3_ENDPOINT set');
  return cfg;
}

/** Path-style URL of a key (each segment percent-encoded). */
export function objectUrl(s3: LocalS3, key: string, query = ''): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${s3.endpoint}/${s3.bucket}/${path}${query}`;
}

/** The stored object's bytes, or null (s3rver serves unsigned requests). */
export async function getObject(s3: LocalS3, key: string): Promise<Uint8Array | null> {
  const res = await fetch(objectUrl(s3, key));
  return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
}

/** Keys listed under a prefix. */
export async function listKeys(s3: LocalS3, prefix: string): Promise<string[]> {
  const res = await fetch(
    `${s3.endpoint}/${s3.bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`,
  );
  const xml = await res.text();
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
}

/** Parts of 64 KiB that grow every four parts: many parts, quickly, in every test. */
export const SMALL_PLAN: PartPlanSpec = { baseBytes: 64 * 1024, growEvery: 4 };
/** Storage's rules scaled to the small plan (S3's 5 MiB minimum is tested in test/unit). */
export const SMALL_RULES = { minPartBytes: 64 * 1024, maxParts: 10_000 };

/** A fresh journal database and a recording in it, cut into parts by `partPlan`. */
export async function newJournal(tag: string, objectKey: string, partPlan = SMALL_PLAN) {
  const name = `rr-upload-${tag}-${crypto.randomUUID().slice(0, 8)}-${Math.random().toString(36).slice(2)}`;
  const journal = await IndexedDbJournal.open({ name });
  const id = `rec-${tag}`;
  await journal.create({
    id,
    roomId: 'room-1',
    roomType: 'single',
    title: 'Test',
    fileName: objectKey.slice(objectKey.lastIndexOf('/') + 1),
    objectKey,
    ownerId: 'owner-1',
    initiatorId: 'host-1',
    startedAt: Date.UTC(2026, 10, 26, 14, 3, 0),
    partPlan,
  });
  return { journal, id, name };
}

/** Deterministic pseudo-random bytes. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Journals a header then `fragmentBytes` fragments up to `totalBytes` (durably, as the
 * recorder does), calling `onFragment(total)` after each. Returns the whole original stream.
 */
export async function writeStream(
  journal: Journal,
  id: string,
  totalBytes: number,
  onFragment?: (total: number) => void,
  from = 0,
  all?: Uint8Array,
  fragmentBytes = 40_011,
): Promise<Uint8Array> {
  const headerBytes = 1500;
  const bytes = all ?? patternBytes(totalBytes, 7);
  const sink = journal.sink(id);
  if (from === 0) await sink.writeHeader(bytes.subarray(0, headerBytes));
  let offset = Math.max(from, headerBytes);
  let index = (await journal.fragments(id)).length;
  while (offset < totalBytes) {
    const end = Math.min(totalBytes, offset + fragmentBytes);
    await sink.writeFragment({
      index,
      offset,
      bytes: bytes.subarray(offset, end),
      startUs: index * 2_000_000,
      durationUs: 2_000_000,
      startsWithKeyframe: true,
    });
    index++;
    offset = end;
    onFragment?.(offset);
  }
  return bytes;
}

/** The stored object's expected bytes. */
export function expectedObject(
  stream: Uint8Array,
  headerBytes: number,
  rewritten: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(rewritten.byteLength + stream.byteLength - headerBytes);
  out.set(rewritten);
  out.set(stream.subarray(headerBytes), rewritten.byteLength);
  return out;
}

export function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Counts UploadPart calls by part number. */
export class CountingTarget implements UploadTarget {
  readonly parts: number[] = [];
  constructor(private readonly inner: UploadTarget) {}
  createMultipartUpload(key: string, type: string, meta: ObjectMetadata) {
    return this.inner.createMultipartUpload(key, type, meta);
  }
  uploadPart(key: string, id: string, n: number, body: Uint8Array, signal?: AbortSignal) {
    this.parts.push(n);
    return this.inner.uploadPart(key, id, n, body, signal);
  }
  completeMultipartUpload(key: string, id: string, parts: CompletedPart[]) {
    return this.inner.completeMultipartUpload(key, id, parts);
  }
  abortMultipartUpload(key: string, id: string) {
    return this.inner.abortMultipartUpload(key, id);
  }
  headObject(key: string) {
    return this.inner.headObject(key);
  }
  putObject(key: string, body: Uint8Array, type: string, meta?: ObjectMetadata) {
    return this.inner.putObject(key, body, type, meta);
  }
  probe() {
    return this.inner.probe();
  }
  getObject(key: string) {
    return this.inner.getObject(key);
  }
  deleteObject(key: string) {
    return this.inner.deleteObject(key);
  }
  listObjects(prefix: string, token?: string) {
    return this.inner.listObjects(prefix, token);
  }
}
