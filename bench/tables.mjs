#!/usr/bin/env node
// Markdown tables of one results file, as BENCHMARKS.md shows them:
//   node bench/tables.mjs bench/results/bench-<date>T<time>.json
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/tables.mjs bench/results/<file>.json');
  process.exit(2);
}
const res = JSON.parse(readFileSync(file, 'utf8'));
const s = res.summary;
const MiB = 2 ** 20;
const num = (v, d = 1) => (v === null || v === undefined ? '-' : Number(v).toFixed(d));
const load = (pairs) => pairs.map(([a, b]) => `${num(a, 2)} → ${num(b, 2)}`).join(', ');
const row = (cells) => `| ${cells.join(' | ')} |`;
const out = [];

const m = res.machine;
out.push(
  `Run \`${file.replace(/^.*bench\/results\//, 'bench/results/')}\` (${res.kind}), ${res.startedAt}: ` +
    `${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.kernel}; ${m.chromium}; Node ${m.node}; ` +
    `${m.ffmpeg?.split(' Copyright')[0]}. Load average (1, 5, 15 min) at the start ${res.load.start.join(', ')}, ` +
    `at the end ${res.load.end?.join(', ')}; ${res.wallSeconds} s in all.`,
);
out.push('');

const rooms = Object.entries(s.rooms);
if (rooms.length) {
  out.push(
    row([
      'room',
      'recorder',
      'delivered fps',
      'slowest tile fps',
      'repeated',
      'real drops',
      'max gap ms',
      'CFR',
      'compose ms p50 / p95',
      'CPU s per recorded s (recorder alone)',
      'heap growth page / worker MB',
      'kB/s',
      'SSIM',
      'PSNR dB',
      'loadedmetadata at 20 Mb/s ms (duration s)',
      'load before → after',
    ]),
  );
  out.push(row(Array(16).fill('---')));
  for (const [room, r] of rooms) {
    for (const [k, label] of [
      ['lib', 'this library'],
      ['mr', 'MediaRecorder'],
    ]) {
      const a = r[k];
      if (!a) continue;
      out.push(
        row([
          room,
          label,
          num(a.deliveredFps),
          num(a.minTileFps),
          num(a.repeatedFrames, 0),
          `${num(a.dropPct)} %`,
          num(a.maxFrameGapMs),
          a.cfr ? 'yes' : 'no',
          `${num(a.composeMsP50)} / ${num(a.composeMsP95)}`,
          `${num(a.cpuPerRecordedSec, 2)} (${num(a.cpuRecorderPerSec, 2)})`,
          `${num(a.pageHeapGrowthMB)} / ${num(a.workerHeapGrowthMB)}`,
          num(a.bytesPerSec / 1000, 0),
          num(a.ssim, 4),
          num(a.psnr, 1),
          `${num(a.loadedMetadataMs, 0)} (${num(a.durationAtLoadedMetadata, 1)})`,
          load(a.load),
        ]),
      );
    }
  }
  out.push('');
  out.push(
    row([
      'room',
      'fps ratio',
      'CPU ratio (recorder alone)',
      'SSIM difference',
      'PSNR difference dB',
      'bytes ratio',
    ]),
  );
  out.push(row(Array(6).fill('---')));
  for (const [room, r] of rooms) {
    if (!r.ratios) continue;
    const q = r.ratios;
    out.push(
      row([
        room,
        num(q.fps, 2),
        `${num(q.cpuPerRecordedSec, 2)} (${num(q.cpuRecorderOnly, 2)})`,
        num(q.ssimDiff, 4),
        num(q.psnrDiffDb, 1),
        num(q.bytesPerSec, 2),
      ]),
    );
  }
  out.push('');
}

