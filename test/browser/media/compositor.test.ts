import { expect } from '@esm-bundle/chai';
import { I420Compositor } from '../../../src/media/i420-compositor.js';
import { computeLayout } from '../../../src/media/layout.js';
import type { SourceDesc } from '../../../src/media/protocol.js';
import {
  bt601,
  bt709,
  closeYuv,
  fmt,
  inner,
  meanOf,
  meanYuv,
  solidBitmap,
  solidRgbFrame,
  solidYuvFrame,
  type Yuv,
} from './yuv-fixtures.js';

const cam = (id: string, width = 640, height = 360): SourceDesc => ({
  id,
  role: 'webcam',
  kind: 'stream',
  width,
  height,
});
const stage: SourceDesc = { id: 'stage', role: 'stage', kind: 'stream', width: 1920, height: 1080 };

const closed = (f: VideoFrame): boolean => f.format === null;
const BLACK: Yuv = [16, 128, 128];

describe('I420Compositor', () => {
  it('places each source in its tile: an RGB stage, an I420 camera and an NV12 camera, in their colours', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([stage, cam('a'), cam('b')]);
    const red = bt601(220, 40, 40);
    const green = bt601(40, 200, 60);
    const fa = solidYuvFrame(red, 1280, 720, 'I420');
    const fb = solidYuvFrame(green, 1280, 720, 'NV12');
    await comp.offer('stage', solidRgbFrame('rgb(30,60,200)', 1920, 1080));
    await comp.offer('a', fa);
    await comp.offer('b', fb);
    // Read at once, so the camera's buffer goes back to its pool.
    expect(closed(fa) && closed(fb)).to.equal(true);
    const report = comp.compose();
    expect(report.draws).to.equal(3);
    expect(report.changed).to.equal(true);
    expect([comp.pathOf('stage'), comp.pathOf('a'), comp.pathOf('b')]).to.deep.equal([
      'rgb',
      'yuv',
      'yuv',
    ]);
    const layout = comp.currentLayout();
    const [ta, tb] = layout.webcams;
    const checks: Array<[string, Yuv, Yuv]> = [
      ['stage', meanOf(comp.image, inner(layout.stage!.draw)), bt601(30, 60, 200)],
      ['a', meanOf(comp.image, inner(ta!.draw)), red],
      ['b', meanOf(comp.image, inner(tb!.draw)), green],
      // Between the tiles: black.
      ['gap', meanOf(comp.image, { x: 1920 - 480 - 8, y: 0, width: 8, height: 100 }), BLACK],
    ];
    for (const [name, got, want] of checks) {
      expect(closeYuv(got, want), `${name}: ${fmt(got)} for ${fmt(want)}`).to.equal(true);
    }
    // Nothing new: nothing written, and the encoder can be sent the previous frame.
    expect(comp.compose()).to.deep.equal({ draws: 0, relayout: false, changed: false });
    comp.close();
  });

  it('draws every tile for one to six webcams of mixed sizes (tiles at odd rows included)', async () => {
    const colours = [
      bt601(220, 40, 40),
      bt601(40, 200, 60),
      bt601(40, 60, 220),
      bt601(220, 200, 40),
      bt601(200, 40, 200),
      bt601(40, 200, 200),
    ];
    for (let n = 1; n <= 6; n++) {
      const comp = new I420Compositor(1920, 1080);
      const ids = colours.slice(0, n).map((_, i) => `c${i}`);
      // The host's camera at 720p, remote ones as WebRTC sends them (360p).
      comp.setSources([stage, ...ids.map((id, i) => (i ? cam(id) : cam(id, 1280, 720)))]);
      await comp.offer('stage', solidRgbFrame('rgb(30,60,200)', 1920, 1080));
      for (const [i, id] of ids.entries()) {
        const [w, h] = i ? [640, 360] : [1280, 720];
        await comp.offer(id, solidYuvFrame(colours[i]!, w, h, 'I420'));
      }
      expect(comp.compose().draws, `${n} webcams`).to.equal(n + 1);
      const layout = comp.currentLayout();
      const got = meanOf(comp.image, inner(layout.stage!.draw));
      expect(closeYuv(got, bt601(30, 60, 200)), `stage with ${n}: ${fmt(got)}`).to.equal(true);
      for (const [i, tile] of layout.webcams.entries()) {
        const mean = meanOf(comp.image, inner(tile.draw));
        expect(closeYuv(mean, colours[i]!), `${tile.id} of ${n}: ${fmt(mean)}`).to.equal(true);
      }
      comp.close();
    }
  });

  it('letterboxes a picture whose aspect differs from its slot, with black bars', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([cam('a', 640, 480)]);
    const want = bt601(230, 200, 30);
    await comp.offer('a', solidYuvFrame(want, 640, 480));
    comp.compose();
    const tile = comp.currentLayout().webcams[0]!;
    // 4:3 in a 16:9 cell: bars left and right.
    expect(tile.draw.width).to.be.lessThan(tile.slot.width - 100);
    const bar = { x: tile.slot.x + 4, y: tile.slot.y + 100, width: 40, height: 200 };
    expect(closeYuv(meanOf(comp.image, bar), BLACK, 0.5)).to.equal(true);
    const got = meanOf(comp.image, inner(tile.draw));
    expect(closeYuv(got, want), fmt(got)).to.equal(true);
    comp.close();
  });

  it('converts an RGB source to BT.601 limited range, and the encoded file decodes to that colour', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([{ ...stage, kind: 'push' }]);
    const rgb: [number, number, number] = [200, 50, 100];
    await comp.offer('stage', solidBitmap(`rgb(${rgb.join(',')})`, 1920, 1080));
    comp.compose();
    const want = bt601(...rgb);
    const tile = inner(comp.currentLayout().stage!.draw);
    const got = meanOf(comp.image, tile);
    expect(closeYuv(got, want, 1), `composite ${fmt(got)} for ${fmt(want)}`).to.equal(true);

    // Through the encoder and a decoder: what a player gets.
    const frame = comp.frame(0, 33_333);
    expect(frame.format).to.equal('I420');
    expect(frame.colorSpace.matrix).to.equal('smpte170m');
    expect(frame.colorSpace.fullRange).to.equal(false);
    const decoded = await roundTrip(frame);
    frame.close();
    const buf = new Uint8Array(decoded.allocationSize());
    const layout = await decoded.copyTo(buf);
    const planes = {
      data: buf,
      yStride: layout[0]!.stride,
      cStride: layout[1]!.stride,
      uOffset: layout[1]!.offset,
      vOffset: layout[2]!.offset,
    };
    expect(decoded.format).to.equal('I420');
    expect(decoded.colorSpace.matrix).to.equal('smpte170m');
    decoded.close();
    const dec = meanYuv(planes, tile);
    expect(closeYuv(dec, want, 3), `decoded ${fmt(dec)} for ${fmt(want)}`).to.equal(true);
    comp.close();
  });

  it('converts a canvas over twice its tile at half size, colours and changes intact', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([stage, cam('a', 1280, 720)]);
    const c = new OffscreenCanvas(1280, 720);
    const ctx = c.getContext('2d')!;
    const draw = (right: string): VideoFrame => {
      ctx.fillStyle = 'rgb(220,40,40)';
      ctx.fillRect(0, 0, 640, 720);
      ctx.fillStyle = right;
      ctx.fillRect(640, 0, 640, 720);
      return new VideoFrame(c, { timestamp: 0 });
    };
    await comp.offer('a', draw('rgb(40,200,60)'));
    comp.compose();
    const t = comp.currentLayout().webcams[0]!.draw;
    expect(t.width * 2 + 4).to.be.at.most(1280);
    const left = { x: t.x + 10, y: t.y + 10, width: t.width / 4, height: t.height - 20 };
    const right = { ...left, x: t.x + Math.round((t.width * 3) / 4) - 10 };
    const checks = (want: Yuv): void => {
      const l = meanOf(comp.image, left);
      const r = meanOf(comp.image, right);
      expect(closeYuv(l, bt601(220, 40, 40)), `left ${fmt(l)}`).to.equal(true);
      expect(closeYuv(r, want), `right ${fmt(r)}`).to.equal(true);
    };
    checks(bt601(40, 200, 60));
    await comp.offer('a', draw('rgb(230,200,30)'));
    expect(comp.compose().changed).to.equal(true);
    checks(bt601(230, 200, 30));
    comp.close();
  });

  it('brings a BT.709 frame to BT.601: the same colour, not the same numbers', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([stage]);
    const rgb: [number, number, number] = [40, 200, 60];
    const hd: VideoColorSpaceInit = {
      matrix: 'bt709',
      primaries: 'bt709',
      transfer: 'bt709',
      fullRange: false,
    };
    await comp.offer('stage', solidYuvFrame(bt709(...rgb), 1920, 1080, 'I420', hd));
    comp.compose();
    const got = meanOf(comp.image, inner(comp.currentLayout().stage!.draw));
    expect(closeYuv(got, bt601(...rgb), 2), fmt(got)).to.equal(true);
    comp.close();
  });

  it('draws a format no buffer path reads (I444) through the canvas-2D fallback', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([cam('a')]);
    const want = bt601(220, 40, 40);
    await comp.offer('a', solidYuvFrame(want, 640, 360, 'I444'));
    expect(comp.compose().draws).to.equal(1);
    expect(comp.pathOf('a')).to.equal('canvas');
    const got = meanOf(comp.image, inner(comp.currentLayout().webcams[0]!.draw));
    // Canvas 2D goes through RGB (and its own rounding): a little looser.
    expect(closeYuv(got, want, 4), fmt(got)).to.equal(true);
    comp.close();
  });

  it('reads every picture through canvas 2D when asked to (the fallback as a whole)', async () => {
    const comp = new I420Compositor(1920, 1080, { canvasOnly: true });
    comp.setSources([stage, cam('a')]);
    await comp.offer('stage', solidRgbFrame('rgb(30,60,200)', 1920, 1080));
    await comp.offer('a', solidYuvFrame(bt601(40, 200, 60), 1280, 720, 'NV12'));
    comp.compose();
    expect([comp.pathOf('stage'), comp.pathOf('a')]).to.deep.equal(['canvas', 'canvas']);
    const layout = comp.currentLayout();
    const s = meanOf(comp.image, inner(layout.stage!.draw));
    const a = meanOf(comp.image, inner(layout.webcams[0]!.draw));
    expect(closeYuv(s, bt601(30, 60, 200), 4), fmt(s)).to.equal(true);
    expect(closeYuv(a, bt601(40, 200, 60), 4), fmt(a)).to.equal(true);
    comp.close();
  });

  it('an RGB picture that did not change writes nothing; a change writes only its rows', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([stage]);
    await comp.offer('stage', solidRgbFrame('rgb(30,60,200)', 1920, 1080));
    comp.compose();
    await comp.offer('stage', solidRgbFrame('rgb(30,60,200)', 1920, 1080));
    expect(comp.compose()).to.deep.equal({ draws: 0, relayout: false, changed: false });
    // A band changes: it shows, and the rest stays.
    const c = new OffscreenCanvas(1920, 1080);
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = 'rgb(30,60,200)';
    ctx.fillRect(0, 0, 1920, 1080);
    ctx.fillStyle = 'rgb(250,250,250)';
    ctx.fillRect(0, 500, 1920, 80);
    await comp.offer('stage', new VideoFrame(c, { timestamp: 0 }));
    expect(comp.compose().changed).to.equal(true);
    const band = meanOf(comp.image, { x: 100, y: 540, width: 400, height: 10 });
    expect(closeYuv(band, bt601(250, 250, 250), 2), fmt(band)).to.equal(true);
    const top = meanOf(comp.image, { x: 100, y: 100, width: 400, height: 100 });
    expect(closeYuv(top, bt601(30, 60, 200), 2), fmt(top)).to.equal(true);
    comp.close();
  });

  it('relayouts when a source leaves: the frame is cleared and kept pictures are written again', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([stage, cam('a')]);
    await comp.offer('stage', solidRgbFrame('rgb(30,60,200)', 1920, 1080));
    await comp.offer('a', solidYuvFrame(bt601(220, 40, 40), 640, 360));
    comp.compose();
    const before = comp.currentLayout().stage!.draw;
    comp.setSources([stage]);
    const report = comp.compose();
    expect(report.relayout).to.equal(true);
    // The stage's pixels are kept and written again at its new, full-frame size.
    expect(report.draws).to.equal(1);
    const after = comp.currentLayout().stage!.draw;
    expect(after.width).to.be.greaterThan(before.width);
    const right = meanOf(comp.image, { x: 1800, y: 500, width: 100, height: 80 });
    expect(closeYuv(right, bt601(30, 60, 200), 2), fmt(right)).to.equal(true);
    comp.close();
  });

  it('writes every camera with a new picture in every frame (no round robin)', async () => {
    const comp = new I420Compositor(1920, 1080);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    comp.setSources(ids.map((id) => cam(id)));
    for (let t = 0; t < 3; t++) {
      const colour = bt601(40 + 60 * t, 200 - 50 * t, 60);
      await Promise.all(ids.map((id) => comp.offer(id, solidYuvFrame(colour, 1280, 720))));
      expect(comp.compose().draws).to.equal(5);
      for (const tile of comp.currentLayout().webcams) {
        const got = meanOf(comp.image, inner(tile.draw));
        expect(closeYuv(got, colour), `${tile.id} at ${t}: ${fmt(got)}`).to.equal(true);
      }
    }
    comp.close();
  });

  it('leaves a zero-size source out until its first picture tells its size', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([{ ...cam('a'), width: 0, height: 0 }, cam('b')]);
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['b']);
    await comp.offer('a', solidYuvFrame(bt601(220, 40, 40), 320, 240));
    comp.compose();
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['a', 'b']);
    comp.close();
  });

  it('lays webcams out in the order the page gives, also after a reorder', () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([cam('a'), cam('b'), cam('c')]);
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['a', 'b', 'c']);
    comp.setSources([cam('c'), cam('a')]);
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['c', 'a']);
    expect(comp.currentLayout()).to.deep.equal(
      computeLayout({ stage: null, webcams: [cam('c'), cam('a')] }),
    );
    comp.close();
  });

  it('a picture offered for a source that left is closed', async () => {
    const comp = new I420Compositor(1920, 1080);
    comp.setSources([cam('a')]);
    const f = solidYuvFrame(bt601(1, 2, 3), 64, 36);
    await comp.offer('gone', f);
    expect(closed(f)).to.equal(true);
    comp.close();
  });
});

/** Encodes one frame as H.264 High and decodes it again. */
async function roundTrip(frame: VideoFrame): Promise<VideoFrame> {
  const chunks: EncodedVideoChunk[] = [];
  let config: VideoDecoderConfig | undefined;
  const enc = new VideoEncoder({
    output: (c, meta) => {
      chunks.push(c);
      config ??= meta?.decoderConfig;
    },
    error: (e) => {
      throw e;
    },
  });
  enc.configure({
    codec: 'avc1.640028',
    width: frame.codedWidth,
    height: frame.codedHeight,
    bitrate: 6e6,
    framerate: 30,
    avc: { format: 'avc' },
  });
  enc.encode(frame, { keyFrame: true });
  await enc.flush();
  enc.close();
  const out: VideoFrame[] = [];
  const dec = new VideoDecoder({
    output: (f) => out.push(f),
    error: (e) => {
      throw e;
    },
  });
  dec.configure(config!);
  for (const c of chunks) dec.decode(c);
  await dec.flush();
  dec.close();
  return out[0]!;
}
