/**
 * X9 over a long recording: the fragment index a successor needs goes to storage in blocks,
 * each put once, so the document put every second stays the same size however long the
 * recording (the real local S3, the uploader and the publisher; the journal in memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptHandoff } from '../../../src/recorder/handoff-adopt.js';
import {
  HandoffKeys,
  INDEX_BLOCK_FRAGMENTS,
  encodeContext,
  PART_BLOCK_PARTS,
  packFragments,
  readConfirmedParts,
  readContext,
  readFragmentIndex,
  type HandoffContext,
} from '../../../src/recorder/handoff-context.js';
import { HandoffPublisher } from '../../../src/recorder/handoff-publisher.js';
import type { RecordingMeta } from '../../../src/recorder/engine.js';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import type { UploadTarget } from '../../../src/upload/types.js';
import { MemoryJournal, SMALL_RULES, newRecording } from '../upload/memory-journal.js';
import { startS3, type S3Fixture } from '../upload/s3-fixture.js';
import { until, writeStream } from '../upload/stream.js';

let s3: S3Fixture;
beforeAll(async () => {
  s3 = await startS3();
}, 30_000);
afterAll(() => s3?.stop());

/** The real target, with every key put recorded. */
function counting(inner: UploadTarget): { target: UploadTarget; puts: string[] } {
  const puts: string[] = [];
  const target = new Proxy(inner, {
    get(t, name, receiver) {
      const value = Reflect.get(t, name, receiver) as unknown;
      if (name === 'putObject') {
        return (...args: Parameters<UploadTarget['putObject']>) => {
          puts.push(args[0]);
          return inner.putObject(...args);
        };
      }
      return typeof value === 'function' ? (value as () => unknown).bind(t) : value;
    },
  });
  return { target, puts };
}

/**
 * A recording of 2,600 fragments of 200 bytes, journaled and uploaded to the real local S3 in
 * small parts (64 KiB, growing), at least 4 of them confirmed.
 */
async function longRecording(id: string) {
  const recording = newRecording(id, `rooms/room-1/Recordings/Rec ${id}.mp4`);
  const meta: RecordingMeta = {
    recordingId: id,
    roomId: recording.roomId,
    roomType: recording.roomType,
    title: recording.title,
    ownerId: recording.ownerId,
    initiatorId: recording.initiatorId,
    startedAt: recording.startedAt,
    objectKey: recording.objectKey,
    fileName: recording.fileName,
  };
  const journal = new MemoryJournal();
  await journal.create(recording);
  const { target, puts } = counting(s3.target);
  const upload = new MultipartUpload({
    journal,
    target,
    recordingId: id,
    retry: { retries: 4, initialMs: 5, maxMs: 20 },
    rules: SMALL_RULES,
  });
  await upload.start();
  await writeStream(journal, id, 1234 + 2_600 * 200, { fragmentBytes: 200 }, (n) =>
    upload.notifyBytes(n),
  );
  await until(async () => (await journal.get(id))!.parts.length >= 4);
  return { meta, journal, target, puts, upload };
}

