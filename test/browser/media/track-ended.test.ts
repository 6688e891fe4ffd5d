/**
 * Issue 11: a webcam's track ending by itself (a camera unplugged, a peer's connection going),
 * as opposed to the page stopping it (`pipeline-changes.test.ts` › "every source gone").
 *
 * The webcams here are remote WebRTC tracks, as the recorder records them in a room: a canvas
 * sent from one RTCPeerConnection to another in this page (loopback, no signalling server).
 * What Chromium 156 does when the sending side goes (seen here; the tests assert the states
 * of the tracks, not the connection's timings):
 *
 * - the sender stops its transceiver and renegotiates (an SFU or a peer dropping the media):
 *   the remote track fires `ended` at once and its `readyState` is 'ended' (so do its clones);
 * - the sender removes its track and renegotiates (`removeTrack`): the remote track fires
 *   `mute` and stays 'live', delivering no frames;
 * - the sending RTCPeerConnection is closed (a peer's page closing, without renegotiating):
 *   nothing at all on the remote track: 'live', not muted, no frames; the receiving
 *   connection goes 'disconnected' after 6-8 s and 'failed' after about 18 s, and the track is
 *   still 'live' 45 s later. It ends only when the receiving page closes its own connection.
 *
 * What the product does (src/media/): an ended track's source leaves the recording. The worker's
 * reader of the track's clone ends (`recording.ts` pump) and the page sees the track 'ended'
 * (`MediaPipeline.checkEnded`), whichever comes first: the tile is taken out of the layout
 * (`I420Compositor.remove`), the layout is computed again for the sources left (the other tiles
 * move to fill the panel, the frame is cleared to black first), and `onSourceEnded` names the
 * source once. A live track that delivers no frames (muted, or its sender gone) keeps its tile:
 * `TileSource` keeps the last picture it read and the compositor draws it again whenever the
 * layout changes, so the tile holds the last live frame until the track ends or the integrator
 * removes the webcam.
 */
import { expect } from '@esm-bundle/chai';
import { ffmpegDecodeErrors, ffmpegFrame, ffprobe, saveFile } from '../helpers.js';
import { computeLayout, type Rect } from '../../../src/media/layout.js';
import { MediaPipeline } from '../../../src/media/pipeline.js';
import type { PipelineError } from '../../../src/media/errors.js';
import type { VisualSource, WebcamSource } from '../../../src/media/sources.js';
import type { PipelineHealth } from '../../../src/media/types.js';
import {
  at,
  buildFile,
  COLOURS,
  countNear,
  h264Supported,
  MemorySink,
  near,
  pixels,
  stopSynthetic,
  syntheticCanvas,
  type Rgb,
} from './fixtures.js';

const CAM = { width: 640, height: 360 };
const STAGE = { width: 1920, height: 1080 };

/** A canvas sent over one RTCPeerConnection and received by another, in this page. */
interface Loopback {
  send: RTCPeerConnection;
  recv: RTCPeerConnection;
  /** The received track: what the recorder records. */
  remote: MediaStreamTrack;
  close(): void;
}

function once(target: EventTarget, type: string): Promise<void> {
  return new Promise((resolve) => target.addEventListener(type, () => resolve(), { once: true }));
}

/** An offer from `a`, its answer from `b`; candidates go across once each side can take them. */
async function negotiate(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription!);
}

async function loopback(rgb: Rgb): Promise<Loopback> {
  const track = syntheticCanvas(CAM.width, CAM.height, rgb).captureStream(30).getVideoTracks()[0]!;
  const send = new RTCPeerConnection();
  const recv = new RTCPeerConnection();
  for (const [from, to] of [
    [send, recv],
    [recv, send],
  ] as const) {
    from.onicecandidate = (e) => {
      if (!e.candidate) return;
      const c = e.candidate;
      // A candidate may come before the other side has a remote description to add it to.
      const add = (): void => {
        if (to.remoteDescription) void to.addIceCandidate(c).catch(() => undefined);
        else to.addEventListener('signalingstatechange', add, { once: true });
      };
      add();
    };
  }
  const received = new Promise<MediaStreamTrack>((resolve) => {
    recv.ontrack = (e) => resolve(e.track);
  });
  send.addTransceiver(track, { direction: 'sendonly', streams: [new MediaStream([track])] });
  await negotiate(send, recv);
  const remote = await received;
  // A remote track unmutes when its first frame arrives.
  if (remote.muted) await once(remote, 'unmute');
  return {
    send,
    recv,
    remote,
    close: () => {
      send.close();
      recv.close();
      track.stop();
    },
  };
}

