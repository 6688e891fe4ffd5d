import { expect } from '@esm-bundle/chai';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import { acquireRoomLock } from '../../../src/journal/room-lock.js';
import { runPreflight } from '../../../src/recorder/preflight.js';
import type { PreflightProblem } from '../../../src/recorder/engine.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import type { UploadTarget } from '../../../src/upload/types.js';
import { getObject, localS3, type LocalS3 } from '../upload/fixtures.js';
import { integratorHandlers } from '../upload/integrator.js';

/** A target whose only use here is its reachability answer. */
const reachable = (ok: boolean) => ({ probe: async () => ok }) as unknown as UploadTarget;
const room = () => `preflight-${crypto.randomUUID()}`;

/** Replaces `obj[key]` for the length of `run`, then puts it back. */
async function without<T extends object, K extends keyof T>(
  obj: T,
  key: K,
  value: T[K] | undefined,
  run: () => Promise<void>,
): Promise<void> {
  const had = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, { value, configurable: true, writable: true });
  try {
    await run();
  } finally {
    if (had) Object.defineProperty(obj, key, had);
    else delete (obj as Record<PropertyKey, unknown>)[key as PropertyKey];
  }
}

async function problems(
  target = reachable(true),
  roomId = room(),
  video = {},
): Promise<PreflightProblem[]> {
  return (await runPreflight(target, roomId, video)).problems;
}

describe('pre-flight: each thing the recording needs, each with its own reason (X4)', () => {
  it('passes in Chromium, with a real encode measured', async () => {
    const result = await runPreflight(reachable(true), room());
    expect(result.problems).to.deep.equal([]);
    expect(result.ok).to.equal(true);
    expect(result.encodeFps).to.be.greaterThan(0);
  });

  it('no WebCodecs', async () => {
    await without(globalThis, 'VideoEncoder', undefined, async () => {
      expect(await problems()).to.deep.equal(['no-webcodecs']);
    });
  });

  it('no MediaStreamTrackProcessor (Firefox, Safari)', async () => {
    await without(
      globalThis as Record<string, unknown>,
      'MediaStreamTrackProcessor',
      undefined,
      async () => {
        expect(await problems()).to.deep.equal(['no-track-processor']);
      },
    );
  });

  it('an H.264 config the browser refuses', async () => {
    expect(await problems(reachable(true), room(), { codec: 'avc1.FFFFFF' })).to.deep.equal([
      'no-h264',
    ]);
  });

  it('an encoder that accepts the config and then fails a real encode', async () => {
    const proto = VideoEncoder.prototype;
    await without(
      proto,
      'encode',
      function encode(this: VideoEncoder) {
        throw new DOMException('Encoder failure', 'EncodingError');
      } as VideoEncoder['encode'],
      async () => {
        const result = await runPreflight(reachable(true), room());
        expect(result.problems).to.deep.equal(['encoder-failed']);
        expect(result.encoderError).to.equal('Encoder failure');
      },
    );
  });

  it('no audio encoder at all (no AAC, no WASM, no Opus)', async () => {
    await without(
      AudioEncoder,
      'isConfigSupported',
      (async () => ({ supported: false })) as typeof AudioEncoder.isConfigSupported,
      () =>
        without(globalThis as Record<string, unknown>, 'WebAssembly', undefined, async () => {
          expect(await problems()).to.deep.equal(['no-audio-codec']);
        }),
    );
  });

  it('too little local storage', async () => {
    await without(
      navigator.storage,
      'estimate',
      (async () => ({ quota: 600e6, usage: 300e6 })) as StorageManager['estimate'],
      async () => {
        expect(await problems()).to.deep.equal(['no-storage']);
      },
    );
  });

  it('storage that cannot be reached', async () => {
    expect(await problems(reachable(false))).to.deep.equal(['upload-unreachable']);
  });

  it('another tab recording this room', async () => {
    const roomId = room();
    const lock = (await acquireRoomLock(roomId))!;
    try {
      expect(await problems(reachable(true), roomId)).to.deep.equal(['locked-elsewhere']);
    } finally {
      lock.release();
      await lock.released;
    }
    expect(await problems(reachable(true), roomId)).to.deep.equal([]);
  });
});

describe("pre-flight's test write, against the local S3 server (X4)", () => {
  let s3: LocalS3;
  const worker = setupWorker();
  const target = () => new PresignedTarget({ baseUrl: '/api/s3' });
  const key = () => `preflight-${crypto.randomUUID()}/.recorder/preflight/write-check`;

  before(async () => {
    s3 = await localS3();
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
  });
  after(() => worker.stop());

  it('passes where the bucket exposes ETag, and the 1-byte object is stored', async () => {
    worker.resetHandlers(...integratorHandlers(s3));
    const at = key();
    const result = await runPreflight(target(), room(), {}, at);
    expect(result.problems).to.deep.equal([]);
    expect(Array.from((await getObject(s3, at))!)).to.deep.equal([0]);
  });

  it("says the ETag is hidden where the bucket's CORS rules do not expose it", async () => {
    // The same server's second bucket, whose CORS rules leave ETag out (s3-server-child.mjs).
    const hidden = { ...s3, bucket: `${s3.bucket}-no-etag` };
    worker.resetHandlers(...integratorHandlers(hidden));
    const at = key();
    const result = await runPreflight(target(), room(), {}, at);
    expect(result.problems).to.deep.equal(['upload-etag-hidden']);
    // The write itself went through: only the header is hidden from the page.
    expect(await getObject(hidden, at)).to.not.equal(null);
  });

  it("says the write was refused, with storage's answer, where it is", async () => {
    worker.resetHandlers(
      http.post('/api/s3/put-url', () =>
        HttpResponse.json({ error: 'writes are not allowed here' }, { status: 403 }),
      ),
      ...integratorHandlers(s3),
    );
    const result = await runPreflight(target(), room(), {}, key());
    expect(result.problems).to.deep.equal(['upload-write-refused']);
    expect(result.uploadError).to.match(/refused \(HTTP 403: writes are not allowed here\)/);
  });
});
