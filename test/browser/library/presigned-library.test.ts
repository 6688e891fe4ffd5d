import { expect } from '@esm-bundle/chai';
import { setupWorker } from 'msw/browser';
import { writeOwnerIndex } from '../../../src/library/owner-index.js';
import { recordingMetadata } from '../../../src/library/recording-metadata.js';
import { PresignedLibrary } from '../../../src/library/presigned-library.js';
import type { LibraryEntry } from '../../../src/library/types.js';
import { downloadFileName, objectKey, recordingFileName } from '../../../src/session/naming.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import { integratorHandlers, linkRequests } from '../upload/integrator.js';
import { localS3 } from '../upload/fixtures.js';

/**
 * The Recordings folder from a page that holds no credential: everything goes through the
 * integrator's endpoint (played by msw, see ../upload/integrator.ts) to the real s3rver,
 * and the metadata the page reads crosses CORS as the exposed x-amz-meta-* headers.
 */
describe('PresignedLibrary in Chromium', () => {
  const worker = setupWorker();
  const run = `${crypto.randomUUID().slice(0, 8)}`;
  const target = new PresignedTarget({ baseUrl: '/api/s3' });
  const prefix = `lib-${run}`;

  before(async () => {
    worker.use(...integratorHandlers(await localS3()));
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
  });
  after(() => worker.stop());

  async function store(id: string, roomId: string, title: string, owner: string, at: number) {
    const names = recordingFileName(at, title);
    const key = objectKey(prefix, roomId, names.fileName);
    const facts = {
      recordingId: id,
      roomId,
      title: names.title,
      ownerId: owner,
      initiatorId: 'h',
      startedAt: at,
    };
    const body = new Uint8Array(321);
    await target.putObject(key, body, 'video/mp4', recordingMetadata(facts));
    const entry: LibraryEntry = {
      key,
      fileName: names.fileName,
      title: names.title,
      roomId,
      ownerId: owner,
      initiatorId: 'h',
      startedAt: at,
      durationSec: 42,
      bytes: body.byteLength,
    };
    await writeOwnerIndex(target, prefix, { ...entry, recordingId: id });
    return entry;
  }

  it("lists the viewer's recordings of a room and across rooms, with odd titles", async () => {
    const t0 = Date.UTC(2026, 10, 26, 9, 0, 0);
    const a = await store('a', 'room 1', 'Réunion : « café » / .. "q"', 'ana', t0);
    const b = await store('b', 'room 1', 'Later', 'ana', t0 + 1000);
    await store('c', 'room 1', 'Not hers', 'ben', t0 + 2000);
    const c = await store('d', 'room: 2', 'Elsewhere', 'ana', t0 - 1000);
    const library = new PresignedLibrary(target, { prefix });

    const room = await library.listRoom('room 1', 'ana');
    expect(room).to.deep.equal([b, a]);
    expect(room[1]!.title).to.equal('Réunion : « café » / .. "q"');
    expect((await library.listRoom('room 1', 'ben')).map((e) => e.title)).to.deep.equal([
      'Not hers',
    ]);
    expect(await library.listOwned('ana')).to.deep.equal([b, a, c]);
  });

  it('asks for play, download and share links and plays from one', async () => {
    const e = await store('e', 'room 3', 'Play me é', 'ana', Date.UTC(2026, 0, 1));
    const library = new PresignedLibrary(target, { prefix });
    const url = await library.link(e, 'play');
    await library.link(e, 'download');
    await library.link(e, 'share', 900);
    // Downloads are named portably: the time of day's colons as dots, ASCII in `filename`.
    const saved = downloadFileName(e.fileName);
    expect(saved).to.equal('Rec - 2026-01-01 00.00.00 - Play me é.mp4');
    expect(linkRequests.slice(-3)).to.deep.equal([
      {
        key: e.key,
        expiresInSec: 3600,
        contentDisposition: `inline; filename="${saved.replace('é', 'e')}"; filename*=UTF-8''${encodeURIComponent(saved)}`,
      },
      {
        key: e.key,
        expiresInSec: 3600,
        contentDisposition: `attachment; filename="${saved.replace('é', 'e')}"; filename*=UTF-8''${encodeURIComponent(saved)}`,
      },
      {
        key: e.key,
        expiresInSec: 900,
        contentDisposition: `inline; filename="${saved.replace('é', 'e')}"; filename*=UTF-8''${encodeURIComponent(saved)}`,
      },
    ]);
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect((await res.arrayBuffer()).byteLength).to.equal(321);
  });
});
