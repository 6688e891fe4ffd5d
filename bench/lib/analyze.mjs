// Judging recorded files with ffprobe and ffmpeg: frame timing, which source frame each tile
// shows (the sources' barcodes), SSIM and PSNR against rendered references, and the offset
// between each flash and each beep.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIG = { maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8' };

export const median = (v) => percentile(v, 50);
export function percentile(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export const round = (v, d = 1) => (v === null || v === undefined ? null : Number(v.toFixed(d)));

/** Streams, duration and colour of a file. */
export async function probe(file) {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    BIG,
  );
  const info = JSON.parse(stdout);
  const v = info.streams.find((s) => s.codec_type === 'video');
  const a = info.streams.find((s) => s.codec_type === 'audio');
  const rate = (r) => {
    const [n, d] = String(r ?? '0/1')
      .split('/')
      .map(Number);
    return d ? n / d : 0;
  };
  return {
    durationSec: Number(info.format.duration),
    bytes: Number(info.format.size),
    video: v
      ? {
          codec: v.codec_name,
          profile: v.profile,
          width: v.width,
          height: v.height,
          pixFmt: v.pix_fmt,
          colorRange: v.color_range ?? null,
          colorSpace: v.color_space ?? null,
          rFrameRate: rate(v.r_frame_rate),
          avgFrameRate: rate(v.avg_frame_rate),
        }
      : null,
    audio: a ? { codec: a.codec_name, profile: a.profile ?? null } : null,
  };
}

/**
 * The video's frame timestamps (from its packets): frame count, the longest step between two
 * frames, steps over 34 and 50 ms, and whether every step is one frame at 30 fps (CFR).
 */
export async function frameTiming(file) {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=pts_time',
      '-of',
      'csv=p=0',
      file,
    ],
    BIG,
  );
  const pts = stdout
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  let maxStep = 0;
  let over34 = 0;
  let over50 = 0;
  let cfr = pts.length > 1;
  for (let i = 1; i < pts.length; i++) {
    const step = pts[i] - pts[i - 1];
    maxStep = Math.max(maxStep, step);
    if (step > 0.034) over34++;
    if (step > 0.05) over50++;
    if (Math.abs(step - 1 / 30) > 0.001) cfr = false;
  }
  return {
    frames: pts.length,
    firstPts: pts[0] ?? 0,
    lastPts: pts.at(-1) ?? 0,
    maxFrameGapMs: round(maxStep * 1000, 1),
    gapsOver34ms: over34,
    gapsOver50ms: over50,
    cfr,
  };
}

/** The 16 barcode cells of `n` (see bench/sources.ts: white, black, 12 bits, 2 parities). */
function decodeCells(cells) {
  if (!cells[0] || cells[1]) return null;
  const data = cells.slice(2, 14);
  const even = data.filter((_, i) => i % 2 === 0).filter(Boolean).length % 2 === 1;
  const odd = data.filter((_, i) => i % 2 === 1).filter(Boolean).length % 2 === 1;
  if (even !== cells[14] || odd !== cells[15]) return null;
  return data.reduce((v, b) => v * 2 + (b ? 1 : 0), 0);
}

/**
 * Reads every frame's barcodes: for each frame, the source frame number each tile shows (null
 * when unreadable). Frames are decoded as grey at half size (cells stay over 7 px).
 */
