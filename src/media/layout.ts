/**
 * Where each source goes in the recorded frame. Pure: no DOM, no media, so the main thread
 * (to size camera tracks) and the worker (to draw) compute the same rectangles.
 */

/** An axis-aligned rectangle in frame pixels (integers). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A source's intrinsic size; 0 means not known yet. */
export interface SourceSize {
  width: number;
  height: number;
}

/** A webcam to place: `id` ties the tile back to its source. */
export interface WebcamSize extends SourceSize {
  id: string;
}

/** One placed source: `slot` is its cell, `draw` the picture letterboxed inside it. */
export interface Tile {
  id: string;
  slot: Rect;
  draw: Rect;
}

export interface Layout {
  stage: Tile | null;
  webcams: Tile[];
}

export interface LayoutInput {
  stage: SourceSize | null;
  webcams: WebcamSize[];
}

/** The id the stage's tile carries. */
export const STAGE_ID = 'stage';

/** Webcams beyond this are left out of the picture (their audio still records). */
export const MAX_WEBCAMS = 25;

/** Pixels between tiles. */
export const GAP = 8;

const CELL_ASPECT = 16 / 9;

/**
 * The largest rectangle with the source's aspect ratio that fits `box`, centred in it
 * (letterbox or pillarbox): pictures are never stretched.
 *
 * @throws RangeError if the source has no size.
 */
export function fitContain(source: SourceSize, box: Rect): Rect {
  if (!(source.width > 0 && source.height > 0)) {
    throw new RangeError(`fitContain: source size ${source.width}x${source.height} is empty`);
  }
  const scale = Math.min(box.width / source.width, box.height / source.height);
  const width = Math.max(1, Math.round(source.width * scale));
  const height = Math.max(1, Math.round(source.height * scale));
  return {
    x: box.x + Math.floor((box.width - width) / 2),
    y: box.y + Math.floor((box.height - height) / 2),
    width,
    height,
  };
}

/** Whether a source has a usable size (zero-size sources are left out until they have one). */
export function hasSize(s: SourceSize | null): s is SourceSize {
  return s !== null && s.width > 0 && s.height > 0;
}

/**
 * `count` equal 16:9 cells in `area`, in rows, choosing the column count that makes the cells
 * largest, and centring the grid in the area.
 */
export function gridSlots(count: number, area: Rect, gap = GAP): Rect[] {
  if (count <= 0) return [];
  let best = { cols: 1, rows: count, w: 0, h: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const cellW = (area.width - gap * (cols - 1)) / cols;
    const cellH = (area.height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    // The cell shrinks to 16:9 so that the grid can be centred without gaps inside it.
    const w = Math.min(cellW, cellH * CELL_ASPECT);
    const h = w / CELL_ASPECT;
    if (w * h > best.w * best.h) best = { cols, rows, w, h };
  }
  const w = Math.floor(best.w);
  const h = Math.floor(best.h);
  const gridH = best.rows * h + (best.rows - 1) * gap;
  const top = area.y + Math.floor((area.height - gridH) / 2);
  const slots: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / best.cols);
    // The last row may be short; centre it too.
    const inRow = Math.min(best.cols, count - row * best.cols);
    const rowW = inRow * w + (inRow - 1) * gap;
    const left = area.x + Math.floor((area.width - rowW) / 2);
    const col = i - row * best.cols;
    slots.push({ x: left + col * (w + gap), y: top + row * (h + gap), width: w, height: h });
  }
  return slots;
}

/** Width of the webcam panel beside the stage, growing with the number of webcams. */
function panelWidth(count: number, frame: SourceSize): number {
  if (count <= 4) return Math.round(frame.width * 0.25);
  if (count <= 12) return Math.round(frame.width * 0.33);
  return Math.round(frame.width * 0.42);
}

/**
 * Places the stage and the webcams in a frame (1920x1080 by default).
 *
 * - Stage and webcams: the stage fills the left part, the webcams a strip or grid on the right.
 * - Stage alone: the stage fills the frame.
 * - Webcams alone: a grid over the whole frame.
 *
 * Sources without a size (0x0, e.g. a video before its metadata) are left out, so they leave
 * no hole; webcams beyond {@link MAX_WEBCAMS} are left out too. Every picture keeps its aspect
 * ratio ({@link fitContain}).
 */
export function computeLayout(
  input: LayoutInput,
  frame: SourceSize = { width: 1920, height: 1080 },
): Layout {
  const webcams = input.webcams.filter(hasSize).slice(0, MAX_WEBCAMS);
  const stage = hasSize(input.stage) ? input.stage : null;
  const whole: Rect = { x: 0, y: 0, width: frame.width, height: frame.height };
  const place = (id: string, size: SourceSize, slot: Rect): Tile => ({
    id,
    slot,
    draw: fitContain(size, slot),
  });

  if (!stage) {
    const slots = gridSlots(webcams.length, inset(whole, GAP));
    return { stage: null, webcams: webcams.map((w, i) => place(w.id, w, slots[i]!)) };
  }
  if (webcams.length === 0) {
    return { stage: place(STAGE_ID, stage, whole), webcams: [] };
  }
  const pw = panelWidth(webcams.length, frame);
  const stageSlot: Rect = { x: 0, y: 0, width: frame.width - pw - GAP, height: frame.height };
  const panel = inset({ x: frame.width - pw, y: 0, width: pw, height: frame.height }, GAP, 0);
  const slots = gridSlots(webcams.length, panel);
  return {
    stage: place(STAGE_ID, stage, stageSlot),
    webcams: webcams.map((w, i) => place(w.id, w, slots[i]!)),
  };
}

function inset(r: Rect, dy: number, dx = dy): Rect {
  return { x: r.x + dx, y: r.y + dy, width: r.width - 2 * dx, height: r.height - 2 * dy };
}
