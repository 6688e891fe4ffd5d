import { expect } from '@esm-bundle/chai';
import { ffprobe, saveFile } from '../helpers.js';
import { MediaPipeline } from '../../../src/media/pipeline.js';
import {
  at,
  buildFile,
  COLOURS,
  h264Supported,
  MemorySink,
  near,
  pixels,
  stopSynthetic,
} from './fixtures.js';
import { ffmpegFrame } from '../helpers.js';
import { computeLayout } from '../../../src/media/layout.js';
import type { PipelineHealth } from '../../../src/media/types.js';

/** A canvas of one colour that changes only when the test says. */
function stillCanvas(width: number, height: number, rgb: readonly number[]): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  paint(c, rgb);
  document.body.append(c);
  return c;
}

function paint(c: HTMLCanvasElement, rgb: readonly number[]): void {
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = `rgb(${rgb.join(',')})`;
  ctx.fillRect(0, 0, c.width, c.height);
}

/** Makes the page look hidden (or shown again) to the pipeline. */
function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  if (!hidden) delete (document as unknown as Record<string, unknown>)['visibilityState'];
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('MediaPipeline: a constant-rate file', function () {
  this.timeout(240_000);
  afterEach(() => setHidden(false));

  it('puts a frame at every 1/30 s, repeating the last composite when nothing changed (hidden page: canvases pushed)', async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    // Hidden: canvases are pushed by the page on every tick, so what each frame holds is
    // decided here, not by when a capture track delivers.
    setHidden(true);
    const stage = stillCanvas(1920, 1080, COLOURS.stage);
    const cam = stillCanvas(640, 360, COLOURS.cam0);
    const sink = new MemorySink();
    const frames = 90;
    let lastHealth: PipelineHealth | null = null;
    const pipeline = new MediaPipeline({
      sources: { stage, webcams: [{ id: 'p0', source: cam }], audio: [] },
      sink,
      audio: false,
      onHealth: (h) => (lastHealth = h),
      clock: {
        mode: 'deterministic',
        frames,
        beforeFrame: (n) => {
          if (n === 30) paint(cam, COLOURS.cam1);
          if (n === 60) paint(cam, COLOURS.cam2);
        },
      },
    });
    await pipeline.start();
    await pipeline.whenFramesDone();
    const result = await pipeline.stop();
    stopSynthetic();
    const s = result.stats;
    expect(s.framesEncoded).to.equal(frames);
    expect(s.framesDropped).to.equal(0);
    // Three new composites (the first, and the two changes); every other tick repeats.
    expect(s.framesRepeated).to.equal(frames - 3);
    // The last report, sent at stop, ends on the file's own counts.
    expect(lastHealth!.framesRepeated).to.equal(frames - 3);

    const { path } = await saveFile('cfr.mp4', buildFile(sink, result));
    const probe = (await ffprobe(path, [
      '-select_streams',
      'v',
      '-show_entries',
      'packet=pts_time',
    ])) as unknown as { packets: Array<{ pts_time: string }> };
    const pts = probe.packets.map((p) => Number(p.pts_time)).sort((a, b) => a - b);
    expect(pts.length).to.equal(frames);
    pts.forEach((t, n) => expect(Math.abs(t - n / 30), `frame ${n} at ${t}`).to.be.below(1e-4));

    // The repeats show what was there: the webcam's colour before and after each change.
    const tile = computeLayout({
      stage: { width: 1920, height: 1080 },
      webcams: [{ id: 'p0', width: 640, height: 360 }],
    }).webcams[0]!;
    const cx = tile.draw.x + tile.draw.width / 2;
    const cy = tile.draw.y + tile.draw.height / 2;
    for (const [t, want] of [
      [0.5, COLOURS.cam0],
      [1.5, COLOURS.cam1],
      [2.5, COLOURS.cam2],
    ] as const) {
      const got = at(await pixels(await ffmpegFrame(path, t)), cx, cy);
      expect(near(got, want), `webcam at ${t}s: ${got.join(',')}`).to.equal(true);
    }
  });
});