export async function readBarcodes(file, tiles) {
  const W = 960;
  const H = 540;
  const k = 0.5;
  const probes = tiles.map((t) => {
    const s = (t.draw.width / t.width) * k;
    const c = Math.round(t.height / 18);
    const r = Math.max(1, Math.floor((c * s) / 4));
    const cells = [];
    for (let i = 0; i < 16; i++) {
      cells.push({
        x: Math.round(t.draw.x * k + (i + 0.5) * c * s),
        y: Math.round(t.draw.y * k + (t.height - c / 2) * s),
      });
    }
    return { id: t.id, cells, r };
  });
  const frames = [];
  await new Promise((resolve, reject) => {
    const ff = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        file,
        '-map',
        '0:v:0',
        '-fps_mode',
        'passthrough',
        '-vf',
        `scale=${W}:${H}:flags=area,format=gray`,
        '-f',
        'rawvideo',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    ff.stderr.on('data', (d) => (err += d));
    const size = W * H;
    let buf = Buffer.alloc(0);
    ff.stdout.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= size) {
        const img = buf.subarray(0, size);
        const out = {};
        for (const p of probes) {
          const bits = p.cells.map(({ x, y }) => {
            let sum = 0;
            let n = 0;
            for (let yy = y - p.r; yy <= y + p.r; yy++) {
              for (let xx = x - p.r; xx <= x + p.r; xx++) {
                if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
                sum += img[yy * W + xx];
                n++;
              }
            }
            return n > 0 && sum / n > 125;
          });
          out[p.id] = decodeCells(bits);
        }
        frames.push(out);
        buf = Buffer.from(buf.subarray(size));
      }
    });
    ff.on('error', reject);
    ff.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg (barcodes) exited ${code}: ${err}`)),
    );
  });
  return frames;
}

/**
 * What the barcodes say about delivery: per tile, how many different source pictures it
 * showed per second (each change counts) and its longest stretch without a change; frames
 * whose picture changed at all (the "delivered" frames), and frames that repeat the previous
 * one exactly.
 */
export function delivery(frames, tiles, durationSec) {
  const perTile = {};
  let newFrames = 0;
  let repeats = 0;
  let unreadable = 0;
  const fps = 30;
  const state = Object.fromEntries(
    tiles.map((t) => [t.id, { last: null, changes: 0, run: 0, maxRun: 0 }]),
  );
  frames.forEach((f, i) => {
    let changed = false;
    let readable = true;
    for (const t of tiles) {
      const n = f[t.id];
      const s = state[t.id];
      if (n === null || n === undefined) {
        readable = false;
        continue;
      }
      if (n !== s.last) {
        s.changes++;
        s.last = n;
        s.run = 1;
        changed = true;
      } else {
        s.run++;
      }
      s.maxRun = Math.max(s.maxRun, s.run);
    }
    if (!readable) unreadable++;
    if (changed || i === 0) newFrames++;
    else if (readable) repeats++;
  });
  for (const t of tiles) {
    const s = state[t.id];
    perTile[t.id] = {
      sourceFps: t.rate,
      shownFps: round(s.changes / durationSec, 1),
      longestStillMs: round((s.maxRun * 1000) / fps, 0),
    };
  }
  return {
    newFrames,
    deliveredFps: round(newFrames / durationSec, 2),
    repeatedFrames: repeats,
    unreadableFrames: unreadable,
    perTile,
  };
}

/** Frame indices to compare: every `step`-th frame whose tiles were all read. */
export function pickSamples(frames, tiles, step) {
  const out = [];
  // Past the start (the first half second, or a fifth of a short, sparse file).
  const skipFirst = Math.min(15, Math.floor(frames.length / 5));
  for (let i = skipFirst; i < frames.length; i += step) {
    for (let j = i; j < Math.min(frames.length, i + step); j++) {
      const f = frames[j];
      if (tiles.every((t) => f[t.id] !== null && f[t.id] !== undefined)) {
        out.push({ index: j, frame: f });
        break;
      }
    }
  }
  return out;
}

/** The scale filter's input colour for a file (MediaRecorder writes full-range BT.709). */
function inputColour(video) {
  const matrix = video.colorSpace === 'bt709' ? 'bt709' : 'bt601';
  const range = video.colorRange === 'pc' || video.pixFmt === 'yuvj420p' ? 'full' : 'limited';
  return `in_color_matrix=${matrix}:in_range=${range}`;
}

/**
 * SSIM and PSNR of the frames `indices` of `file` against the references `refs` (a PNG
 * sequence pattern, one 1920x1080 frame each, in the same order), both as BT.601 limited-range
 * 4:2:0.
 */
export async function quality(file, video, indices, refs) {
  if (indices.length === 0) return null;
  const select = indices.map((i) => `eq(n\\,${i})`).join('+');
  const graph =
    `[0:v]select='${select}',setpts=N/(30*TB),` +
    `scale=1920:1080:${inputColour(video)}:out_color_matrix=bt601:out_range=limited,format=yuv420p[a];` +
    `[1:v]setpts=N/(30*TB),scale=1920:1080:out_color_matrix=bt601:out_range=limited,format=yuv420p,split[b1][b2];` +
    `[a][b1]ssim=stats_file=-[s];[s][b2]psnr`;
  const { stderr, stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-i',
      file,
      '-framerate',
      '30',
      '-i',
      refs,
      '-filter_complex',
      graph,
      '-fps_mode',
      'passthrough',
      '-f',
      'null',
      '-',
    ],
    BIG,
  );
  const perFrame = stdout
    .split('\n')
    .map((l) => /All:([\d.]+)/.exec(l)?.[1])
    .filter(Boolean)
    .map(Number);
  const ssim = /SSIM Y:([\d.]+).*All:([\d.]+)/.exec(stderr);
  const psnr = /PSNR y:([\d.inf]+).*average:([\d.inf]+)/.exec(stderr);
  return {
    frames: perFrame.length,
    ssimAll: ssim ? Number(ssim[2]) : null,
    ssimY: ssim ? Number(ssim[1]) : null,
    ssimMin: perFrame.length ? Math.min(...perFrame) : null,
    psnrAvg: psnr ? Number(psnr[2]) : null,
    psnrY: psnr ? Number(psnr[1]) : null,
  };
}

async function lavfiFrames(graph, entries) {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-f', 'lavfi', '-i', graph, '-show_entries', entries, '-of', 'csv=p=0'],
    BIG,
  );
  return stdout
    .split('\n')
    .map((l) => l.split(','))
    .filter((p) => p.length >= 2)
    .map(([t, v]) => [Number(t), Number(v)])
    .filter(([t, v]) => Number.isFinite(t) && !Number.isNaN(v));
}

/**
 * A/V sync of a recording of the `av` room: the instants the flash square turns white in the
 * video (mean luma of the square, per frame) and the instants each beep starts in the audio
 * (peak level per 1-ms window, as ffmpeg plays the file), paired; offset = video - audio.
 * `flashLateMs`: how late the page drew its flashes (median), taken off for the corrected figures.
 */
export async function avSync(file, rect, flashLateMs = 0) {
  const inset = 0.2;
  const x = Math.round(rect.x + rect.width * inset);
  const y = Math.round(rect.y + rect.height * inset);
  const w = Math.round(rect.width * (1 - 2 * inset)) & ~1;
  const h = Math.round(rect.height * (1 - 2 * inset)) & ~1;
  const video = await lavfiFrames(
    `movie=${file},crop=${w}:${h}:${x}:${y},signalstats`,
    'frame=pts_time:frame_tags=lavfi.signalstats.YAVG',
  );
  const audio = await lavfiFrames(
    `amovie=${file},aformat=channel_layouts=mono,asetnsamples=n=48:p=0,astats=metadata=1:reset=1`,
    'frame=pts_time:frame_tags=lavfi.astats.Overall.Peak_level',
  );
  const flashes = [];
  let on = false;
  for (const [t, yavg] of video) {
    if (!on && yavg > 128) flashes.push(t);
    on = yavg > 128;
  }
  const beeps = [];
  let quietSince = -Infinity;
  let loud = false;
  for (const [t, db] of audio) {
    const isLoud = Number.isFinite(db) && db > -20;
    if (isLoud && !loud && t - quietSince > 0.3) beeps.push(t);
    if (!isLoud && loud) quietSince = t;
    if (!isLoud && !loud && quietSince === -Infinity) quietSince = t;
    loud = isLoud;
  }
  const offsets = [];
  for (const b of beeps) {
    let best = null;
    for (const f of flashes) if (best === null || Math.abs(f - b) < Math.abs(best - b)) best = f;
    if (best !== null && Math.abs(best - b) < 0.5) offsets.push((best - b) * 1000);
  }
  const abs = offsets.map(Math.abs);
  return {
    flashes: flashes.length,
    beeps: beeps.length,
    paired: offsets.length,
    offsetMsMedian: round(median(offsets), 1),
    offsetMsMean: round(offsets.reduce((a, b) => a + b, 0) / (offsets.length || 1), 1),
    offsetMsMin: round(offsets.length ? Math.min(...offsets) : null, 1),
    offsetMsMax: round(offsets.length ? Math.max(...offsets) : null, 1),
    offsetMsWorstAbs: round(abs.length ? Math.max(...abs) : null, 1),
    offsetMsP95Abs: round(percentile(abs, 95), 1),
    offsetsMs: offsets.map((o) => round(o, 1)),
    // The source's flash timer fired late by `flashLateMs` (median): the recorder's own offset.
    flashLateMs: round(flashLateMs, 1),
    correctedMsMedian: round(median(offsets.map((o) => o - flashLateMs)), 1),
    correctedMsWorstAbs: round(
      offsets.length ? Math.max(...offsets.map((o) => Math.abs(o - flashLateMs))) : null,
      1,
    ),
  };
}

/** Whether ffmpeg decodes the whole file without an error (every frame, or keyframes only). */
export async function decodes(file, { keyframesOnly = false, start = null, seconds = null } = {}) {
  const args = ['-v', 'error', '-xerror'];
  if (keyframesOnly) args.push('-skip_frame', 'nokey');
  if (start !== null) args.push('-ss', String(start));
  args.push('-i', file);
  if (seconds !== null) args.push('-t', String(seconds));
  args.push('-map', '0', '-f', 'null', '-');
  const t0 = performance.now();
  try {
    const { stderr } = await run('ffmpeg', args, BIG);
    return {
      ok: stderr.trim() === '',
      errors: stderr.trim().split('\n').filter(Boolean).length,
      seconds: round((performance.now() - t0) / 1000, 1),
    };
  } catch (e) {
    return {
      ok: false,
      errors: String(e.stderr ?? e)
        .split('\n')
        .filter(Boolean).length,
      seconds: round((performance.now() - t0) / 1000, 1),
      message: String(e.stderr ?? e).slice(0, 500),
    };
  }
}

/** Video and audio packet counts, by demuxing every packet (no decoding). */
export async function packetCounts(file) {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_packets',
      '-show_entries',
      'stream=codec_type,nb_read_packets',
      '-of',
      'json',
      file,
    ],
    BIG,
  );
  const out = {};
  for (const s of JSON.parse(stdout).streams) out[s.codec_type] = Number(s.nb_read_packets);
  return out;
}

/** Frame `index` of `file` as 1920x1080 grey (its Y plane). */
export async function greyFrame(file, index) {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `select=eq(n\\,${index}),format=gray`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' },
  );
  if (stdout.length !== 1920 * 1080)
    throw new Error(`frame ${index} of ${file}: ${stdout.length} bytes`);
  return stdout;
}

/**
 * Where each tile's picture really is in a recorded frame, against the reference drawn at the
 * layout's rectangle: the shift (up to 2 px each way) that best matches the reference's luma.
 * A compositor that aligns tiles to even pixels (4:2:0 chroma) lands a pixel off; comparing
 * pictures a pixel apart would measure the shift, not the picture.
 */
export function detectOffsets(grey, refRgba, tiles) {
  const W = 1920;
  const luma = new Float32Array(W * 1080);
  for (let i = 0, p = 0; i < luma.length; i++, p += 4) {
    luma[i] = 0.299 * refRgba[p] + 0.587 * refRgba[p + 1] + 0.114 * refRgba[p + 2];
  }
  const out = {};
  for (const t of tiles) {
    const x0 = t.draw.x + 4;
    const y0 = t.draw.y + 4;
    const x1 = t.draw.x + t.draw.width - 4;
    const y1 = t.draw.y + t.draw.height - 4;
    let best = { dx: 0, dy: 0, err: Infinity };
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        // Mean-removed squared error, so a range or matrix difference does not matter.
        let sa = 0;
        let sb = 0;
        let n = 0;
        for (let y = y0; y < y1; y += 2) {
          for (let x = x0; x < x1; x += 2) {
            sa += grey[(y + dy) * W + x + dx];
            sb += luma[y * W + x];
            n++;
          }
        }
        const ma = sa / n;
        const mb = sb / n;
        let err = 0;
        for (let y = y0; y < y1; y += 2) {
          for (let x = x0; x < x1; x += 2) {
            const d = grey[(y + dy) * W + x + dx] - ma - (luma[y * W + x] - mb) * (219 / 255);
            err += d * d;
          }
        }
        if (err < best.err) best = { dx, dy, err };
      }
    }
    out[t.id] = { dx: best.dx, dy: best.dy };
  }
  return out;
}
