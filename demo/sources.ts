/**
 * The demo room's synthetic media: an animated slide deck for the stage, webcams (the fake
 * camera when the browser has one, animated canvases otherwise) and audio (the fake
 * microphone, or quiet tones).
 */
import { every } from './ticker.js';

const SLIDES = [
  { title: 'Welcome to the weekly class', body: 'Recorded in the host’s browser' },
  { title: 'Composition', body: 'Stage and webcams, never the names over them' },
  { title: 'Encoding', body: 'WebCodecs H.264 High, 1920×1080, 30 fps' },
  { title: 'Storage', body: 'Journaled in IndexedDB, uploaded to S3 while recording' },
];

/** A drawn source: its canvas, how many frames it has drawn, and how to stop it. */
export interface DrawnSource {
  canvas: HTMLCanvasElement;
  /** Frames drawn so far (for the per-source frame rates of the headless run). */
  frames: () => number;
  stop: () => void;
}

/** A 1920x1080 canvas showing a slide deck that animates (so every frame differs a little). */
export function createSlideDeck(): DrawnSource {
  const canvas = document.createElement('canvas');
  canvas.width = 1920;
  canvas.height = 1080;
  const ctx = canvas.getContext('2d')!;
  const started = performance.now();
  let frames = 0;
  const draw = () => {
    frames++;
    const t = (performance.now() - started) / 1000;
    const slide = SLIDES[Math.floor(t / 8) % SLIDES.length]!;
    ctx.fillStyle = '#0f2440';
    ctx.fillRect(0, 0, 1920, 1080);
    ctx.fillStyle = '#1d4f91';
    ctx.fillRect(0, 0, 1920, 160);
    ctx.fillStyle = '#ffffff';
    ctx.font = 'bold 72px sans-serif';
    ctx.fillText(slide.title, 80, 110);
    ctx.font = '48px sans-serif';
    ctx.fillText(slide.body, 80, 320);
    // A moving marker and a clock, so the recording visibly advances.
    const x = 80 + ((t * 240) % 1760);
    ctx.fillStyle = '#f5a623';
    ctx.beginPath();
    ctx.arc(x, 700, 40, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#9fb8d8';
    ctx.font = '40px monospace';
    ctx.fillText(`t = ${t.toFixed(1)} s`, 80, 1000);
  };
  draw();
  // A worker's timer, not requestAnimationFrame nor the page's own timer, so the slide keeps
  // moving in a background tab (see ticker.ts).
  const stop = every(1000 / 30, draw);
  return { canvas, frames: () => frames, stop };
}

/** An animated stand-in for a participant's camera. */
export function createCanvasWebcam(hue: number): DrawnSource {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const ctx = canvas.getContext('2d')!;
  const started = performance.now();
  let frames = 0;
  const draw = () => {
    frames++;
    const t = (performance.now() - started) / 1000;
    ctx.fillStyle = `hsl(${hue}, 35%, 28%)`;
    ctx.fillRect(0, 0, 640, 360);
    const bob = Math.sin(t * 2 + hue) * 10;
    ctx.fillStyle = `hsl(${hue}, 45%, 70%)`;
    ctx.beginPath();
    ctx.arc(320, 150 + bob, 70, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.ellipse(320, 340 + bob, 150, 110, 0, Math.PI, 0);
    ctx.fill();
  };
  draw();
  const stop = every(1000 / 15, draw);
  return { canvas, frames: () => frames, stop };
}

/**
 * The browser's camera and microphone (the fake ones in tests), or null when there is none,
 * it is refused, or the page is not a secure context (plain http to a LAN address has no
 * `navigator.mediaDevices`). 720p on a page that records it itself; 360p on the others, whose
 * camera is only ever a tile (what meetings send for one), so a phone or a small machine in
 * the room spends less on it.
 */
export async function openCamera(
  size: { width: number; height: number } = { width: 1280, height: 720 },
): Promise<MediaStream | null> {
  if (!navigator.mediaDevices?.getUserMedia) return null;
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: { ...size, frameRate: 30 },
      audio: true,
    });
  } catch {
    return null;
  }
}

/**
 * A smaller copy of a canvas, redrawn `fps` times a second, to send where the full size is not
 * needed: a frame sent from a canvas is a readback of all its pixels on the main thread.
 */
export function createPreview(
  source: HTMLCanvasElement,
  width: number,
  height: number,
  fps: number,
): DrawnSource {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  let frames = 0;
  const draw = () => {
    frames++;
    ctx.drawImage(source, 0, 0, width, height);
  };
  draw();
  const stop = every(1000 / fps, draw);
  return { canvas, frames: () => frames, stop };
}

/** A quiet tone as a participant's microphone, for rooms without a real one. */
export function createToneTrack(audio: AudioContext, frequency: number): MediaStreamTrack {
  const osc = audio.createOscillator();
  osc.frequency.value = frequency;
  const gain = audio.createGain();
  gain.gain.value = 0.05;
  const dest = audio.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  return dest.stream.getAudioTracks()[0]!;
}
