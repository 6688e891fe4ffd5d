// The benchmark's summary (every figure, the ratios to MediaRecorder, the goals met or not)
// and its human-readable report.
import { round } from './analyze.mjs';

const MiB = 2 ** 20;
const mean = (v) => {
  const xs = v.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
};
const all = (v) => v.length > 0 && v.every(Boolean);

/** Means over the rounds of one room and recorder. */
function aggregate(rows) {
  if (!rows.length) return null;
  const m = (k, d = 2) => round(mean(rows.map((r) => r[k])), d);
  const tiles = {};
  for (const id of Object.keys(rows[0].perTile ?? {})) {
    tiles[id] = {
      sourceFps: rows[0].perTile[id].sourceFps,
      shownFps: round(mean(rows.map((r) => r.perTile?.[id]?.shownFps)), 1),
      longestStillMs: Math.max(...rows.map((r) => r.perTile?.[id]?.longestStillMs ?? 0)),
    };
  }
  return {
    runs: rows.length,
    seconds: m('durationSec', 1),
    deliveredFps: m('deliveredFps'),
    fileFps: m('fileFps'),
    repeatedFrames: m('repeatedFrames', 0),
    repeatedByRecorder: m('repeatedByRecorder', 0),
    droppedByRecorder: m('droppedByRecorder', 0),
    dropPct: m('dropPct'),
    maxFrameGapMs: Math.max(...rows.map((r) => r.maxFrameGapMs ?? 0)),
    cfr: all(rows.map((r) => r.cfr)),
    composeMsP50: m('composeMsP50'),
    composeMsP95: m('composeMsP95'),
    cpuPerRecordedSec: m('cpuPerRecordedSec', 3),
    cpuRecorderPerSec: m('cpuRecorderPerSec', 3),
    pageHeapGrowthMB: m('pageHeapGrowthMB'),
    workerHeapGrowthMB: m('workerHeapGrowthMB'),
    bytesPerSec: Math.round(mean(rows.map((r) => r.bytesPerSec))),
    ssim: m('ssim', 4),
    ssimY: m('ssimY', 4),
    psnr: m('psnr', 2),
    loadedMetadataMs: m('loadedMetadataMs', 0),
    durationAtLoadedMetadata: m('durationAtLoadedMetadata', 2),
    minTileFps: Math.min(...Object.values(tiles).map((t) => t.shownFps ?? 0)),
    tiles,
    video: rows[0].video ? `${rows[0].video.codec} ${rows[0].video.profile}` : null,
    audio: rows[0].audio?.codec ?? null,
    load: rows.map((r) => [r.loadBefore?.[0], r.loadAfter?.[0]]),
  };
}

/** Ratios of paired runs (same room, same round: recorded one after the other). */
function ratios(rows) {
  const pairs = [];
  for (const lib of rows.filter((r) => r.kind === 'lib')) {
    const mr = rows.find((r) => r.kind === 'mr' && r.round === lib.round);
    if (mr) pairs.push([lib, mr]);
  }
  if (!pairs.length) return null;
  const r = (f) =>
    round(
      mean(
        pairs.map(([a, b]) => {
          const v = f(a, b);
          return Number.isFinite(v) ? v : null;
        }),
      ),
      3,
    );
  return {
    pairs: pairs.length,
    fps: r((a, b) => a.deliveredFps / b.deliveredFps),
    cpuPerRecordedSec: r((a, b) => a.cpuPerRecordedSec / b.cpuPerRecordedSec),
    cpuRecorderOnly: r((a, b) => a.cpuRecorderPerSec / b.cpuRecorderPerSec),
    ssimDiff: r((a, b) => (a.ssim === null || b.ssim === null ? NaN : a.ssim - b.ssim)),
    psnrDiffDb: r((a, b) => (a.psnr === null || b.psnr === null ? NaN : a.psnr - b.psnr)),
    bytesPerSec: r((a, b) => a.bytesPerSec / b.bytesPerSec),
  };
}

/** A goal; `met` is null when the figure could not be measured. */
const goal = (id, target, value, met, note = '') => ({
  id,
  target,
  value,
  met: value === null || value === undefined ? null : met,
  note,
});

