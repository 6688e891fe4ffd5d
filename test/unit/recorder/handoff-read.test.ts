/**
 * X9: a page that continues reads the handoff document from the real local S3 server,
 * waiting a moment for the one a leaving page named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoffKeys, encodeContext, readContext } from '../../../src/recorder/handoff-context.js';
import { sampleContext } from './handoff-fixture.js';
import { startS3, type S3Fixture } from '../upload/s3-fixture.js';

let s3: S3Fixture;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3?.stop());

/** Document number `seq`, of the page that started the recording. */
const context = (seq: number) => ({ ...sampleContext, generation: 0, seq });

describe('reading the handoff document (X9)', () => {
  const keys = new HandoffKeys('rooms', sampleContext.meta);
  const put = (seq: number) =>
    s3.target.putObject(keys.contextFor(seq), encodeContext(context(seq)), 'application/json');

  it('waits for the document the leaving page named, and takes it once it lands', async () => {
    await put(4);
    const read = readContext(s3.target, keys, 5, 60_000);
    await put(5);
    expect((await read)?.seq).toBe(5);
  });

  it('takes the newest there is once the wait is over (the named write was lost)', async () => {
    await put(6);
    expect((await readContext(s3.target, keys, 9, 300))?.seq).toBe(6);
    // Nothing named: no wait.
    expect((await readContext(s3.target, keys))?.seq).toBe(6);
  });
});
