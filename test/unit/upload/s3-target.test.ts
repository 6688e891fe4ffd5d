import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadError } from '../../../src/upload/types.js';
import { startS3 } from './s3-fixture.js';
import type { S3Fixture } from './s3-fixture.js';
import { patternBytes } from './memory-journal.js';

let s3: S3Fixture;
beforeAll(async () => {
  s3 = await startS3();
}, 30_000);
afterAll(() => s3?.stop());

const ODD_KEYS = [
  'rooms/room 1/Recordings/Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
  'rooms/réunion/Recordings/Rec - 2026-11-26 14:03:00 - Café « crème » ñ 日本.mp4',
  `rooms/r'1/Recordings/Rec - 2026-11-26 14:03:00 - "Quoted" it's.mp4`,
  'rooms/r/Recordings/Rec - 2026-11-26 14:03:00 - a..b ..c.. + 100% & more.mp4',
];

describe('S3ClientTarget against s3rver', () => {
  it('stores a small object under keys with spaces, colons, accents and quotes', async () => {
    for (const [i, key] of ODD_KEYS.entries()) {
      const body = patternBytes(1000 + i, i + 1);
      await s3.target.putObject(key, body, 'video/mp4', { title: key });
      const head = await s3.target.headObject(key);
      expect(head?.size).toBe(body.byteLength);
      expect(head?.metadata.title).toBe(key);
      const back = await s3.target.getObject(key);
      expect(back).toEqual(body);
    }
    const listed = await s3.target.listObjects('rooms/');
    expect(listed.objects.map((o) => o.key).sort()).toEqual([...ODD_KEYS].sort());
  });

  it('round-trips non-ASCII and odd metadata values', async () => {
    const metadata = {
      title: 'Réunion : « café » / ../.. 日本語 "quotes" 100%',
      owner: 'user:42 é',
      'started-at': '2026-11-26T14:03:00.000Z',
      empty: '',
    };
    const key = 'rooms/meta/Recordings/m.mp4';
    await s3.target.putObject(key, new Uint8Array([1, 2, 3]), 'video/mp4', metadata);
    expect((await s3.target.headObject(key))?.metadata).toEqual(metadata);

    const id = await s3.target.createMultipartUpload(`${key}.multi`, 'video/mp4', metadata);
    const etag = await s3.target.uploadPart(`${key}.multi`, id, 1, patternBytes(10, 3));
    await s3.target.completeMultipartUpload(`${key}.multi`, id, [{ partNumber: 1, etag }]);
    const head = await s3.target.headObject(`${key}.multi`);
    expect(head).toEqual({ size: 10, metadata });
  });

  it('answers null for a missing object and a passing probe for a live server', async () => {
    expect(await s3.target.headObject('rooms/none/here.mp4')).toBeNull();
    expect(await s3.target.getObject('rooms/none/here.mp4')).toBeNull();
    expect(await s3.target.probe()).toBe(true);
  });

  it('refuses keys a URL path would resolve elsewhere, before any request', async () => {
    for (const key of ['rooms/../secret.mp4', 'rooms/./a.mp4', '/rooms/a.mp4', '']) {
      const err = await s3.target.putObject(key, new Uint8Array(1), 'video/mp4').catch((e) => e);
      expect(err).toBeInstanceOf(UploadError);
      expect((err as UploadError).retryable).toBe(false);
    }
  });

  it('maps an unreachable endpoint to a retryable UploadError and a failed probe', async () => {
    const { S3ClientTarget } = await import('../../../src/upload/s3-target.js');
    const dead = new S3ClientTarget({ ...s3.config, endpoint: 'http://127.0.0.1:9' });
    const err = await dead.createMultipartUpload('rooms/x.mp4', 'video/mp4', {}).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).retryable).toBe(true);
    expect(await dead.probe()).toBe(false);
  });

  it('reports a failed abort (s3rver lacks AbortMultipartUpload) as an UploadError', async () => {
    const id = await s3.target.createMultipartUpload('rooms/abort.mp4', 'video/mp4', {});
    const err = await s3.target.abortMultipartUpload('rooms/abort.mp4', id).catch((e) => e);
    // Real S3 aborts; s3rver answers 405, which must surface as a non-retryable failure.
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).status).toBe(405);
    expect((err as UploadError).retryable).toBe(false);
  });
});
