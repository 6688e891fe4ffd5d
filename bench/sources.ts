/**
 * The benchmark's sources: pictures that are pure functions of a frame number, each carrying
 * that number in a barcode, so the benchmark can tell which source frame every tile of a
 * recorded frame shows and render the exact reference picture for it (SSIM, PSNR), and count
 * how often each tile really changed (delivered frames per source).
 *
 * Used by the recording page (live canvases, drawn on timers), by the reference renderer (the
 * same drawing at a given frame number) and by the fake-camera generator (the camera's Y4M
 * file is rendered from `camera` pictures).
 */

/** What a picture looks like. */
export type PictureKind = 'slides' | 'face' | 'busy' | 'camera';

/** One source of a bench room. */
export interface SourceSpec {
  id: string;
  role: 'stage' | 'webcam';
  kind: PictureKind;
  width: number;
  height: number;
  /** Pictures per second the source makes. */
  rate: number;
  /** Varies the colours between sources of one kind. */
  seed: number;
  /** `canvas`: a canvas drawn on a page timer; `camera`: the fake camera (the Y4M file). */
  via: 'canvas' | 'camera';
}

/** Frame numbers wrap here (12 bits in the barcode). */
export const FRAME_MODULO = 4096;
/** Pictures in the fake camera's looping Y4M file (4 s at 30 fps). */
export const CAMERA_FRAMES = 120;
export const CAMERA_WIDTH = 1280;
export const CAMERA_HEIGHT = 720;

/**
 * The barcode: 16 square cells along the bottom-left edge: white, black (sync), 12 bits of the
 * frame number (most significant first), then the parity of the even and of the odd bits.
 * A cell is 1/18 of the picture's height, about 14 px once a 720p camera is scaled into a
 * webcam tile.
 */
export const BARCODE_CELLS = 16;

/** Cell size in source pixels. */
export function barcodeCell(height: number): number {
  return Math.round(height / 18);
}