/** Frames a track delivers, counted on a clone of it (the recorder reads its own clone). */
function frameCounter(track: MediaStreamTrack): { count: () => number } {
  type Ctor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
  const P = (globalThis as unknown as { MediaStreamTrackProcessor: Ctor })
    .MediaStreamTrackProcessor;
  const reader = new P({ track: track.clone() }).readable.getReader();
  let n = 0;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      n++;
      value.close();
    }
  })().catch(() => undefined);
  return { count: () => n };
}

/** Health reports as they come, and waits on them and on other callbacks (no sleeps). */
class HealthLog {
  readonly reports: PipelineHealth[] = [];
  private waiters: Array<() => void> = [];
  readonly push = (h: PipelineHealth): void => {
    this.reports.push(h);
    this.wake();
  };
  /** Looks at the conditions waited on again (something other than a report happened). */
  readonly wake = (): void => {
    for (const w of this.waiters.splice(0)) w();
  };
  get frames(): number {
    return this.reports.at(-1)?.framesEncoded ?? 0;
  }
  /**
   * Resolves once `done()` holds, looked at on every report. A report comes every second while
   * the pipeline records, so 10 s without one is a stall: it fails then rather than at the
   * test's timeout.
   */
  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((r) => this.waiters.push(r)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('no health report for 10 s: the pipeline stalled')),
            10_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    }
  }
  /** Frames encoded per report between reports `from` and `to`. */
  rate(from: number, to: number): number {
    return (this.reports[to]!.framesEncoded - this.reports[from]!.framesEncoded) / (to - from);
  }
}

/** The layout of the stage and webcams of the test's size, in this order: the drawn rects. */
function layoutOf(ids: string[]): { stage: Rect; cams: Map<string, Rect> } {
  const l = computeLayout({ stage: STAGE, webcams: ids.map((id) => ({ id, ...CAM })) });
  return { stage: l.stage!.draw, cams: new Map(l.webcams.map((t) => [t.id, t.draw] as const)) };
}

function centre(r: Rect): [number, number] {
  return [r.x + r.width / 2, r.y + r.height / 2];
}

/**
 * The synthetic canvas's moving bar in a tile: which pixels along the tile's bottom edge are
 * dark (the bar), as a mask, and how many.
 */
function barMask(img: ImageData, r: Rect): { mask: Uint8Array; dark: number } {
  const y0 = Math.round(r.y + r.height * 0.93);
  const y1 = r.y + r.height - 3;
  const mask = new Uint8Array(Math.max(0, y1 - y0) * r.width);
  let dark = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = r.x + 4; x < r.x + r.width - 4; x++) {
      const [red, g, b] = at(img, x, y);
      if (red + g + b < 150) {
        mask[(y - y0) * r.width + (x - r.x)] = 1;
        dark++;
      }
    }
  }
  return { mask, dark };
}

/**
 * How far a tile's bar moved over `imgs`: the most pixels that are bar in one frame and not in
 * another. The bar moves 7 px of 640 a draw and so comes back within 3 px of a place only every
 * 91 draws (3 s): of three frames spread over less than 6 s, two are less than 3 s apart, so a
 * source that draws shows a move (5 px of the tile or more, along the bar's rows).
 */
function barMoved(imgs: ImageData[], r: Rect, what: string): { dark: number[]; moved: number } {
  const bars = imgs.map((img) => barMask(img, r));
  expect(
    bars.map((b) => b.dark),
    `${what}: the bar in every frame`,
  ).to.satisfy((d: number[]) => d.every((n) => n > 20));
  let moved = 0;
  for (const a of bars) {
    for (const b of bars) {
      let n = 0;
      for (let i = 0; i < a.mask.length; i++) if (a.mask[i] !== b.mask[i]) n++;
      moved = Math.max(moved, n);
    }
  }
  return { dark: bars.map((b) => b.dark), moved };
}

