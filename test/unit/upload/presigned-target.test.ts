import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { UploadError } from '../../../src/upload/types.js';
import {
  MemoryJournal,
  SMALL_PLAN,
  SMALL_RULES,
  newRecording,
  patternBytes,
} from './memory-journal.js';
import { startPresignServer } from './presign-fixture.js';
import type { PresignServer } from './presign-fixture.js';
import { LOCAL, startS3 } from './s3-fixture.js';
import type { S3Fixture } from './s3-fixture.js';
import { expectedObject, writeStream } from './stream.js';

let s3: S3Fixture;
let presign: PresignServer;
let target: PresignedTarget;

beforeAll(async () => {
  s3 = await startS3();
  presign = await startPresignServer(s3.endpoint);
  // The page's view: a URL, no credentials.
  target = new PresignedTarget({ baseUrl: presign.baseUrl });
}, 30_000);
afterAll(async () => {
  await presign?.close();
  await s3?.stop();
});

describe('PresignedTarget with the demo presign server', () => {
  it('probes the server and the storage behind it', async () => {
    expect(await target.probe()).toBe(true);
    expect(await new PresignedTarget({ baseUrl: 'http://127.0.0.1:9/api/s3' }).probe()).toBe(false);
  });

  it("reads and deletes a small object (a handoff's context), through the signing endpoint", async () => {
    const key = 'rooms/r p/.recorder/rec-1/context.json';
    const body = new TextEncoder().encode('{"v":1}');
    await target.putObject(key, body, 'application/json');
    expect(await target.getObject(key)).toEqual(body);
    await target.deleteObject(key);
    expect(await target.getObject(key)).toBeNull();
    await target.deleteObject(key); // absent is fine
  });

  it('uploads a recording while it records, without credentials in the page', async () => {
    const key = `rooms/r p/Recordings/Rec - 2026-11-26 14:03:00 - Café "x" it's.mp4`;
    const journal = new MemoryJournal();
    await journal.create(newRecording('p1', key));
    const up = new MultipartUpload({
      journal,
      target,
      recordingId: 'p1',
      retry: { retries: 2, initialMs: 5, maxMs: 10 },
      rules: SMALL_RULES,
    });
    await up.start({ title: 'Café « crème » / .. 日本', owner: 'o-1' });
    const plan = new PartPlan(SMALL_PLAN);
    const total = plan.startOf(3) + 40_000;
    const written = await writeStream(journal, 'p1', total, { fragmentBytes: 30_000 }, (n) =>
      up.notifyBytes(n),
    );
    const rewritten = patternBytes(written.header.byteLength + 99, 4);
    const result = await up.finish(rewritten, total);
    expect(result.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    const stored = await s3.target.getObject(key);
    expect(Buffer.from(stored!).equals(Buffer.from(expectedObject(written, rewritten)))).toBe(true);
    expect(await target.headObject(key)).toEqual({
      size: result.bytes,
      metadata: { title: 'Café « crème » / .. 日本', owner: 'o-1' },
    });
    // What reached the page: upload ids and signed URLs, never the secret.
    const answers = presign.answers.join('\n');
    expect(answers).toMatch(/X-Amz-Signature=/);
    expect(answers).not.toMatch(/secretAccessKey|SecretAccessKey|sessionToken/);
    expect(answers).not.toContain(`"${LOCAL.secretAccessKey}"`);
  }, 60_000);

  it('puts a small object with signed metadata headers', async () => {
    const key = 'rooms/_owners/o%3A1/rec.json';
    const body = new TextEncoder().encode('{"a":"é"}');
    await target.putObject(key, body, 'application/json', { title: 'Ünïcödé "q"' });
    expect(await target.headObject(key)).toEqual({
      size: body.byteLength,
      metadata: { title: 'Ünïcödé "q"' },
    });
    expect(await target.headObject('rooms/absent.json')).toBeNull();
  });

  it('refuses keys outside the allowed prefix or with dot segments, on the server', async () => {
    const outside = await target
      .createMultipartUpload('other/x.mp4', 'video/mp4', {})
      .catch((e) => e);
    expect(outside).toBeInstanceOf(UploadError);
    expect(outside.status).toBe(403);
    expect(outside.retryable).toBe(false);
    // Straight to the server, past the page's own check.
    const dots = (await target
      .call('head', { key: 'rooms/../other/x.mp4' })
      .catch((e: unknown) => e)) as UploadError;
    expect(dots).toBeInstanceOf(UploadError);
    expect(dots.status).toBe(400);
    const list = await target.listObjects('other/').catch((e) => e);
    expect(list.status).toBe(403);
  });

  it("passes storage's errors on with their status", async () => {
    // s3rver has no AbortMultipartUpload: its 405 reaches the page, not retryable.
    const id = await target.createMultipartUpload('rooms/abort.mp4', 'video/mp4', {});
    const abort = await target.abortMultipartUpload('rooms/abort.mp4', id).catch((e) => e);
    expect(abort).toBeInstanceOf(UploadError);
    expect(abort.status).toBe(405);
    expect(abort.retryable).toBe(false);
    // s3rver answers an unknown upload id with 500: passed on, and retryable as a 5xx.
    const complete = await target
      .completeMultipartUpload('rooms/nope.mp4', 'no-such-upload', [{ partNumber: 1, etag: '"x"' }])
      .catch((e) => e);
    expect(complete).toBeInstanceOf(UploadError);
    expect(complete.status).toBe(500);
    expect(complete.retryable).toBe(true);
  });

  it('signs GET links that carry the requested Content-Disposition', async () => {
    const key = 'rooms/r/Recordings/link é.mp4';
    await s3.target.putObject(key, patternBytes(100, 1), 'video/mp4');
    const disposition = `attachment; filename="link e.mp4"; filename*=UTF-8''link%20%C3%A9.mp4`;
    const url = await target.link(key, 60, disposition);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(disposition);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(patternBytes(100, 1));
  });
});
