import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition } from '../../../src/library/content-disposition.js';
import { ownerIndexKey, preflightProbeKey, roomFolder } from '../../../src/library/folder-keys.js';
import { recordingMetadata } from '../../../src/library/recording-metadata.js';
import { writeOwnerIndex } from '../../../src/library/owner-index.js';
import { PresignedLibrary } from '../../../src/library/presigned-library.js';
import { S3Library } from '../../../src/library/s3-library.js';
import type { LibraryEntry, RecordingLibrary } from '../../../src/library/types.js';
import { recordingFileName, objectKey } from '../../../src/session/naming.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import type { UploadTarget } from '../../../src/upload/types.js';
import { startPresignServer } from '../upload/presign-fixture.js';
import type { PresignServer } from '../upload/presign-fixture.js';
import { startS3 } from '../upload/s3-fixture.js';
import type { S3Fixture } from '../upload/s3-fixture.js';

const PREFIX = 'rooms';
let s3: S3Fixture;
let presign: PresignServer;

beforeAll(async () => {
  s3 = await startS3();
  presign = await startPresignServer(s3.endpoint, 'rooms/');
}, 30_000);
afterAll(async () => {
  await presign?.close();
  await s3?.stop();
});

interface Made {
  entry: LibraryEntry;
  recordingId: string;
}

/** Stores a recording as the uploader and the recorder do: object + metadata, then its index. */
async function store(
  target: UploadTarget,
  o: { id: string; roomId: string; title: string; owner: string; startedAt: number; dur: number },
  index = true,
): Promise<Made> {
  const names = recordingFileName(o.startedAt, o.title);
  const key = objectKey(PREFIX, o.roomId, names.fileName);
  const body = new Uint8Array(100 + o.dur);
  const facts = {
    recordingId: o.id,
    roomId: o.roomId,
    title: names.title,
    ownerId: o.owner,
    initiatorId: 'host-1',
    startedAt: o.startedAt,
  };
  // Duration is unknown when the multipart upload is created: not in the object's metadata.
  await target.putObject(key, body, 'video/mp4', recordingMetadata(facts));
  const entry: LibraryEntry = {
    key,
    fileName: names.fileName,
    title: names.title,
    roomId: o.roomId,
    ownerId: o.owner,
    initiatorId: 'host-1',
    startedAt: o.startedAt,
    durationSec: o.dur,
    bytes: body.byteLength,
  };
  if (index) await writeOwnerIndex(target, PREFIX, { ...entry, recordingId: o.id });
  return { entry, recordingId: o.id };
}

const T0 = Date.UTC(2026, 10, 26, 14, 3, 0);
const ODD_TITLE = 'Réunion : « café » / ../ "Quoted" it\'s';

type Kind = 'S3Library' | 'PresignedLibrary';
const KINDS: Kind[] = ['S3Library', 'PresignedLibrary'];

function library(kind: Kind): RecordingLibrary {
  return kind === 'S3Library'
    ? new S3Library(s3.target, { prefix: PREFIX })
    : new PresignedLibrary(new PresignedTarget({ baseUrl: presign.baseUrl }), { prefix: PREFIX });
}