/** Decoded frames of the file at these times. */
async function framesAt(path: string, times: number[]): Promise<ImageData[]> {
  const out: ImageData[] = [];
  for (const t of times) out.push(await pixels(await ffmpegFrame(path, t)));
  return out;
}

/** Pixels of `rgb` inside the rect (as {@link countNear} counts them). */
function colourIn(img: ImageData, r: Rect, rgb: Rgb, tolerance = 60): number {
  let n = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const [red, g, b] = at(img, x, y);
      if (
        Math.abs(red - rgb[0]) <= tolerance &&
        Math.abs(g - rgb[1]) <= tolerance &&
        Math.abs(b - rgb[2]) <= tolerance
      )
        n++;
    }
  }
  return n;
}

interface Recorded {
  path: string;
  duration: number;
  frames: number;
  elapsedAtStop: number;
  stats: { framesEncoded: number; framesDropped: number };
}

/** Stops, builds the file a player gets, and checks it is whole: every tick, true duration. */
async function finish(pipeline: MediaPipeline, sink: MemorySink, name: string): Promise<Recorded> {
  const elapsedAtStop = pipeline.elapsedMs! / 1000;
  const result = await pipeline.stop();
  const { path } = await saveFile(name, buildFile(sink, result));
  const probe = await ffprobe(path, ['-count_frames']);
  const video = probe.streams.find((s) => s.codec_type === 'video')!;
  const duration = Number(probe.format.duration);
  const frames = Number(video.nb_read_frames);
  const { framesEncoded, framesDropped } = result.stats;
  console.log(
    `[${name}] ${duration.toFixed(2)} s (stopped at ${elapsedAtStop.toFixed(2)} s), ${frames} frames, ${framesEncoded} encoded, ${framesDropped} dropped`,
  );
  expect(frames, 'every encoded frame is in the file').to.equal(framesEncoded);
  // Every tick is in the file or counted as dropped, however fast the machine.
  expect(Math.abs(framesEncoded + framesDropped - duration * 30)).to.be.below(30);
  expect(
    Math.abs(duration - elapsedAtStop),
    'the file lasts as long as the recording ran',
  ).to.be.below(0.5);
  expect(await ffmpegDecodeErrors(path)).to.equal('');
  return { path, duration, frames, elapsedAtStop, stats: { framesEncoded, framesDropped } };
}