describe('the handoff index over a long recording (X9)', () => {
  it('puts each block of the index once; the document holds less than a block; a successor reads it all', async () => {
    const id = 'rec-long-index';
    const { meta, journal, target, puts, upload } = await longRecording(id);
    const keys = new HandoffKeys('rooms', meta);
    const publisher = new HandoffPublisher({ journal, target, upload, meta, keys, generation: 0 });

    // Each write puts at most one block beside it; a document names only blocks that landed.
    const sizes: number[] = [];
    let context: HandoffContext | null = null;
    for (let i = 0; i < 12; i++) {
      await publisher.claim();
      context = await readContext(target, keys);
      sizes.push(encodeContext(context!).byteLength);
      const blocks = puts.filter((k) => k.includes('/index-'));
      expect(blocks.slice(0, context!.indexBlocks)).toEqual(
        Array.from({ length: context!.indexBlocks }, (_, n) => keys.index(n)),
      );
      if (context!.indexBlocks >= 4 && context!.fragments.length < INDEX_BLOCK_FRAGMENTS) break;
    }
    const c = context!;
    expect(c.indexBlocks).toBe(4);
    expect(c.fragments.length).toBeLessThan(INDEX_BLOCK_FRAGMENTS);
    // Put once each, whatever the number of documents.
    const blockPuts = puts.filter((k) => k.includes('/index-'));
    expect(new Set(blockPuts).size).toBe(blockPuts.length);

    // The last document is a fraction of the largest (which held every fragment storage had).
    const last = sizes.at(-1)!;
    console.log(
      `[handoff-index] ${c.indexBlocks * INDEX_BLOCK_FRAGMENTS + c.fragments.length} fragments in storage: documents of ${sizes.join(', ')} bytes`,
    );
    expect(last).toBeLessThan(Math.max(...sizes) / 4);

    // The whole index back, as the journal has it.
    const covered = c.indexBlocks * INDEX_BLOCK_FRAGMENTS + c.fragments.length;
    const journaled = await journal.fragments(id);
    expect(await readFragmentIndex(target, keys, c)).toEqual(journaled.slice(0, covered));

    // A successor adopts it all, and keeps the blocks that hold its fragments unchanged.
    const successor = new MemoryJournal();
    const adopted = await adoptHandoff(
      { journal: successor, target, keyPrefix: 'rooms', roomId: meta.roomId },
      id,
      60_000,
    );
    const adoptedFragments = await successor.fragments(id);
    expect(adoptedFragments).toEqual(journaled.slice(0, adoptedFragments.length));
    expect(adoptedFragments.length).toBeGreaterThanOrEqual(covered);
    expect(adopted.indexBlocks).toBe(
      Math.min(c.indexBlocks, Math.floor(adoptedFragments.length / INDEX_BLOCK_FRAGMENTS)),
    );

    // The figure the docs quote: two hours of 1-s fragments at 6 Mb/s as one document held
    // them (version 1), against what the document holds now (under one block).
    const twoHours = Array.from({ length: 7_200 }, (_, i) => ({
      index: i,
      offset: 1_234 + i * 750_000,
      size: 750_000,
      startUs: i * 1_000_000,
      durationUs: 1_000_000,
      startsWithKeyframe: true,
      audioEndUs: (i + 1) * 1_000_000,
      nextSequence: i + 2,
    }));
    const whole = JSON.stringify(packFragments(twoHours)).length;
    const rest = JSON.stringify(
      packFragments(twoHours.slice(-(7_200 % INDEX_BLOCK_FRAGMENTS))),
    ).length;
    console.log(
      `[handoff-index] two hours' index: ${(whole / 1000).toFixed(0)} kB in every document before, ${(rest / 1000).toFixed(0)} kB now (${(whole / 7_200).toFixed(0)} bytes a fragment)`,
    );
    expect(rest).toBeLessThan(whole / 10);

    // A missing block is named, not read past.
    await s3.target.deleteObject(keys.index(2));
    await expect(readFragmentIndex(target, keys, c)).rejects.toThrow(/index-2\.json is missing/);
    publisher.close();
  }, 60_000);
  it('puts the confirmed parts in blocks once they run contiguous; the document keeps the rest; a successor gets them all', async () => {
    const id = 'rec-long-parts';
    const { meta, journal, target, puts, upload } = await longRecording(id);
    const keys = new HandoffKeys('rooms', meta);
    // Blocks of 2 parts here (500 in the product), so a few parts fill some.
    const publisher = new HandoffPublisher({
      journal,
      target,
      upload,
      meta,
      keys,
      generation: 0,
      partBlockParts: 2,
    });
    let context: HandoffContext | null = null;
    for (let i = 0; i < 8; i++) {
      await publisher.claim();
      context = await readContext(target, keys);
      if (context!.partBlocks >= 2 && context!.parts.length < 2) break;
    }
    const c = context!;
    expect(c.partBlocks).toBeGreaterThanOrEqual(2);
    expect(c.parts.length).toBeLessThan(2);
    const blockPuts = puts.filter((k) => k.includes('/parts-'));
    expect(new Set(blockPuts).size).toBe(blockPuts.length);
    expect(blockPuts.slice(0, c.partBlocks)).toEqual(
      Array.from({ length: c.partBlocks }, (_, n) => keys.parts(n)),
    );

    // Every confirmed part the document names, in stream order, as the journal has them.
    const confirmed = (await journal.get(id))!.parts
      .filter((p) => p.partNumber > 1)
      .sort((a, b) => a.start! - b.start!);
    const named = await readConfirmedParts(target, keys, c);
    expect(named).toEqual(confirmed.slice(0, named.length));
    expect(named.length).toBe(c.partBlocks * 2 + c.parts.length);

    // A successor journals them all, so its Complete names every part.
    const successor = new MemoryJournal();
    await adoptHandoff(
      { journal: successor, target, keyPrefix: 'rooms', roomId: meta.roomId },
      id,
      60_000,
    );
    expect((await successor.get(id))!.parts).toEqual(named);

    // The figure the docs quote: two hours of 5-MiB parts at 6 Mb/s in one document.
    const twoHours = Array.from({ length: 1_080 }, (_, i) => ({
      partNumber: i + 2,
      etag: '"0123456789abcdef0123456789abcdef"',
      start: 5_000_000 + i * 5_242_880,
      end: 5_000_000 + (i + 1) * 5_242_880,
    }));
    const whole = JSON.stringify(twoHours).length;
    const rest = JSON.stringify(twoHours.slice(-(1_080 % PART_BLOCK_PARTS))).length;
    console.log(
      `[handoff-index] two hours' parts: ${(whole / 1000).toFixed(0)} kB in every document before, ${(rest / 1000).toFixed(0)} kB now (${(whole / 1_080).toFixed(0)} bytes a part)`,
    );
    expect(rest).toBeLessThan(whole / 5);

    // A missing block is named, not read past.
    await s3.target.deleteObject(keys.parts(1));
    await expect(readConfirmedParts(target, keys, c)).rejects.toThrow(/parts-1\.json is missing/);
    publisher.close();
  }, 60_000);
});