export function summarize(res) {
  const rooms = {};
  for (const room of [...new Set(res.compare.map((c) => c.room))]) {
    const rows = res.compare.filter((c) => c.room === room);
    rooms[room] = {
      lib: aggregate(rows.filter((r) => r.kind === 'lib')),
      mr: aggregate(rows.filter((r) => r.kind === 'mr')),
      ratios: ratios(rows),
    };
  }
  const upload = res.upload.map((u) => ({
    name: u.name,
    link: u.link,
    durationSec: u.durationSec,
    stopToAvailableMs: u.profile.stopToAvailableMs,
    leftToSendAtStopMiB: round(u.leftToSendAtStopBytes / MiB, 2),
    maxHeldMiB: round(u.maxHeldBytes / MiB, 2),
    heldAtStopMiB: round(u.heldAtStopBytes / MiB, 2),
    heldBoundOk: u.heldBoundOk,
    avMedianMs: u.av?.correctedMsMedian ?? null,
    avWorstMs: u.av?.correctedMsWorstAbs ?? null,
    avMeasuredMedianMs: u.av?.offsetMsMedian ?? null,
    avPaired: u.av?.paired ?? 0,
    pageHeapMBPerHour: u.pageHeapMBPerHour,
    workerHeapMBPerHour: u.workerHeapMBPerHour,
    phases: u.profile.phases,
    partsDetail: u.profile.parts,
    loadedMetadataMs: u.loadedMetadataMs,
    durationAtLoadedMetadata: u.durationAtLoadedMetadata,
    maxFrameGapMs: u.maxFrameGapMs,
    cfr: u.cfr,
    load: [u.loadBefore?.[0], u.loadAfter?.[0]],
  }));
  const soak = res.soak
    ? {
        hours: res.soak.hours,
        scale: res.soak.scale,
        wallSec: res.soak.wallSec,
        ffprobeDurationSec: res.soak.ffprobeDurationSec,
        videoPackets: res.soak.videoPackets,
        expectedVideoPackets: res.soak.expectedVideoPackets,
        audioPackets: res.soak.audioPackets,
        decodesHourlyWindows: res.soak.decodeHourlyWindows?.ok ?? null,
        decodesFirst120s: res.soak.decodeFirst120s?.ok ?? null,
        decodesLast120s: res.soak.decodeLast120s?.ok ?? null,
        pageHeapGrowthMBPerHour: res.soak.pageHeapGrowthMBPerHour,
        heldAtStopMiB: round(res.soak.heldAtStopBytes / MiB, 3),
        maxHeldMiB: round(res.soak.maxHeldHourlyBytes / MiB, 3),
        // Part 1 (held until Stop), two parts beyond it (the soak waits for the upload
        // whenever it is two parts behind, as real time lets it catch up) and a fragment: held
        // bytes that grew with the hours would mean uploaded bytes are not leaving.
        heldBoundMiB: round((3 * res.soak.partPlan.baseBytes + MiB) / MiB, 1),
        parts: res.soak.parts,
        storedGiB: round(res.soak.storedBytes / 2 ** 30, 2),
        stopToStoredMs: res.soak.stopToStoredMs,
        rewriteMs: res.soak.rewriteMs,
        finishUploadMs: res.soak.finishUploadMs,
      }
    : null;

  // Goals.
  const goals = [];
  const d = res.demo;
  if (d?.ok) {
    goals.push(
      goal(
        'demo headless: >= 29.5 avg fps, CFR, no gap > 34 ms, real drops <= 1 %',
        '29.5 / CFR / 34 ms / 1 %',
        `${d.fileFps} fps (${d.framesRepeated} repeated), CFR ${d.cfr}, gap ${d.maxFrameGapMs} ms, drops ${d.dropPct} %`,
        d.fileFps >= 29.5 && d.cfr && d.maxFrameGapMs <= 34 && d.dropPct <= 1,
        'the file is constant-rate by design; repeats (ticks with no new composite) are counted apart',
      ),
    );
  }
  const roomGoal = (room, label, tilesToo) => {
    const lib = rooms[room]?.lib;
    if (!lib) return;
    const tilesOk = Object.values(lib.tiles).every((t) => t.shownFps >= 0.95 * t.sourceFps);
    goals.push(
      goal(
        `${label}: >= 29.5 delivered fps, CFR, no gap > 34 ms, drops <= 1 %${tilesToo ? ', every tile at its source rate' : ''}`,
        '29.5 / CFR / 34 ms / 1 %' + (tilesToo ? ' / tiles >= 95 % of source fps' : ''),
        `${lib.deliveredFps} fps delivered, CFR ${lib.cfr}, gap ${lib.maxFrameGapMs} ms, drops ${lib.dropPct} %` +
          (tilesToo ? `, slowest tile ${lib.minTileFps} fps` : ''),
        lib.deliveredFps >= 29.5 &&
          lib.cfr &&
          lib.maxFrameGapMs <= 34 &&
          lib.dropPct <= 1 &&
          (!tilesToo || tilesOk),
      ),
    );
  };
  roomGoal('demo', 'demo room (bench sources)', false);
  roomGoal('camera', 'camera room', true);
  for (const [room, r] of Object.entries(rooms)) {
    if (!r.ratios) continue;
    goals.push(
      goal(
        `${room} room vs MediaRecorder: fps ratio >= 1.05`,
        '>= 1.05',
        r.ratios.fps,
        r.ratios.fps >= 1.05,
      ),
    );
    goals.push(
      goal(
        `${room} room vs MediaRecorder: CPU per recorded second <= 1.0x`,
        '<= 1.0',
        r.ratios.cpuPerRecordedSec,
        r.ratios.cpuPerRecordedSec <= 1.0,
        `recorder's own share (sources subtracted): ${r.ratios.cpuRecorderOnly}x`,
      ),
    );
    goals.push(
      goal(
        `${room} room vs MediaRecorder: SSIM >= MediaRecorder's`,
        '>= +0',
        r.ratios.ssimDiff,
        r.ratios.ssimDiff >= 0,
        `SSIM ${r.lib?.ssim} vs ${r.mr?.ssim}`,
      ),
    );
  }
  const avRun =
    res.upload.find((u) => u.seconds === 60 && u.link === 'localhost' && u.av) ??
    res.upload.find((u) => u.av?.paired);
  if (avRun?.av) {
    const a = avRun.av;
    goals.push(
      goal(
        'A/V offset within 40 ms (worst 80 ms)',
        '|median| <= 40, worst <= 80',
        `median ${a.correctedMsMedian} ms, worst ${a.correctedMsWorstAbs} ms over ${a.paired} beeps (${avRun.name}; ` +
          `as measured ${a.offsetMsMedian} / ${a.offsetMsWorstAbs} ms, the page's flash timer ${a.flashLateMs} ms late)`,
        Math.abs(a.correctedMsMedian) <= 40 && a.correctedMsWorstAbs <= 80,
        'offset = flash - beep in the stored file: positive, the picture is late; a flash lands in the next 1/30-s tick (0-33 ms)',
      ),
    );
  }
  const longest = [...res.upload].sort((a, b) => b.seconds - a.seconds)[0];
  if (longest || soak) {
    const page = longest?.pageHeapMBPerHour ?? null;
    const worker = longest?.workerHeapMBPerHour ?? null;
    const longEnough = (longest?.seconds ?? 0) >= 300;
    const parts = [];
    if (longest) {
      parts.push(
        `${round((page ?? 0) + (worker ?? 0), 1)} MB/h (page ${page}, worker ${worker}) over a ${longest.seconds}-s recording` +
          (longEnough ? '' : ' (too short to judge)'),
      );
    }
    if (soak) parts.push(`soak page ${soak.pageHeapGrowthMBPerHour} MB per simulated hour`);
    const judged = [];
    if (longEnough) judged.push((page ?? 0) + (worker ?? 0) < 5);
    if (soak?.pageHeapGrowthMBPerHour !== null && soak?.pageHeapGrowthMBPerHour !== undefined) {
      judged.push(soak.pageHeapGrowthMBPerHour < 5);
    }
    goals.push(
      goal(
        'heap growth < 5 MB per recorded hour',
        '< 5 MB/h',
        judged.length ? parts.join('; ') : null,
        judged.every(Boolean),
        'heap after a forced GC (DevTools protocol); the soak runs the writer, journal and upload on the page',
      ),
    );
  }
  if (res.upload.length) {
    goals.push(
      goal(
        'IndexedDB <= header part + two parts beyond the upload lag',
        'every sample',
        res.upload.map((u) => `${u.name}: max ${round(u.maxHeldBytes / MiB, 1)} MiB`).join('; ') +
          (soak
            ? `; soak: at most ${soak.maxHeldMiB} MiB in the reports, ${soak.heldAtStopMiB} MiB at Stop (bound ${soak.heldBoundMiB} MiB)`
            : ''),
        res.upload.every((u) => u.heldBoundOk) &&
          (!soak ||
            (soak.maxHeldMiB <= soak.heldBoundMiB && soak.heldAtStopMiB <= soak.heldBoundMiB)),
      ),
    );
  }
  const at20 = res.upload.filter((u) => u.link === '20mbps').sort((a, b) => a.seconds - b.seconds);
  if (at20.length) {
    const last = at20.at(-1);
    let est60 = null;
    let how = '';
    if (at20.length >= 2) {
      const a = at20[0];
      const slope = Math.max(
        0,
        (last.profile.stopToAvailableMs - a.profile.stopToAvailableMs) / (last.seconds - a.seconds),
      );
      est60 = round(last.profile.stopToAvailableMs + slope * (3600 - last.seconds), 0);
      how = `60 min extrapolated linearly from the ${a.seconds}-s and ${last.seconds}-s runs (left to send at Stop: ${round(a.leftToSendAtStopBytes / MiB, 1)} and ${round(last.leftToSendAtStopBytes / MiB, 1)} MiB; the part plan keeps it under 3 parts of 5 MiB plus part 1 until 9.8 GiB)`;
    }
    goals.push(
      goal(
        'stop-to-available < 10 s at 20 Mb/s (10 and 60 min)',
        '< 10000 ms',
        at20.map((u) => `${u.seconds} s: ${u.profile.stopToAvailableMs} ms`).join('; ') +
          (est60 !== null ? `; 60 min (extrapolated): ${est60} ms` : ''),
        at20.every((u) => u.profile.stopToAvailableMs < 10_000) &&
          (est60 === null || est60 < 10_000),
        (last.seconds < 600 ? `measured on ${last.seconds}-s recordings only; ` : '') + how,
      ),
    );
  }
  return {
    kind: res.kind,
    startedAt: res.startedAt,
    machine: res.machine,
    load: res.load,
    wallSeconds: res.wallSeconds,
    rooms,
    upload,
    avReference: res.avReference ?? null,
    demo: res.demo,
    soak,
    notes: res.notes,
    error: res.error ?? null,
    goals,
  };
}

