/**
 * X11 and X2 against the real stack: the engine records into the local S3 while storage is
 * gone for longer than the uploader's retries (every request a network error by msw, or the
 * S3 server's process stopped and started again), then storage answers again. The recording
 * must never stop, the upload must catch up while recording (not all at once after Stop), and
 * the stored file must be whole.
 */
import { expect } from '@esm-bundle/chai';
import { http, HttpResponse, passthrough } from 'msw';
import { setupWorker } from 'msw/browser';
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { BrowserRecordingEngine } from '../../../src/recorder/browser-engine.js';
import type { EngineHealth, StoredRecording } from '../../../src/recorder/engine.js';
import { MIN_TEST_FPS, ffmpegDecodeErrors, ffprobe, fileFps, saveFile } from '../helpers.js';
import { COLOURS, h264Supported } from '../media/fixtures.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { SMALL_PLAN, SMALL_RULES, getObject, localS3, type LocalS3 } from '../upload/fixtures.js';
import { engineOptions, newMeta, roomSources } from './handoff-setup.js';

describe('X11: storage down mid-recording', function () {
  this.timeout(180_000);
  const worker = setupWorker();
  after(() => worker.stop());

  /** How storage goes away and comes back in one test. */
  interface Outage {
    s3: LocalS3;
    down(): Promise<void>;
    up(): Promise<void>;
    /** Requests storage refused while down, where they are counted. */
    refused(): number | null;
  }

  /**
   * Records while `outage` holds storage down until more than 250 kB wait for it (several
   * parts of the small plan: they fail for good, retries spent), then brings it back: the
   * recording never stops, the upload catches up while it records, the file is whole.
   */
  async function recordThroughOutage(label: string, outage: Outage) {
    expect(await h264Supported(), 'Chromium encodes H.264 here').to.equal(true);
    const { s3 } = outage;
    const roomId = `outage-${crypto.randomUUID().slice(0, 8)}`;
    const setup = {
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      roomId,
      journalName: `rr-outage-${crypto.randomUUID()}`,
      colour: COLOURS.stage,
      frequency: 440,
    };
    const engine = new BrowserRecordingEngine({
      ...engineOptions(setup),
      // Retries far shorter than the outage: parts fail for good while storage is down.
      upload: {
        partPlan: SMALL_PLAN,
        rules: SMALL_RULES,
        retry: { retries: 1, initialMs: 100, maxMs: 200 },
      },
      journal: await IndexedDbJournal.open({ name: setup.journalName }),
    });
    const faults: string[] = [];
    engine.on('fault', (cause, message) => faults.push(`${cause}: ${message}`));
    let latest: EngineHealth | null = null;
    const waiters: Array<() => void> = [];
    engine.on('health', (h) => {
      latest = h;
      for (const w of waiters.splice(0)) w();
    });
    /** Resolves at the first health report (one a second) for which `test` holds. */
    const healthWhere = async (test: (h: EngineHealth) => boolean) => {
      while (!latest || !test(latest)) await new Promise<void>((r) => waiters.push(r));
      return latest;
    };

    const meta = newMeta(roomId, 'Outage class');
    const calledAt = performance.now();
    const { elapsedMs } = await engine.start(meta, roomSources(COLOURS.stage, 440));
    // The recording's own start (the file's 0), after the engine's set-up.
    // (The first start in a test page loads the S3 client through the dev server's unbundled
    // modules: seconds here, a single chunk in a build.)
    const t0 = performance.now() - elapsedMs;
    console.log(`[outage] ${label}: start took ${Math.round(t0 - calledAt)} ms`);
    await healthWhere((h) => h.bytesWritten > 100_000);

    // Storage goes away until several parts' worth waits for it.
    await outage.down();
    const downAt = performance.now();
    const peak = await healthWhere((h) => h.uploadBacklogBytes > 250_000);
    await outage.up();
    const upAt = performance.now();
    // Back: the upload catches up while the recording goes on (in seconds; a minute is the
    // verdict's bound, not a figure: parts left for Stop never catch up at all).
    const caughtUp = await Promise.race([
      healthWhere((h) => h.uploadBacklogBytes < 150_000).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 60_000)),
    ]);
    expect(
      caughtUp,
      `the upload caught up once storage was back (${latest!.uploadBacklogBytes} bytes still waiting after a minute)`,
    ).to.equal(true);
    const caughtUpAt = performance.now();
    const refused = outage.refused();
    console.log(
      `[outage] ${label}: storage down ${((upAt - downAt) / 1000).toFixed(1)} s${refused === null ? '' : ` (${refused} requests refused)`}, ${(peak.uploadBacklogBytes / 1e6).toFixed(2)} MB waiting; caught up ${((caughtUpAt - upAt) / 1000).toFixed(1)} s after it was back`,
    );
    if (refused !== null) expect(refused, 'storage was asked while down').to.be.above(0);

    await engine.stop('user');
    const stopAt = performance.now();
    const stored = await engine.whenStored();
    const span = (stopAt - t0) / 1000;
    console.log(
      `[outage] ${label}: file ${stored.durationSec.toFixed(2)} s for ${span.toFixed(2)} s recorded, stored ${Math.round(performance.now() - stopAt)} ms after Stop`,
    );
    expect(faults, 'the recording never stopped on its own').to.deep.equal([]);
    const saved = await saveFile(
      `outage-${meta.recordingId}.mp4`,
      (await getObject(s3, stored.objectKey))!,
    );
    const probe = await ffprobe(saved.path, ['-count_frames']);
    const duration = Number(probe.format.duration);
    expect(duration).to.be.within(span - 1.5, span + 0.5);
    console.log(`[outage] ${label}: ${fileFps(probe).toFixed(2)} fps in the file`);
    expect(fileFps(probe)).to.be.within(MIN_TEST_FPS, 30.5);
    expect(await ffmpegDecodeErrors(saved.path)).to.equal('');
  }

  it('records on while storage is unreachable, catches up once it is back, and stores the whole file', async () => {
    const s3 = await localS3();
    let down = false;
    let refused = 0;
    worker.use(
      http.all(`${s3.endpoint}/*`, () => {
        if (!down) return passthrough();
        refused++;
        return HttpResponse.error();
      }),
    );
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
    await recordThroughOutage('network', {
      s3,
      down: async () => {
        down = true;
      },
      up: async () => {
        down = false;
      },
      refused: () => refused,
    });
  });

  it('records on while the storage process is stopped, and its parts go again once it runs', async () => {
    // A server of this test's own: the shared one serves the other tests meanwhile.
    const own = await executeServerCommand<LocalS3 & { id: string }, undefined>('s3-own');
    try {
      await recordThroughOutage('S3 process stopped', {
        s3: own,
        down: () => executeServerCommand('s3-own-down', { id: own.id }).then(() => undefined),
        up: () => executeServerCommand('s3-own-up', { id: own.id }).then(() => undefined),
        refused: () => null,
      });
    } finally {
      await executeServerCommand('s3-own-close', { id: own.id });
    }
  });

  it('storage down at Stop: the recording is kept, tried again while the page is open, and stored once storage is back', async () => {
    const s3 = await localS3();
    let down = false;
    worker.resetHandlers();
    worker.use(http.all(`${s3.endpoint}/*`, () => (down ? HttpResponse.error() : passthrough())));
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
    const roomId = `outage-${crypto.randomUUID().slice(0, 8)}`;
    const journalName = `rr-outage-${crypto.randomUUID()}`;
    const engine = new BrowserRecordingEngine({
      ...engineOptions({
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        roomId,
        journalName,
        colour: COLOURS.stage,
        frequency: 440,
      }),
      upload: {
        partPlan: SMALL_PLAN,
        rules: SMALL_RULES,
        retry: { retries: 1, initialMs: 100, maxMs: 200 },
      },
      journal: await IndexedDbJournal.open({ name: journalName }),
    });
    const saves: string[] = [];
    engine.on('save', (state) => saves.push(state.where));
    // The engine says when storage could not take it and it tries again (console, for the host's
    // page the save state).
    const waited: string[] = [];
    let onWaited: () => void = () => {};
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (text.includes('storage cannot take recording')) {
        waited.push(text);
        onWaited();
      }
      warn.apply(console, args);
    };
    try {
      const meta = newMeta(roomId, 'Outage class');
      const { elapsedMs } = await engine.start(meta, roomSources(COLOURS.stage, 440));
      const t0 = performance.now() - elapsedMs;
      await new Promise<void>((resolve) => {
        const off = engine.on('health', (h) => {
          if (h.framesEncoded < 90) return;
          off();
          resolve();
        });
      });
      down = true;
      await engine.stop('user');
      const stoppedAt = performance.now();
      let stored: StoredRecording | null = null;
      void engine.whenStored().then((s) => (stored = s));
      // Two attempts fail while storage is down; the recording is neither stored nor dropped.
      await new Promise<void>((resolve) => {
        onWaited = () => {
          if (waited.length >= 2) resolve();
        };
      });
      expect(stored).to.equal(null);
      expect(saves.at(-1)).to.equal('on-device');
      down = false;
      const upAt = performance.now();
      const done = await engine.whenStored();
      console.log(
        `[outage] storage down at Stop for ${((upAt - stoppedAt) / 1000).toFixed(1)} s (${waited.length} attempts waited); stored ${((performance.now() - upAt) / 1000).toFixed(1)} s after it was back`,
      );
      expect(saves.at(-1)).to.equal('saved');
      const saved = await saveFile(
        `outage-stop-${meta.recordingId}.mp4`,
        (await getObject(s3, done.objectKey))!,
      );
      const probe = await ffprobe(saved.path, ['-count_frames']);
      const duration = Number(probe.format.duration);
      expect(duration).to.be.within((stoppedAt - t0) / 1000 - 1.5, (stoppedAt - t0) / 1000 + 0.5);
      expect(await ffmpegDecodeErrors(saved.path)).to.equal('');
    } finally {
      console.warn = warn;
    }
  });
});
