// What the benchmark knows of the machine: load average, the CPU time of a browser's
// processes (from /proc), and a description of the machine for the results file.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { chromiumPath } from '../../scripts/lib/chromium.mjs';

/** `/proc/loadavg`: the 1-, 5- and 15-minute load averages. */
export function loadAverage() {
  const [a, b, c] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [a, b, c];
}

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function procStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: fields start after the last ')'.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(rest[1]), cpu: (Number(rest[11]) + Number(rest[12])) / TICKS };
  } catch {
    return null;
  }
}

function exeOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/** Every Chromium process descending from `rootPid`, with its CPU seconds so far. */
export function chromiumProcesses(rootPid = process.pid) {
  const all = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = procStat(d);
    if (st) all.set(Number(d), st);
  }
  const children = new Map();
  for (const [pid, st] of all) {
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(pid);
  }
  const out = new Map();
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length) {
    const pid = stack.pop();
    stack.push(...(children.get(pid) ?? []));
    const exe = exeOf(pid);
    if (/chrom/.test(exe)) out.set(pid, all.get(pid).cpu);
  }
  return out;
}

/**
 * CPU seconds the Chromium processes under `rootPid` spent between two snapshots (processes
 * that appeared in between count from zero).
 */
export function cpuBetween(before, after) {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** The machine, for the results file. */
export function describeMachine() {
  const cpus = os.cpus();
  let chromium = null;
  try {
    chromium = execFileSync(chromiumPath, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // reported as null
  }
  let ffmpeg = null;
  try {
    ffmpeg = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    // reported as null
  }
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    cpuMHz: cpus[0]?.speed ?? null,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    ffmpeg,
  };
}