const pad = (s, n) => String(s ?? '-').padEnd(n);
const num = (v, d = 1) => (v === null || v === undefined ? '-' : Number(v).toFixed(d));

export function printReport(res) {
  const s = res.summary;
  const m = res.machine;
  const out = [];
  out.push('');
  out.push(
    `== Room Recorder benchmark (${s.kind}) ${s.startedAt}: ${m.cores} cores ${m.cpuModel}, ${m.chromium}, Node ${m.node}`,
  );
  out.push(
    `   load average at start ${res.load.start.join(' ')}, at end ${res.load.end?.join(' ')}; ${res.wallSeconds} s`,
  );
  out.push('');
  out.push(
    `${pad('room', 7)}${pad('recorder', 15)}${pad('fps', 7)}${pad('tile min', 9)}${pad('repeat', 7)}${pad('drop%', 6)}` +
      `${pad('gap ms', 7)}${pad('CFR', 6)}${pad('compose p50/p95', 16)}${pad('CPU s/s (net)', 14)}` +
      `${pad('heap pg/wk MB', 14)}${pad('kB/s', 6)}${pad('SSIM', 7)}${pad('PSNR', 6)}${pad('meta ms (dur)', 14)}load`,
  );
  for (const [room, r] of Object.entries(s.rooms)) {
    for (const [k, label] of [
      ['lib', 'this library'],
      ['mr', 'MediaRecorder'],
    ]) {
      const a = r[k];
      if (!a) continue;
      out.push(
        `${pad(room, 7)}${pad(label, 15)}${pad(num(a.deliveredFps), 7)}${pad(num(a.minTileFps), 9)}` +
          `${pad(num(a.repeatedFrames, 0), 7)}${pad(num(a.dropPct), 6)}${pad(num(a.maxFrameGapMs), 7)}${pad(a.cfr, 6)}` +
          `${pad(`${num(a.composeMsP50)}/${num(a.composeMsP95)}`, 16)}` +
          `${pad(`${num(a.cpuPerRecordedSec, 2)} (${num(a.cpuRecorderPerSec, 2)})`, 14)}` +
          `${pad(`${num(a.pageHeapGrowthMB)}/${num(a.workerHeapGrowthMB)}`, 14)}` +
          `${pad(num(a.bytesPerSec / 1000, 0), 6)}${pad(num(a.ssim, 4), 7)}${pad(num(a.psnr, 1), 6)}` +
          `${pad(`${num(a.loadedMetadataMs, 0)} (${num(a.durationAtLoadedMetadata, 1)})`, 14)}` +
          a.load.map((l) => `${l[0]}->${l[1]}`).join(' '),
      );
    }
    if (r.ratios) {
      out.push(
        `${pad('', 7)}ratios: fps ${r.ratios.fps}x, CPU ${r.ratios.cpuPerRecordedSec}x (recorder only ${r.ratios.cpuRecorderOnly}x), ` +
          `SSIM ${r.ratios.ssimDiff >= 0 ? '+' : ''}${r.ratios.ssimDiff}, PSNR ${r.ratios.psnrDiffDb} dB, bytes ${r.ratios.bytesPerSec}x`,
      );
    }
  }
  if (s.upload.length) {
    out.push('');
    out.push(
      `${pad('upload run', 20)}${pad('dur s', 7)}${pad('stop->avail ms', 15)}${pad('left MiB', 9)}${pad('IDB max MiB', 12)}` +
        `${pad('bound', 6)}${pad('A/V med/worst ms', 17)}${pad('pipeline/update/rewrite/parts/complete/head/after', 48)}load`,
    );
    for (const u of s.upload) {
      out.push(
        `${pad(u.name, 20)}${pad(num(u.durationSec), 7)}${pad(u.stopToAvailableMs, 15)}${pad(num(u.leftToSendAtStopMiB, 1), 9)}` +
          `${pad(num(u.maxHeldMiB, 1), 12)}${pad(u.heldBoundOk ? 'ok' : 'over', 6)}` +
          `${pad(`${num(u.avMedianMs)}/${num(u.avWorstMs)} (${u.avPaired})`, 17)}` +
          `${pad(Object.values(u.phases).join('/'), 48)}` +
          `${u.load[0]}->${u.load[1]}`,
      );
    }
  }
  if (s.avReference?.av) {
    const a = s.avReference.av;
    out.push(
      `A/V source through MediaRecorder (${s.avReference.name}): median ${a.correctedMsMedian} ms, worst ${a.correctedMsWorstAbs} ms (${a.paired} beeps; measured ${a.offsetMsMedian}, flash timer ${a.flashLateMs} ms late)`,
    );
  }
  if (s.demo) {
    out.push('');
    out.push(
      s.demo.ok
        ? `demo headless (${s.demo.seconds} s): ${s.demo.fileFps} fps in the file, ${s.demo.framesRepeated} repeated, ` +
            `${s.demo.framesDropped} dropped (${s.demo.dropPct} %), max gap ${s.demo.maxFrameGapMs} ms, CFR ${s.demo.cfr}, ` +
            `stop-to-available ${s.demo.stopToAvailableMs} ms, CPU ${s.demo.cpuPerRecordedSec} s/s, load ${s.demo.loadBefore[0]}->${s.demo.loadAfter[0]}`
        : `demo headless: FAILED (${s.demo.code}) ${String(s.demo.error).slice(-300)}`,
    );
  }
  if (s.soak) {
    const k = s.soak;
    out.push('');
    out.push(
      `soak: ${k.hours} simulated h in ${k.wallSec} s (packets at 1/${k.scale} of real size, real counts and timestamps): ` +
        `ffprobe ${k.ffprobeDurationSec} s, ${k.videoPackets}/${k.expectedVideoPackets} video packets, decodes 10 s of every hour ${k.decodesHourlyWindows}, ` +
        `first/last 120 s ${k.decodesFirst120s}/${k.decodesLast120s}; heap ${k.pageHeapGrowthMBPerHour} MB per simulated h; ` +
        `IndexedDB at Stop ${k.heldAtStopMiB} MiB; ${k.parts} parts, ${k.storedGiB} GiB; ` +
        `Stop to stored ${k.stopToStoredMs} ms (rewrite ${k.rewriteMs} ms, finish upload ${k.finishUploadMs} ms)`,
    );
  }
  for (const n of s.notes ?? []) out.push(`note: ${n}`);
  if (s.error) out.push(`ERROR: ${String(s.error).split('\n')[0]}`);
  out.push('');
  out.push('goals:');
  for (const g of s.goals) {
    const mark = g.met === null ? 'not measured' : g.met ? 'met' : 'NOT met';
    out.push(`  [${mark}] ${g.id}: ${g.value}${g.note ? ` (${g.note})` : ''}`);
  }
  out.push(`results: ${res.resultsFile}`);
  console.log(out.join('\n'));
}