describe('MediaPipeline: a webcam track ending by itself (a peer gone)', function () {
  this.timeout(180_000);
  const links: Loopback[] = [];
  afterEach(() => {
    for (const l of links.splice(0)) l.close();
    stopSynthetic();
  });

  it('the sender stops its transceiver: the remote tracks end, their tiles leave the layout, the recording goes on at its rate', async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    // Two remote cameras, given as the track itself and as the <video> a room plays it in
    // (as the demo does), and a local one that stays.
    const asTrack = await loopback(COLOURS.cam0);
    const asVideo = await loopback(COLOURS.cam2);
    links.push(asTrack, asVideo);
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = new MediaStream([asVideo.remote]);
    document.body.append(video);
    await video.play();
    const local = syntheticCanvas(CAM.width, CAM.height, COLOURS.cam1);
    const webcams: WebcamSource[] = [
      { id: 'track', source: asTrack.remote },
      { id: 'video', source: video },
      { id: 'local', source: local },
    ];
    const ended: VisualSource[] = [];
    const faults: PipelineError[] = [];
    const health = new HealthLog();
    const sink = new MemorySink();
    const pipeline = new MediaPipeline({
      sources: {
        stage: syntheticCanvas(STAGE.width, STAGE.height, COLOURS.stage),
        webcams,
        audio: [],
      },
      sink,
      audio: false,
      onHealth: health.push,
      onFault: (e) => faults.push(e),
      onSourceEnded: (s) => {
        ended.push(s);
        health.wake();
      },
    });
    await pipeline.start();
    await health.until(() => health.reports.length >= 3 && health.frames >= 60);
    const beforeReport = health.reports.length - 1;
    const tEnd = pipeline.elapsedMs! / 1000;

    // The peers drop their cameras: each sender stops its transceiver and renegotiates.
    const endedEvents = [once(asTrack.remote, 'ended'), once(asVideo.remote, 'ended')];
    for (const l of [asTrack, asVideo]) {
      l.send.getTransceivers()[0]!.stop();
      await negotiate(l.send, l.recv);
    }
    await Promise.all(endedEvents);
    expect(asTrack.remote.readyState).to.equal('ended');
    expect(asVideo.remote.readyState).to.equal('ended');
    // Nothing told the pipeline: it finds out by itself (the page looks at its sources on
    // every health report, the worker's reader ends), so within a few reports at most.
    const endedReport = health.reports.length;
    await health.until(() => ended.length >= 2 || health.reports.length >= endedReport + 3);
    const tGone = pipeline.elapsedMs! / 1000;
    const goneReport = health.reports.length;
    await health.until(() => health.reports.length >= goneReport + 4);
    const rec = await finish(pipeline, sink, 'track-ended.mp4');

    expect(faults.map((f) => f.message)).to.deep.equal([]);
    // The rate before the end (the reports before it) and after it (from the first whole
    // second after the sources left); a stall or a stopped recording gives 0.
    const before = health.rate(beforeReport - 2, beforeReport);
    const after = health.rate(goneReport + 1, goneReport + 3);
    console.log(
      `[track-ended] ended at ${tEnd.toFixed(2)} s, gone from the pipeline at ${tGone.toFixed(2)} s; frames per report ${before.toFixed(1)} before, ${after.toFixed(1)} after`,
    );
    expect(after, 'frames per health report after the end vs before').to.be.at.least(0.6 * before);
    for (let i = goneReport; i < health.reports.length; i++) {
      expect(
        health.reports[i]!.framesEncoded,
        `frames encoded keep growing (report ${i})`,
      ).to.be.above(health.reports[i - 1]!.framesEncoded);
    }

    // Before: all three tiles. After: the ended ones gone (no red, no yellow anywhere), the
    // stage and the local camera laid out again, the local camera still moving.
    const all = layoutOf(['track', 'video', 'local']);
    const left = layoutOf(['local']);
    const pre = await pixels(await ffmpegFrame(rec.path, Math.max(1, tEnd - 0.4)));
    expect(
      colourIn(pre, all.cams.get('track')!, COLOURS.cam0),
      'the track tile before',
    ).to.be.above(0.5 * all.cams.get('track')!.width * all.cams.get('track')!.height);
    expect(
      colourIn(pre, all.cams.get('video')!, COLOURS.cam2),
      'the video tile before',
    ).to.be.above(0.5 * all.cams.get('video')!.width * all.cams.get('video')!.height);
    const tA = tGone + 0.7;
    const tB = rec.duration - 0.3;
    expect(tB - tA, 'seconds recorded after the end').to.be.within(1, 6);
    const times = [tA, (tA + tB) / 2, tB];
    const post = await framesAt(rec.path, times);
    post.forEach((img, i) => {
      const t = times[i]!.toFixed(2);
      expect(countNear(img, COLOURS.cam0), `red (the track's camera) at ${t} s`).to.be.below(200);
      expect(countNear(img, COLOURS.cam2), `yellow (the video's camera) at ${t} s`).to.be.below(
        200,
      );
      const [sx, sy] = centre(left.stage);
      expect(near(at(img, sx, sy), COLOURS.stage), `stage at ${t} s`).to.equal(true);
      const [cx, cy] = centre(left.cams.get('local')!);
      expect(
        near(at(img, cx, cy), COLOURS.cam1),
        `the local camera in its new place at ${t} s: ${at(img, cx, cy).join(',')}`,
      ).to.equal(true);
      // Where the ended track's tile was: black now (the frame cleared at the relayout).
      const [ox, oy] = centre(all.cams.get('track')!);
      expect(near(at(img, ox, oy), [0, 0, 0], 20), `the track tile's old place at ${t} s`).to.equal(
        true,
      );
    });
    const bar = barMoved(post, left.cams.get('local')!, 'the local camera');
    console.log(`[track-ended] the local camera's bar: ${bar.moved} pixels moved`);
    expect(bar.moved, 'the local camera keeps updating').to.be.above(40);
    expect(ended, 'onSourceEnded: each ended source named once').to.have.length(2);
    expect(ended).to.have.members([asTrack.remote, video]);
  });

  it('the sender removes its track (muted) or closes its connection (silent): the tiles hold the last live frame, the recording goes on', async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    const removed = await loopback(COLOURS.cam0);
    const closed = await loopback(COLOURS.cam2);
    links.push(removed, closed);
    const counters = { removed: frameCounter(removed.remote), closed: frameCounter(closed.remote) };
    const local = syntheticCanvas(CAM.width, CAM.height, COLOURS.cam1);
    const ended: VisualSource[] = [];
    const faults: PipelineError[] = [];
    const health = new HealthLog();
    const sink = new MemorySink();
    const pipeline = new MediaPipeline({
      sources: {
        stage: syntheticCanvas(STAGE.width, STAGE.height, COLOURS.stage),
        webcams: [
          { id: 'removed', source: removed.remote },
          { id: 'closed', source: closed.remote },
          { id: 'local', source: local },
        ],
        audio: [],
      },
      sink,
      audio: false,
      onHealth: health.push,
      onFault: (e) => faults.push(e),
      onSourceEnded: (s) => ended.push(s),
    });
    await pipeline.start();
    await health.until(() => health.reports.length >= 3 && health.frames >= 60);
    const beforeReport = health.reports.length - 1;
    const tGo = pipeline.elapsedMs! / 1000;

    const muted = once(removed.remote, 'mute');
    removed.send.removeTrack(removed.send.getSenders()[0]!);
    await negotiate(removed.send, removed.recv);
    closed.send.close();
    await muted;
    // What is in flight still arrives; after a second of ticks, nothing more may.
    const goFrames = health.frames;
    await health.until(() => health.frames >= goFrames + 30);
    const quiet = { removed: counters.removed.count(), closed: counters.closed.count() };
    const tQuiet = pipeline.elapsedMs! / 1000;
    const quietReport = health.reports.length;
    await health.until(() => health.reports.length >= quietReport + 3);
    const delivered = { removed: counters.removed.count(), closed: counters.closed.count() };
    const rec = await finish(pipeline, sink, 'track-muted.mp4');

    console.log(
      `[track-muted] removed/closed at ${tGo.toFixed(2)} s; frames delivered after ${tQuiet.toFixed(2)} s: removed ${delivered.removed - quiet.removed}, closed ${delivered.closed - quiet.closed}; the closed one's track is ${closed.remote.muted ? 'muted' : 'not muted'}, its receiver ${closed.recv.connectionState}`,
    );
    expect(removed.remote.readyState, 'a removed track stays live').to.equal('live');
    expect(removed.remote.muted, 'a removed track is muted').to.equal(true);
    expect(closed.remote.readyState, 'a closed sender leaves the track live').to.equal('live');
    expect(delivered, 'no frames from either after they went').to.deep.equal(quiet);
    expect(faults.map((f) => f.message)).to.deep.equal([]);
    expect(ended, 'no source ended').to.deep.equal([]);
    const before = health.rate(beforeReport - 2, beforeReport);
    const after = health.rate(quietReport, quietReport + 2);
    console.log(
      `[track-muted] frames per report ${before.toFixed(1)} before, ${after.toFixed(1)} after`,
    );
    expect(after, 'frames per health report after vs before').to.be.at.least(0.6 * before);

    // The layout is unchanged; the gone cameras' tiles hold their last picture (the bar in the
    // same place over seconds), while the local camera moves on.
    const all = layoutOf(['removed', 'closed', 'local']);
    const tA = tQuiet + 0.3;
    const tB = rec.duration - 0.3;
    expect(tB - tA, 'seconds recorded after the peers went').to.be.within(1, 6);
    const post = await framesAt(rec.path, [tA, (tA + tB) / 2, tB]);
    for (const [id, rgb] of [
      ['removed', COLOURS.cam0],
      ['closed', COLOURS.cam2],
      ['local', COLOURS.cam1],
    ] as const) {
      const r = all.cams.get(id)!;
      for (const img of post) {
        expect(colourIn(img, r, rgb), `the ${id} tile's colour`).to.be.above(
          0.5 * r.width * r.height,
        );
      }
      const bar = barMoved(post, r, `the ${id} tile`);
      console.log(`[track-muted] ${id}: bar of ${bar.dark.join('/')} pixels, ${bar.moved} moved`);
      if (id === 'local') expect(bar.moved, 'the local camera keeps updating').to.be.above(40);
      else expect(bar.moved, `the ${id} tile holds its last frame`).to.be.below(20);
    }
  });
});