if (s.upload.length) {
  out.push(
    row([
      'upload run',
      'duration s',
      'stop → available ms',
      'left to send at Stop MiB',
      'IndexedDB max MiB (bound)',
      'pipeline / journal / rewrite / parts / complete / head / after ms',
      'A/V offset median / worst ms',
      'loadedmetadata ms (duration s)',
      'load before → after',
    ]),
  );
  out.push(row(Array(9).fill('---')));
  for (const u of s.upload) {
    const p = u.phases;
    out.push(
      row([
        u.name,
        num(u.durationSec),
        num(u.stopToAvailableMs, 0),
        num(u.leftToSendAtStopMiB, 1),
        `${num(u.maxHeldMiB, 1)} (${u.heldBoundOk ? 'within' : 'over'})`,
        [
          p.pipelineStopMs,
          p.journalUpdateMs,
          p.rewriteMs,
          p.partsMs,
          p.completeMs,
          p.headMs,
          p.afterMs,
        ]
          .map((v) => num(v, 0))
          .join(' / '),
        `${num(u.avMedianMs)} / ${num(u.avWorstMs)} (${u.avPaired} beeps)`,
        `${num(u.loadedMetadataMs, 0)} (${num(u.durationAtLoadedMetadata, 1)})`,
        load([u.load]),
      ]),
    );
  }
  out.push('');
}

if (s.avReference?.av) {
  const a = s.avReference.av;
  out.push(
    `The A/V source through MediaRecorder (${s.avReference.name}): median ${num(a.correctedMsMedian)} ms, ` +
      `worst ${num(a.correctedMsWorstAbs)} ms over ${a.paired} beeps (as measured ${num(a.offsetMsMedian)} ms; ` +
      `the page's flash timer was ${num(a.flashLateMs)} ms late).`,
  );
  out.push('');
}

if (s.demo) {
  const d = s.demo;
  out.push(
    d.ok
      ? `Demo headless run (\`node scripts/demo.mjs --headless --seconds ${d.seconds}\`): ${num(d.fileFps, 2)} fps in the file, ` +
          `${d.framesRepeated} repeated, ${d.framesDropped} dropped (${num(d.dropPct, 2)} %), max gap ${num(d.maxFrameGapMs)} ms, ` +
          `CFR ${d.cfr ? 'yes' : 'no'}, stop-to-available ${d.stopToAvailableMs} ms, CPU ${num(d.cpuPerRecordedSec, 2)} s per recorded s; ` +
          `load ${num(d.loadBefore?.[0], 2)} → ${num(d.loadAfter?.[0], 2)}.`
      : `Demo headless run failed (exit ${d.code}).`,
  );
  out.push('');
}

if (s.soak) {
  const k = s.soak;
  out.push(
    `Soak: ${k.hours} simulated hours in ${k.wallSec} s; ffprobe reads ${k.ffprobeDurationSec} s, ` +
      `${k.videoPackets} of ${k.expectedVideoPackets} video packets and ${k.audioPackets} audio packets; ` +
      `ffmpeg decodes the first and last 120 s (${k.decodesFirst120s && k.decodesLast120s ? 'no error' : 'ERRORS'}) ` +
      `and 10 s of every hour (${k.decodesHourlyWindows ? 'no error' : 'ERRORS'}); page heap ${num(k.pageHeapGrowthMBPerHour, 3)} MB ` +
      `per simulated hour; IndexedDB held at most ${num(k.maxHeldMiB, 2)} MiB, ${num(k.heldAtStopMiB, 2)} MiB at Stop; ` +
      `${k.parts} parts, ${num(k.storedGiB, 2)} GiB stored (packets at 1/${k.scale} of real size); Stop to stored ` +
      `${k.stopToStoredMs} ms (header rewrite ${k.rewriteMs} ms).`,
  );
  out.push('');
}

out.push(row(['goal', 'figure', 'met']));
out.push(row(['---', '---', '---']));
for (const g of s.goals) {
  out.push(
    row([
      g.id,
      `${g.value}${g.note ? ` (${g.note})` : ''}`.replaceAll('|', '/'),
      g.met === null ? 'not measured' : g.met ? 'met' : '**not met**',
    ]),
  );
}
console.log(out.join('\n'));
void MiB;
