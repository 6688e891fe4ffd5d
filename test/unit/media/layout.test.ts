import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  fitContain,
  gridSlots,
  MAX_WEBCAMS,
  type Rect,
  type WebcamSize,
} from '../../../src/media/layout.js';

/** Whether two rectangles overlap (shared edges do not count). */
function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

const FRAME: Rect = { x: 0, y: 0, width: 1920, height: 1080 };
const cams = (n: number, w = 1280, h = 720): WebcamSize[] =>
  Array.from({ length: n }, (_, i) => ({ id: `cam${i}`, width: w, height: h }));

function inside(inner: Rect, outer: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

describe('fitContain', () => {
  it('letterboxes a 16:9 picture in a 4:3 box, centred', () => {
    expect(
      fitContain({ width: 1600, height: 900 }, { x: 0, y: 0, width: 400, height: 300 }),
    ).toEqual({ x: 0, y: 37, width: 400, height: 225 });
  });
  it('pillarboxes a portrait picture', () => {
    const r = fitContain({ width: 720, height: 1280 }, { x: 100, y: 0, width: 1920, height: 1080 });
    expect(r.height).toBe(1080);
    expect(r.width).toBe(608);
    expect(r.x).toBe(100 + Math.floor((1920 - 608) / 2));
  });
  it('rejects an empty source', () => {
    expect(() => fitContain({ width: 0, height: 720 }, FRAME)).toThrow(/empty/);
  });
});

describe('gridSlots', () => {
  it('gives no slots for no items', () => {
    expect(gridSlots(0, FRAME)).toEqual([]);
  });
  it('puts four cells in a 2x2 grid of a 16:9 area', () => {
    const s = gridSlots(4, FRAME, 0);
    expect(s.map((r) => [r.x, r.y])).toEqual([
      [0, 0],
      [960, 0],
      [0, 540],
      [960, 540],
    ]);
  });
});

describe('computeLayout', () => {
  it('stage alone fills the frame', () => {
    const l = computeLayout({ stage: { width: 1920, height: 1080 }, webcams: [] });
    expect(l.stage?.draw).toEqual(FRAME);
    expect(l.webcams).toEqual([]);
  });

  it('stage with three webcams: stage large on the left, webcams in a strip on the right', () => {
    const l = computeLayout({ stage: { width: 1920, height: 1080 }, webcams: cams(3) });
    const stage = l.stage!;
    expect(stage.draw.x).toBe(0);
    expect(stage.draw.width).toBeGreaterThanOrEqual(1400);
    for (const w of l.webcams) {
      expect(w.slot.x).toBeGreaterThanOrEqual(stage.slot.x + stage.slot.width);
      expect(w.draw.width / w.draw.height).toBeCloseTo(16 / 9, 1);
    }
    // A single column strip: same x, increasing y.
    expect(new Set(l.webcams.map((w) => w.slot.x)).size).toBe(1);
    expect(l.webcams.map((w) => w.id)).toEqual(['cam0', 'cam1', 'cam2']);
  });

  it('webcams alone: a grid over the whole frame', () => {
    const l = computeLayout({ stage: null, webcams: cams(4) });
    expect(l.stage).toBeNull();
    expect(l.webcams).toHaveLength(4);
    expect(l.webcams[0]!.draw.width).toBeGreaterThan(900);
  });

  it('leaves zero-size sources out, so they leave no hole', () => {
    const l = computeLayout({
      stage: { width: 0, height: 0 },
      webcams: [...cams(2), { id: 'empty', width: 0, height: 0 }],
    });
    expect(l.stage).toBeNull();
    expect(l.webcams.map((w) => w.id)).toEqual(['cam0', 'cam1']);
  });

  it('keeps at most 25 webcams', () => {
    const l = computeLayout({ stage: null, webcams: cams(30) });
    expect(l.webcams).toHaveLength(MAX_WEBCAMS);
  });

  for (const stage of [null, { width: 1920, height: 1080 }, { width: 1024, height: 768 }]) {
    for (const n of [0, 1, 2, 3, 4, 5, 7, 9, 12, 13, 16, 20, 25]) {
      it(`${n} webcams ${stage ? `with a ${stage.width}x${stage.height} stage` : 'alone'}: in frame, no overlap, aspect kept`, () => {
        const mixed = cams(n).map((c, i) => (i % 3 === 2 ? { ...c, width: 640, height: 480 } : c));
        const l = computeLayout({ stage, webcams: mixed });
        const tiles = [...(l.stage ? [l.stage] : []), ...l.webcams];
        expect(tiles).toHaveLength(n + (stage ? 1 : 0));
        for (const t of tiles) {
          expect(inside(t.slot, FRAME)).toBe(true);
          expect(inside(t.draw, t.slot)).toBe(true);
          expect(t.draw.width).toBeGreaterThan(0);
          expect(Number.isInteger(t.draw.x + t.draw.y + t.draw.width + t.draw.height)).toBe(true);
        }
        for (let i = 0; i < tiles.length; i++) {
          for (let j = i + 1; j < tiles.length; j++) {
            expect(overlaps(tiles[i]!.slot, tiles[j]!.slot)).toBe(false);
          }
        }
        mixed.forEach((c, i) => {
          const d = l.webcams[i]!.draw;
          // Rounding to whole pixels moves the ratio by at most a pixel's worth.
          expect(Math.abs(d.width / d.height - c.width / c.height)).toBeLessThan(
            (c.width / c.height) * (2 / d.height) + 0.01,
          );
        });
        if (stage && l.stage) {
          const d = l.stage.draw;
          expect(Math.abs(d.width / d.height - stage.width / stage.height)).toBeLessThan(0.01);
          // The stage stays the largest picture.
          for (const w of l.webcams)
            expect(d.width * d.height).toBeGreaterThan(w.draw.width * w.draw.height);
        }
      });
    }
  }
});
