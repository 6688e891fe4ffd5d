/**
 * Benchmark page (not a test): records a room in real time for a while and reports the
 * pipeline's figures. Bundled and driven by bench/run-pipeline.mjs.
 */
import { MediaPipeline } from '../src/media/pipeline.js';
import type { PipelineStats } from '../src/media/protocol.js';
import type { Fragment, FragmentSink, PipelineHealth } from '../src/media/types.js';
import type { VisualSource } from '../src/recorder/engine.js';

export interface BenchConfig {
  /** `room`: a stage and three webcams; `four`: four webcams. */
  layout: 'room' | 'four';
  /** `canvas`: synthetic canvases; `camera`: the fake 720p camera in <video> elements. */
  sources: 'canvas' | 'camera';
  durationSec: number;
  workerUrl: string;
}

export interface BenchResult {
  config: Omit<BenchConfig, 'workerUrl'>;
  stats: PipelineStats;
  deliveredFps: number;
  droppedPct: number;
  fragments: number;
  bytes: number;
  healthFps: number[];
  mainHeapStartMB: number | null;
  mainHeapEndMB: number | null;
}

/** A busy synthetic picture: gradient, moving shapes and text, redrawn 30 times a second. */
function canvasSource(width: number, height: number, hue: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d')!;
  let i = 0;
  setInterval(() => {
    const g = ctx.createLinearGradient(0, 0, width, height);
    g.addColorStop(0, `hsl(${(hue + i) % 360},70%,40%)`);
    g.addColorStop(1, `hsl(${(hue + i + 120) % 360},70%,20%)`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    for (let k = 0; k < 6; k++) {
      ctx.beginPath();
      ctx.arc((i * (3 + k) * 4) % width, (height / 7) * (k + 1), height / 14, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.font = `${Math.round(height / 10)}px sans-serif`;
    ctx.fillText(`frame ${i}`, width / 10, height / 2);
    i++;
  }, 33);
  document.body.append(c);
  return c;
}

async function cameraSource(): Promise<HTMLVideoElement> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 1280, height: 720, frameRate: 30 },
  });
  const v = document.createElement('video');
  v.muted = true;
  v.srcObject = stream;
  document.body.append(v);
  await v.play();
  return v;
}

function tone(): MediaStreamTrack {
  const ctx = new AudioContext({ sampleRate: 48_000 });
  const osc = ctx.createOscillator();
  const dest = ctx.createMediaStreamDestination();
  osc.connect(dest);
  osc.start();
  return dest.stream.getAudioTracks()[0]!;
}

function heapMB(): number | null {
  const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize / 2 ** 20 : null;
}

/** Runs one configuration and returns its figures. */
export async function runBench(config: BenchConfig): Promise<BenchResult> {
  const make = async (i: number, w: number, h: number): Promise<VisualSource> =>
    config.sources === 'canvas' ? canvasSource(w, h, i * 70) : cameraSource();
  const stage = config.layout === 'room' ? await make(0, 1920, 1080) : null;
  const count = config.layout === 'room' ? 3 : 4;
  const webcams = [];
  for (let i = 0; i < count; i++)
    webcams.push({ id: `cam${i}`, source: await make(i + 1, 1280, 720) });

  let fragments = 0;
  let bytes = 0;
  const sink: FragmentSink = {
    writeHeader: async (h: Uint8Array) => {
      bytes += h.length;
    },
    writeFragment: async (f: Fragment) => {
      fragments++;
      bytes += f.bytes.length;
    },
  };
  const healthFps: number[] = [];
  const pipeline = new MediaPipeline({
    sources: { stage, webcams, audio: [tone()] },
    sink,
    workerUrl: config.workerUrl,
    onHealth: (h: PipelineHealth) => healthFps.push(h.fps),
  });
  const mainHeapStartMB = heapMB();
  await pipeline.start();
  await new Promise((r) => setTimeout(r, config.durationSec * 1000));
  const result = await pipeline.stop();
  const s = result.stats;
  const { workerUrl: _w, ...rest } = config;
  return {
    config: rest,
    stats: s,
    deliveredFps: s.framesEncoded / (s.wallMs / 1000),
    droppedPct: (100 * s.framesDropped) / Math.max(1, s.framesEncoded + s.framesDropped),
    fragments,
    bytes,
    healthFps,
    mainHeapStartMB,
    mainHeapEndMB: heapMB(),
  };
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