describe('the Recordings folder', () => {
  let mine: Made[];
  beforeAll(async () => {
    mine = [
      await store(s3.target, {
        id: 'a',
        roomId: 'room one',
        title: ODD_TITLE,
        owner: 'alice',
        startedAt: T0,
        dur: 61,
      }),
      await store(s3.target, {
        id: 'b',
        roomId: 'room one',
        title: 'Weekly class',
        owner: 'alice',
        startedAt: T0 + 3_600_000,
        dur: 3600,
      }),
      await store(s3.target, {
        id: 'c',
        roomId: 'room:two é',
        title: 'Other room',
        owner: 'alice',
        startedAt: T0 + 60_000,
        dur: 5,
      }),
    ];
    await store(s3.target, {
      id: 'd',
      roomId: 'room one',
      title: 'Not mine',
      owner: 'bob',
      startedAt: T0 + 7_200_000,
      dur: 9,
    });
  });

  for (const name of KINDS) {
    it(`${name}: lists a room's recordings, the viewer's only, newest first`, async () => {
      const lib = library(name);
      const list = await lib.listRoom('room one', 'alice');
      expect(list).toEqual([mine[1]!.entry, mine[0]!.entry]);
      expect(list[1]!.title).toBe(ODD_TITLE);
      expect((await lib.listRoom('room one', 'bob')).map((e) => e.title)).toEqual(['Not mine']);
      expect(await lib.listRoom('room one', 'carol')).toEqual([]);
    });

    it(`${name}: lists an owner's recordings across rooms (My Media)`, async () => {
      const lib = library(name);
      const owned = await lib.listOwned('alice');
      expect(owned).toEqual([mine[1]!.entry, mine[2]!.entry, mine[0]!.entry]);
      expect(await lib.listOwned('nobody')).toEqual([]);
    });

    it(`${name}: signs play, download and share links`, async () => {
      const lib = library(name);
      const entry = mine[0]!.entry;
      const download = await lib.link(entry, 'download');
      const res = await fetch(download);
      expect(res.status).toBe(200);
      // The stored name keeps its time's colons (B12); the download name is portable.
      expect(entry.fileName).toContain(':');
      expect(res.headers.get('content-disposition')).toBe(
        contentDisposition('attachment', entry.fileName.replace(/:/g, '.')),
      );
      expect((await res.arrayBuffer()).byteLength).toBe(entry.bytes);
      const play = await fetch(await lib.link(entry, 'play'));
      expect(play.headers.get('content-disposition')).toMatch(/^inline; /);
      const share = new URL(await lib.link(entry, 'share', 600));
      expect(share.searchParams.get('X-Amz-Expires')).toBe('600');
      const longShare = new URL(await lib.link(entry, 'share', 30 * 24 * 3600));
      expect(longShare.searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    });
  }

  it('drops index entries whose recording is gone', async () => {
    const gone = await store(s3.target, {
      id: 'e',
      roomId: 'room three',
      title: 'Deleted',
      owner: 'dave',
      startedAt: T0,
      dur: 1,
    });
    await s3.target.deleteObject(gone.entry.key);
    expect(await new S3Library(s3.target).listOwned('dave')).toEqual([]);
  });

  it('lists a room past 1,000 keys', async () => {
    const room = 'big room';
    const folder = roomFolder(PREFIX, room);
    const others = Array.from(
      { length: 1005 },
      (_, i) => `${folder}other ${String(i).padStart(4, '0')}.mp4`,
    );
    const meta = recordingMetadata({
      recordingId: 'x',
      roomId: room,
      title: 'x',
      ownerId: 'someone',
      initiatorId: 'someone',
      startedAt: T0,
    });
    for (let i = 0; i < others.length; i += 50) {
      await Promise.all(
        others
          .slice(i, i + 50)
          .map((key) => s3.target.putObject(key, new Uint8Array(1), 'video/mp4', meta)),
      );
    }
    // Keys sort after every "other ...": only a walk through every page finds them.
    const last = await store(s3.target, {
      id: 'z',
      roomId: room,
      title: 'zz last',
      owner: 'erin',
      startedAt: T0,
      dur: 2,
    });
    const big = new S3Library(s3.target, { prefix: PREFIX, concurrency: 16 });
    expect((await big.listAll(folder)).length).toBe(1006);
    expect(await big.listRoom(room, 'erin')).toEqual([last.entry]);
    const presigned = new PresignedLibrary({ baseUrl: presign.baseUrl }, { prefix: PREFIX });
    expect((await presigned.listAll(folder)).length).toBe(1006);
  }, 120_000);
});

describe('library keys and headers', () => {
  it('puts a room folder and the owner index where naming puts recordings', () => {
    expect(roomFolder('rooms', 'room one')).toBe('rooms/room one/Recordings/');
    expect(objectKey('rooms', 'a/../b', 'f.mp4').startsWith(roomFolder('rooms', 'a/../b'))).toBe(
      true,
    );
    expect(ownerIndexKey('rooms', 'user/1..x', 'rec.1')).toBe(
      'rooms/_owners/user%2F1%2E%2Ex/rec%2E1.json',
    );
    expect(ownerIndexKey('', 'u', 'r')).toBe('_owners/u/r.json');
    // The pre-flight's test write: beside the Recordings folder, never in it.
    expect(preflightProbeKey('rooms', 'room one')).toBe(
      'rooms/room one/.recorder/preflight/write-check',
    );
  });

  it('encodes a file name for Content-Disposition (RFC 5987, ASCII fallback)', () => {
    expect(contentDisposition('attachment', `Rec - 2026-11-26 14:03:00 - Café "x" it's.mp4`)).toBe(
      `attachment; filename="Rec - 2026-11-26 14:03:00 - Cafe _x_ it's.mp4"; ` +
        `filename*=UTF-8''Rec%20-%202026-11-26%2014%3A03%3A00%20-%20Caf%C3%A9%20%22x%22%20it%27s.mp4`,
    );
  });
});

describe('from a recording to the folder', () => {
  it('stores what the engine writes (object metadata, owner index), and lists it with its duration', async () => {
    const startedAt = Date.UTC(2026, 10, 26, 18, 0, 0);
    const names = recordingFileName(startedAt, 'Cours « B » / ..');
    const facts = {
      recordingId: 'rec-j',
      roomId: 'journal room',
      title: names.title,
      ownerId: 'jo',
      initiatorId: 'host-9',
      startedAt,
    };
    const key = objectKey(PREFIX, 'journal room', names.fileName);
    await s3.target.putObject(key, new Uint8Array(777), 'video/mp4', recordingMetadata(facts));
    const expected: LibraryEntry = {
      key,
      fileName: names.fileName,
      title: 'Cours « B » / ..',
      roomId: 'journal room',
      ownerId: 'jo',
      initiatorId: 'host-9',
      startedAt,
      durationSec: 90.5,
      bytes: 777,
    };
    await writeOwnerIndex(s3.target, PREFIX, { ...expected, recordingId: facts.recordingId });
    const lib = new S3Library(s3.target, { prefix: PREFIX });
    expect(await lib.listRoom('journal room', 'jo')).toEqual([expected]);
    expect(await lib.listOwned('jo')).toEqual([expected]);
  });
});
