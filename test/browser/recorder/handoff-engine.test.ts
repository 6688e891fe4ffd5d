/**
 * X9 end to end in one browser: a recording page (in an iframe, with its own journal, as
 * another device) records into the local S3, then leaves cleanly or is killed; this page
 * continues the same recording into the same object, stops, and the stored file is judged
 * with ffprobe and ffmpeg: one file, the whole span, both pages' pictures, nothing left over.
 */
import { expect } from '@esm-bundle/chai';
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { BrowserRecordingEngine } from '../../../src/recorder/browser-engine.js';
import {
  HandoffKeys,
  newestContext,
  type HandoffContext,
} from '../../../src/recorder/handoff-context.js';
import { DEFAULT_KEY_PREFIX } from '../../../src/session/naming.js';
import type { RecordingMeta, StoredRecording } from '../../../src/recorder/engine.js';
import {
  MIN_TEST_FPS,
  ffmpegDecodeErrors,
  ffmpegFrame,
  ffprobe,
  fileFps,
  saveFile,
} from '../helpers.js';
import {
  COLOURS,
  countNear,
  h264Supported,
  pixels,
  stopSynthetic,
  type Rgb,
} from '../media/fixtures.js';
import { getObject, listKeys, localS3, objectUrl, type LocalS3 } from '../upload/fixtures.js';
import type { FrameCommand } from './handoff-frame.js';
import { engineOptions, newMeta, roomSources, type FrameSetup } from './handoff-setup.js';

/** A recording page in an iframe. */
class FramePage {
  readonly #frame = document.createElement('iframe');
  readonly #setup: FrameSetup;
  #next = 0;

  private constructor(setup: FrameSetup) {
    this.#setup = setup;
  }

  static async open(setup: FrameSetup): Promise<FramePage> {
    const page = new FramePage(setup);
    const ready = new Promise<void>((resolve) => {
      const on = (e: MessageEvent) => {
        if (e.source === page.#frame.contentWindow && (e.data as { ready?: boolean }).ready) {
          window.removeEventListener('message', on);
          resolve();
        }
      };
      window.addEventListener('message', on);
    });
    page.#frame.srcdoc = `<script type="module" src="${new URL('./handoff-frame.ts', import.meta.url).pathname}"></script>`;
    document.body.append(page.#frame);
    await ready;
    return page;
  }

  send<T>(command: FrameCommand): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const on = (e: MessageEvent) => {
        const data = e.data as { id?: number; ok: boolean; value: T; error: string };
        if (e.source !== this.#frame.contentWindow || data.id !== id) return;
        window.removeEventListener('message', on);
        if (data.ok) resolve(data.value);
        else reject(new Error(data.error));
      };
      window.addEventListener('message', on);
      this.#frame.contentWindow!.postMessage({ id, setup: this.#setup, command }, '*');
    });
  }

  /** Gone without a word: the browser was closed or crashed. */
  kill(): void {
    this.#frame.remove();
  }
}

const title = 'Handoff class';

/** Starts recording on `page`; returns when its recording began, on this page's clock. */
async function startOn(page: FramePage, meta: RecordingMeta): Promise<number> {
  const { elapsedMs } = await page.send<{ elapsedMs: number }>({ cmd: 'start', meta });
  return performance.now() - elapsedMs;
}

function setupFor(s3: LocalS3, roomId: string, colour: Rgb = COLOURS.stage, frequency = 440) {
  return {
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    roomId,
    journalName: `rr-handoff-${crypto.randomUUID()}`,
    colour,
    frequency,
  } satisfies FrameSetup;
}

/**
 * Resolves once storage holds a handoff context naming at least `fragments` fragments (and at
 * least `generation`): the newest of its slots, as a successor reads them.
 */