/** The 16 cells (true = white) that encode `n`. */
export function barcodeBits(n: number): boolean[] {
  const v = ((n % FRAME_MODULO) + FRAME_MODULO) % FRAME_MODULO;
  const data: boolean[] = [];
  for (let b = 11; b >= 0; b--) data.push(((v >> b) & 1) === 1);
  const even = data.filter((_, i) => i % 2 === 0).filter(Boolean).length % 2 === 1;
  const odd = data.filter((_, i) => i % 2 === 1).filter(Boolean).length % 2 === 1;
  return [true, false, ...data, even, odd];
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

function drawBarcode(ctx: Ctx2D, n: number, height: number): void {
  const c = barcodeCell(height);
  barcodeBits(n).forEach((white, i) => {
    ctx.fillStyle = white ? '#ffffff' : '#000000';
    ctx.fillRect(i * c, height - c, c, c);
  });
}

const SLIDES = [
  ['Welcome to the weekly class', 'Recorded in the host’s browser'],
  ['Composition', 'Stage and webcams, never the names over them'],
  ['Encoding', 'WebCodecs H.264 High, 1920×1080, 30 fps'],
  ['Storage', 'Journaled in IndexedDB, uploaded to S3 while recording'],
] as const;

/** The demo's slide deck (demo/sources.ts), as a function of its frame number at 30 fps. */
function slides(ctx: Ctx2D, n: number, w: number, h: number): void {
  const k = w / 1920;
  const t = n / 30;
  const [title, body] = SLIDES[Math.floor(t / 8) % SLIDES.length]!;
  ctx.fillStyle = '#0f2440';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#1d4f91';
  ctx.fillRect(0, 0, w, 160 * k);
  ctx.fillStyle = '#ffffff';
  ctx.font = `bold ${Math.round(72 * k)}px sans-serif`;
  ctx.fillText(title, 80 * k, 110 * k);
  ctx.font = `${Math.round(48 * k)}px sans-serif`;
  ctx.fillText(body, 80 * k, 320 * k);
  ctx.fillStyle = '#f5a623';
  ctx.beginPath();
  ctx.arc((80 + ((t * 240) % 1760)) * k, 700 * k, 40 * k, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#9fb8d8';
  ctx.font = `${Math.round(40 * k)}px monospace`;
  ctx.fillText(`t = ${t.toFixed(1)} s`, 500 * k, 1000 * k);
}

/** The demo's animated stand-in for a participant's camera, at its frame number (15 fps). */
function face(ctx: Ctx2D, n: number, w: number, h: number, hue: number): void {
  const k = w / 640;
  const t = n / 15;
  ctx.fillStyle = `hsl(${hue}, 35%, 28%)`;
  ctx.fillRect(0, 0, w, h);
  const bob = Math.sin(t * 2 + hue) * 10 * k;
  ctx.fillStyle = `hsl(${hue}, 45%, 70%)`;
  ctx.beginPath();
  ctx.arc(320 * k, 150 * k + bob, 70 * k, 0, Math.PI * 2);
  ctx.fill();
  ctx.beginPath();
  ctx.ellipse(320 * k, 340 * k + bob, 150 * k, 110 * k, 0, Math.PI, 0);
  ctx.fill();
}

/** A busy picture: gradient, moving discs and text, all changing every frame. */
function busy(ctx: Ctx2D, n: number, w: number, h: number, hue: number): void {
  const g = ctx.createLinearGradient(0, 0, w, h);
  g.addColorStop(0, `hsl(${(hue + n) % 360},70%,40%)`);
  g.addColorStop(1, `hsl(${(hue + n + 120) % 360},70%,20%)`);
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  for (let d = 0; d < 6; d++) {
    ctx.beginPath();
    ctx.arc((n * (3 + d) * 4 * (w / 1280)) % w, (h / 7) * (d + 1), h / 14, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.font = `${Math.round(h / 10)}px sans-serif`;
  ctx.fillText(`frame ${n}`, w / 10, h / 2);
}

/**
 * A camera-like picture: a lit wall with a shelf of books (fine detail that never moves), a
 * person who sways, and a slowly panning patterned poster.
 */
function camera(ctx: Ctx2D, n: number, w: number, h: number): void {
  const k = w / 1280;
  const t = n / 30;
  const wall = ctx.createRadialGradient(w * 0.3, h * 0.2, 10 * k, w * 0.5, h * 0.5, w * 0.8);
  wall.addColorStop(0, '#d9cbb0');
  wall.addColorStop(1, '#6d604c');
  ctx.fillStyle = wall;
  ctx.fillRect(0, 0, w, h);
  for (let i = 0; i < 40; i++) {
    ctx.fillStyle = `hsl(${(i * 47) % 360}, 45%, ${30 + ((i * 13) % 35)}%)`;
    ctx.fillRect((760 + i * 12) * k, (90 + ((i * 7) % 20)) * k, 10 * k, (110 - ((i * 7) % 20)) * k);
  }
  ctx.fillStyle = '#4a3423';
  ctx.fillRect(740 * k, 200 * k, 500 * k, 14 * k);
  // The poster: a checker pattern that pans a pixel a frame.
  const px = 80 * k;
  const py = 80 * k;
  const cell = 12 * k;
  for (let r = 0; r < 14; r++) {
    for (let c = 0; c < 20; c++) {
      const odd = (r + c + Math.floor(n / 4)) % 2 === 1;
      ctx.fillStyle = odd ? '#203a5c' : '#e8e1cf';
      ctx.fillRect(px + c * cell, py + r * cell, cell, cell);
    }
  }
  const sway = Math.sin(t * 1.3) * 60 * k;
  ctx.fillStyle = '#2f4f6f';
  ctx.beginPath();
  ctx.ellipse(640 * k + sway, 690 * k, 260 * k, 220 * k, 0, Math.PI, 0);
  ctx.fill();
  ctx.fillStyle = '#e0b394';
  ctx.beginPath();
  ctx.ellipse(640 * k + sway * 1.1, 360 * k, 105 * k, 135 * k, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#3b2a1e';
  ctx.beginPath();
  ctx.ellipse(640 * k + sway * 1.1, 280 * k, 110 * k, 70 * k, 0, Math.PI, 0);
  ctx.fill();
  ctx.fillStyle = '#000';
  ctx.font = `${Math.round(28 * k)}px monospace`;
  ctx.fillText(`cam ${String(n).padStart(3, '0')}`, 1080 * k, 660 * k);
}

/** Draws picture `n` of a source (its barcode included) on a `w` x `h` context. */
export function drawPicture(
  ctx: Ctx2D,
  kind: PictureKind,
  n: number,
  w: number,
  h: number,
  seed = 0,
): void {
  const m = ((n % FRAME_MODULO) + FRAME_MODULO) % FRAME_MODULO;
  switch (kind) {
    case 'slides':
      slides(ctx, m, w, h);
      break;
    case 'face':
      face(ctx, m, w, h, seed);
      break;
    case 'busy':
      busy(ctx, m, w, h, seed);
      break;
    case 'camera':
      camera(ctx, m % CAMERA_FRAMES, w, h);
      break;
  }
  drawBarcode(ctx, kind === 'camera' ? m % CAMERA_FRAMES : m, h);
}

/** The rooms the benchmark records. */
export type RoomName = 'demo' | 'camera' | 'canvas' | 'av';

const stage = (kind: PictureKind): SourceSpec => ({
  id: 'stage',
  role: 'stage',
  kind,
  width: 1920,
  height: 1080,
  rate: 30,
  seed: 0,
  via: 'canvas',
});
const cam = (i: number): SourceSpec => ({
  id: `cam-${i}`,
  role: 'webcam',
  kind: 'camera',
  width: CAMERA_WIDTH,
  height: CAMERA_HEIGHT,
  rate: 30,
  seed: 0,
  via: 'camera',
});
const faceCam = (i: number): SourceSpec => ({
  id: `cam-${i}`,
  role: 'webcam',
  kind: 'face',
  width: 640,
  height: 360,
  rate: 15,
  seed: 40 + i * 80,
  via: 'canvas',
});
const busyCam = (i: number): SourceSpec => ({
  id: `cam-${i}`,
  role: 'webcam',
  kind: 'busy',
  width: 1280,
  height: 720,
  rate: 30,
  seed: i * 70,
  via: 'canvas',
});

/**
 * - `demo`: the demo room's sources (demo/sources.ts): a 1080p slide deck at 30 fps, the
 *   fake 720p camera and three 640x360 animated canvases at 15 fps, and four quiet tones.
 * - `camera`: a slide-deck stage and four fake 720p cameras.
 * - `canvas`: a busy 1080p canvas stage and three busy 720p canvases, all at 30 fps.
 * - `av`: the demo room with a stage that flashes and a beep at the same instants, once a
 *   second (the A/V sync and upload-path recordings).
 */
export const ROOMS: Record<RoomName, { sources: SourceSpec[]; tones: number[] }> = {
  demo: {
    sources: [stage('slides'), cam(0), faceCam(1), faceCam(2), faceCam(3)],
    tones: [220, 330, 440, 550],
  },
  camera: { sources: [stage('slides'), cam(0), cam(1), cam(2), cam(3)], tones: [440] },
  canvas: { sources: [stage('busy'), busyCam(1), busyCam(2), busyCam(3)], tones: [440] },
  av: { sources: [stage('slides'), cam(0), faceCam(1), faceCam(2), faceCam(3)], tones: [] },
};
