import { expect } from '@esm-bundle/chai';
import { Compositor } from '../../../src/media/compositor.js';
import type { SourceDesc } from '../../../src/media/protocol.js';

function frame(rgb: string, width = 640, height = 360): VideoFrame {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = rgb;
  ctx.fillRect(0, 0, width, height);
  return new VideoFrame(c, { timestamp: 0 });
}

async function bitmap(rgb: string, width = 1920, height = 1080): Promise<ImageBitmap> {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = rgb;
  ctx.fillRect(0, 0, width, height);
  return c.transferToImageBitmap();
}

const closed = (f: VideoFrame): boolean => f.format === null;

function pixel(comp: Compositor, x: number, y: number): number[] {
  return [...comp.canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3)];
}

const cam = (id: string): SourceDesc => ({
  id,
  role: 'webcam',
  kind: 'stream',
  width: 640,
  height: 360,
});
const stage: SourceDesc = { id: 'stage', role: 'stage', kind: 'push', width: 1920, height: 1080 };

describe('Compositor', () => {
  it('draws a source only when it has a new picture, and closes camera frames once drawn', async () => {
    const comp = new Compositor(1920, 1080);
    comp.setSources([stage, cam('a'), cam('b')]);
    comp.offer('stage', await bitmap('rgb(0,0,255)'));
    const fa = frame('rgb(255,0,0)');
    const fb = frame('rgb(0,255,0)');
    comp.offer('a', fa);
    comp.offer('b', fb);
    expect(comp.compose().draws).to.equal(3);
    expect(closed(fa) && closed(fb)).to.equal(true);
    // Nothing new: nothing drawn, the composite stays.
    expect(comp.compose().draws).to.equal(0);
    const layout = comp.currentLayout();
    const a = layout.webcams[0]!.draw;
    expect(pixel(comp, a.x + a.width / 2, a.y + a.height / 2)).to.deep.equal([255, 0, 0]);
    comp.offer('b', frame('rgb(0,255,0)'));
    expect(comp.compose().draws).to.equal(1);
    comp.close();
  });

  it('a newer frame replaces (and closes) one not drawn yet', () => {
    const comp = new Compositor(1920, 1080);
    comp.setSources([cam('a')]);
    const first = frame('rgb(255,0,0)');
    comp.offer('a', first);
    comp.offer('a', frame('rgb(0,255,0)'));
    expect(closed(first)).to.equal(true);
    expect(comp.compose().draws).to.equal(1);
    comp.close();
  });

  it('relayouts when a source leaves: the frame is cleared and kept pictures redrawn', async () => {
    const comp = new Compositor(1920, 1080);
    comp.setSources([stage, cam('a')]);
    comp.offer('stage', await bitmap('rgb(0,0,255)'));
    comp.offer('a', frame('rgb(255,0,0)'));
    comp.compose();
    const before = comp.currentLayout().stage!.draw;
    comp.setSources([stage]);
    const report = comp.compose();
    expect(report.relayout).to.equal(true);
    // The stage's bitmap is kept and redrawn at its new, full-frame size.
    expect(report.draws).to.equal(1);
    const after = comp.currentLayout().stage!.draw;
    expect(after.width).to.be.greaterThan(before.width);
    expect(pixel(comp, 1900, 540)).to.deep.equal([0, 0, 255]);
    comp.close();
  });

  it('under a draw budget, draws the longest-waiting sources first and every tile keeps moving', () => {
    const comp = new Compositor(1920, 1080);
    const ids = ['a', 'b', 'c', 'd'];
    comp.setSources(ids.map(cam));
    ids.forEach((id) => comp.offer(id, frame('rgb(255,0,0)')));
    comp.compose();
    // A slow compose halves nothing at once: one source fewer per frame, down to 1.
    for (let i = 0; i < 10; i++) comp.adapt(100, 16);
    expect(comp.drawBudget).to.equal(1);
    const drawnPerTick: number[] = [];
    for (let t = 0; t < 4; t++) {
      ids.forEach((id) => comp.offer(id, frame('rgb(0,255,0)')));
      const r = comp.compose();
      drawnPerTick.push(r.draws);
      expect(r.waiting).to.equal(3);
    }
    expect(drawnPerTick).to.deep.equal([1, 1, 1, 1]);
    // Round robin: after four frames every tile shows its new (green) picture.
    for (const tile of comp.currentLayout().webcams) {
      expect(
        pixel(comp, tile.draw.x + tile.draw.width / 2, tile.draw.y + tile.draw.height / 2),
      ).to.deep.equal([0, 255, 0]);
    }
    for (let i = 0; i < 10; i++) comp.adapt(1, 16);
    expect(comp.drawBudget).to.be.greaterThan(4);
    comp.close();
  });

  it('leaves a zero-size source out until its first picture tells its size', () => {
    const comp = new Compositor(1920, 1080);
    comp.setSources([{ ...cam('a'), width: 0, height: 0 }, cam('b')]);
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['b']);
    comp.offer('a', frame('rgb(255,0,0)', 320, 240));
    comp.compose();
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['a', 'b']);
    comp.close();
  });

  it('lays webcams out in the order the page gives, also after a reorder', () => {
    const comp = new Compositor(1920, 1080);
    comp.setSources([cam('a'), cam('b'), cam('c')]);
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['a', 'b', 'c']);
    comp.setSources([cam('c'), cam('a')]);
    expect(comp.currentLayout().webcams.map((t) => t.id)).to.deep.equal(['c', 'a']);
    comp.close();
  });
});