async function contextWith(
  s3: LocalS3,
  roomId: string,
  id: string,
  fragments: number,
  generation = 0,
): Promise<HandoffContext> {
  const keys = new HandoffKeys(DEFAULT_KEY_PREFIX, { roomId, recordingId: id });
  for (;;) {
    let c: HandoffContext | null = null;
    try {
      c = newestContext(await Promise.all(keys.contexts.map((k) => getObject(s3, k))));
    } catch {
      // s3rver writes objects in place: a read during writes to both slots is read again.
    }
    if (c && c.fragments.length >= fragments && c.generation >= generation) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Successors of the running test, stopped after it whatever happened. */
const successors: BrowserRecordingEngine[] = [];

/** This page, continuing: its own journal, its own picture (cam1's colour). */
async function successor(s3: LocalS3, roomId: string, realParts = false) {
  const engine = new BrowserRecordingEngine({
    ...engineOptions({ ...setupFor(s3, roomId), realParts }),
    journal: await IndexedDbJournal.open({ name: `rr-handoff-${crypto.randomUUID()}` }),
  });
  successors.push(engine);
  return engine;
}

/** The stored file, judged: its span, its frame rate, a clean decode, each page's picture. */
async function judge(stored: StoredRecording, s3: LocalS3, spanSec: number) {
  const bytes = await getObject(s3, stored.objectKey);
  expect(bytes, 'the object is stored').to.not.equal(null);
  const saved = await saveFile(`handoff-${stored.recordingId}.mp4`, bytes!);
  const probe = await ffprobe(saved.path, ['-count_frames']);
  const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
  const duration = Number(probe.format.duration);
  console.log(`[handoff] file ${duration.toFixed(2)} s for a span of ${spanSec.toFixed(2)} s`);
  // The file lasts the room's span (both pages and the gap between them), within a second.
  expect(duration).to.be.within(spanSec - 1, spanSec + 1);
  console.log(`[handoff] ${fileFps(probe).toFixed(2)} fps in the file`);
  expect(fileFps(probe)).to.be.within(MIN_TEST_FPS, 30.5);
  expect(audio.codec_name).to.equal('aac');
  expect(Math.abs(Number(audio.duration) - duration)).to.be.below(0.5);
  expect(await ffmpegDecodeErrors(saved.path)).to.equal('');
  const first = await pixels(await ffmpegFrame(saved.path, 1));
  const last = await pixels(await ffmpegFrame(saved.path, duration - 0.5));
  expect(countNear(first, COLOURS.stage), 'the first page is in the file').to.be.above(1000);
  expect(countNear(last, COLOURS.cam1), 'the second page is in the file').to.be.above(1000);
  return { duration };
}

describe('handoff between pages, through storage (X9)', function () {
  this.timeout(180_000);
  let s3: LocalS3;

  before(async () => {
    s3 = await localS3();
    expect(await h264Supported(), 'Chromium encodes H.264 here').to.equal(true);
  });
  afterEach(async () => {
    // A failed test leaves nothing recording behind it: frames go, successors stop.
    for (const frame of document.querySelectorAll('iframe')) frame.remove();
    for (const engine of successors.splice(0)) await engine.stop('user').catch(() => undefined);
    stopSynthetic();
  });

  for (const how of ['leaves cleanly', 'is killed'] as const) {
    it(`the recording page ${how}: another continues into the same object, nothing is left over`, async () => {
      const roomId = `handoff-${crypto.randomUUID().slice(0, 8)}`;
      const setup = setupFor(s3, roomId);
      const first = await FramePage.open(setup);
      const meta = newMeta(roomId, title);
      const t0 = await startOn(first, meta);
      // Three fragments confirmed by storage (a killed page leaves what storage holds).
      await contextWith(s3, roomId, meta.recordingId, 3);
      if (how === 'leaves cleanly') await first.send({ cmd: 'leave' });
      else first.kill();

      const engine = await successor(s3, roomId);
      const cam1 = roomSources(COLOURS.cam1, 660);
      await engine.continueRecording(meta.recordingId, performance.now() - t0, cam1);
      // Storage names this page's generation (a write the killed page had in flight may land
      // after the claim; this page's next write names it again).
      await contextWith(s3, roomId, meta.recordingId, 0, 1);
      // Three more of its own (its generation's document: the killed page's late writes do not
      // count), then Stop.
      await contextWith(s3, roomId, meta.recordingId, 6, 1);
      await engine.stop('user');
      const span = (performance.now() - t0) / 1000;
      const stored = await engine.whenStored();
      expect(stored.objectKey).to.equal(meta.objectKey);
      await judge(stored, s3, span);
      // One file in the Recordings folder; the handoff objects are gone.
      expect(await listKeys(s3, `rooms/${roomId}/Recordings/`)).to.deep.equal([meta.objectKey]);
      expect(await listKeys(s3, `rooms/${roomId}/.recorder/`)).to.deep.equal([]);
      first.kill();
    });
  }

  it('a page killed before any part was complete: its checkpoints carry what it recorded', async () => {
    const roomId = `handoff-${crypto.randomUUID().slice(0, 8)}`;
    const setup = { ...setupFor(s3, roomId), realParts: true };
    const first = await FramePage.open(setup);
    const meta = newMeta(roomId, title);
    const t0 = await startOn(first, meta);
    // Another page is in the room: the recording page keeps its bytes in storage as tails.
    await first.send({ cmd: 'handoff-possible' });
    const held = await contextWith(s3, roomId, meta.recordingId, 3);
    first.kill();
    const killedAt = performance.now();
    const last = held.fragments.at(-1) as number[];
    const stored = (last[2]! + last[3]!) / 1e6;

    const engine = await successor(s3, roomId, true);
    engine.handoffPossible(true);
    await engine.continueRecording(
      meta.recordingId,
      performance.now() - t0,
      roomSources(COLOURS.cam1, 660),
    );
    // The continuing page keeps its own bytes in storage the same way, after the inherited.
    await contextWith(s3, roomId, meta.recordingId, held.fragments.length + 3, 1);
    await engine.stop('user');
    const span = (performance.now() - t0) / 1000;
    const { duration } = await judge(await engine.whenStored(), s3, span);
    // What the killed page had recorded and not yet put in storage: at most a checkpoint's
    // worth (1 s) and the fragment being written.
    const lostSec = (killedAt - t0) / 1000 - stored;
    console.log(
      `[handoff] killed at ${((killedAt - t0) / 1000).toFixed(2)} s with ${stored.toFixed(2)} s in storage (lost ${lostSec.toFixed(2)} s); file ${duration.toFixed(2)} s`,
    );
    expect(stored, 'seconds the killed page had put in storage').to.be.at.least(2.5);
    expect(await listKeys(s3, `rooms/${roomId}/.recorder/`)).to.deep.equal([]);
  });

  it('a page killed mid-checkpoint, its last tail not whole: the successor continues from the bytes before it', async () => {
    const roomId = `handoff-${crypto.randomUUID().slice(0, 8)}`;
    const first = await FramePage.open(setupFor(s3, roomId));
    const meta = newMeta(roomId, title);
    const t0 = await startOn(first, meta);
    await first.send({ cmd: 'handoff-possible' });
    await contextWith(s3, roomId, meta.recordingId, 3);
    first.kill();
    // The page puts a tail and the context naming it at once: it died with the context stored
    // and the tail cut short, as a store that writes in place keeps it.
    const held = await contextWith(s3, roomId, meta.recordingId, 0);
    const tail = held.tails.at(-1)!;
    const whole = (await getObject(s3, tail.key))!;
    const put = await fetch(objectUrl(s3, tail.key), {
      method: 'PUT',
      body: whole.slice(0, whole.byteLength >> 1).buffer,
    });
    expect(put.ok, 'the tail was cut short').to.equal(true);

    const engine = await successor(s3, roomId);
    await engine.continueRecording(
      meta.recordingId,
      performance.now() - t0,
      roomSources(COLOURS.cam1, 660),
    );
    // It continued from the fragments before the broken tail.
    const claimed = await contextWith(s3, roomId, meta.recordingId, 0, 1);
    const kept = claimed.fragments.filter(([offset]) => offset < tail.start);
    expect(kept.length, 'fragments before the broken tail').to.be.above(0);
    expect(
      held.fragments.filter(([offset]) => offset < tail.start).length,
      'every fragment before the tail is kept',
    ).to.equal(kept.length);
    const lost = held.fragments.filter(([offset]) => offset >= tail.start);
    type Packed = HandoffContext['fragments'][number];
    const same = (a: Packed, b: Packed) => a[0] === b[0] && a[1] === b[1];
    expect(
      lost.filter((f) => claimed.fragments.some((c) => same(c, f))),
      "the broken tail's fragments are not in the file",
    ).to.deep.equal([]);
    await contextWith(s3, roomId, meta.recordingId, claimed.fragments.length + 2, 1);
    await engine.stop('user');
    const span = (performance.now() - t0) / 1000;
    await judge(await engine.whenStored(), s3, span);
    expect(await listKeys(s3, `rooms/${roomId}/.recorder/`)).to.deep.equal([]);
  });

  it('a second handoff: the page that continued is killed too, a third page finishes the file', async () => {
    const roomId = `handoff-${crypto.randomUUID().slice(0, 8)}`;
    const first = await FramePage.open(setupFor(s3, roomId));
    const meta = newMeta(roomId, title);
    const t0 = await startOn(first, meta);
    await first.send({ cmd: 'handoff-possible' });
    await contextWith(s3, roomId, meta.recordingId, 2);
    first.kill();

    // The second page: its own device (journal) and picture (cam2's colour).
    const second = await FramePage.open(setupFor(s3, roomId, COLOURS.cam2, 550));
    await second.send({ cmd: 'handoff-possible' });
    await second.send({
      cmd: 'continue',
      recordingId: meta.recordingId,
      elapsedMs: performance.now() - t0,
    });
    const before = (await contextWith(s3, roomId, meta.recordingId, 0, 1)).fragments.length;
    await contextWith(s3, roomId, meta.recordingId, before + 2, 1);
    second.kill();

    const engine = await successor(s3, roomId);
    await engine.continueRecording(
      meta.recordingId,
      performance.now() - t0,
      roomSources(COLOURS.cam1, 660),
    );
    const third = await contextWith(s3, roomId, meta.recordingId, 0, 2);
    await contextWith(s3, roomId, meta.recordingId, third.fragments.length + 2, 2);
    await engine.stop('user');
    const span = (performance.now() - t0) / 1000;
    const stored = await engine.whenStored();
    expect(stored.objectKey).to.equal(meta.objectKey);
    const { duration } = await judge(stored, s3, span);
    // The second page's picture is in the middle of the file.
    const saved = await saveFile(
      `handoff-2-${stored.recordingId}.mp4`,
      (await getObject(s3, stored.objectKey))!,
    );
    let seen = false;
    for (let t = 1; t < duration - 1 && !seen; t += 0.5) {
      seen = countNear(await pixels(await ffmpegFrame(saved.path, t)), COLOURS.cam2) > 1000;
    }
    expect(seen, 'the second page is in the file').to.equal(true);
    expect(await listKeys(s3, `rooms/${roomId}/Recordings/`)).to.deep.equal([meta.objectKey]);
    expect(await listKeys(s3, `rooms/${roomId}/.recorder/`)).to.deep.equal([]);
  });

  it("a killed page that comes back: the file is the successor's, what it lacks is kept as a part", async () => {
    const roomId = `handoff-${crypto.randomUUID().slice(0, 8)}`;
    const setup = setupFor(s3, roomId);
    const first = await FramePage.open(setup);
    const meta = newMeta(roomId, title);
    const t0 = await startOn(first, meta);
    const before = await contextWith(s3, roomId, meta.recordingId, 2);
    // The device journals more than storage holds (no checkpoints: no successor was seen),
    // then dies.
    const device = await IndexedDbJournal.open({ name: setup.journalName });
    while ((await device.fragments(meta.recordingId)).length <= before.fragments.length) {
      await new Promise((r) => setTimeout(r, 100));
    }
    first.kill();
    // Exactly what the device has and storage lacks: a dead page writes nothing more.
    const kept = await contextWith(s3, roomId, meta.recordingId, 0);
    const inStorage = new Set(
      (kept.fragments as number[][]).map(([offset, size]) => offset! + size!),
    );
    const own = await device.fragments(meta.recordingId);
    const shared = own.findIndex((f) => !inStorage.has(f.offset + f.size));
    const lost = shared < 0 ? [] : own.slice(shared);
    const lostSec = lost.reduce((n, f) => n + f.durationUs, 0) / 1e6;
    device.close();

    const engine = await successor(s3, roomId);
    await engine.continueRecording(
      meta.recordingId,
      performance.now() - t0,
      roomSources(COLOURS.cam1, 660),
    );
    // The same device opens the room again (same journal) while the room still records
    // (here: in this browser, whose lock on the room the successor holds): its recovery leaves
    // the recording alone.
    const back = await FramePage.open(setup);
    expect(await back.send<StoredRecording[]>({ cmd: 'recover' })).to.deep.equal([]);
    expect(await back.send<number>({ cmd: 'unfinished' })).to.equal(1);
    await contextWith(s3, roomId, meta.recordingId, 4);
    await engine.stop('user');
    const span = (performance.now() - t0) / 1000;
    await judge(await engine.whenStored(), s3, span);
    // Once the file is stored, the device compares it with its journal: the seconds it
    // recorded that the file lacks are stored as a part beside it, and nothing twice.
    const parts = await back.send<StoredRecording[]>({ cmd: 'recover' });
    console.log(`[handoff] the device that came back had ${lostSec.toFixed(2)} s the file lacks`);
    expect(await back.send<number>({ cmd: 'unfinished' })).to.equal(0);
    expect(parts.length).to.equal(lost.length > 0 ? 1 : 0);
    const folder = await listKeys(s3, `rooms/${roomId}/Recordings/`);
    expect(folder).to.deep.equal([meta.objectKey, ...parts.map((p) => p.objectKey)].sort());
    for (const part of parts) {
      const fromSec = Math.floor(lost[0]!.startUs / 1e6);
      expect(part.fileName).to.equal(
        meta.fileName.replace(/\.mp4$/, ` (part from 0h00m0${fromSec}s).mp4`),
      );
      expect(part.durationSec).to.be.closeTo(lostSec, 0.001);
      const saved = await saveFile(
        `part-${part.recordingId}.mp4`,
        (await getObject(s3, part.objectKey))!,
      );
      const probe = await ffprobe(saved.path, ['-count_frames']);
      const video = probe.streams.find((st) => st.codec_type === 'video')!;
      // It starts at 0, lasts what was lost, at 30 fps, and decodes cleanly.
      expect(Number(probe.format.start_time)).to.be.below(0.05);
      expect(Number(probe.format.duration)).to.be.closeTo(lostSec, 0.1);
      expect(Number(video.nb_read_frames)).to.be.closeTo(lostSec * 30, 2);
      expect(await ffmpegDecodeErrors(saved.path)).to.equal('');
    }
    back.kill();
  });
});
