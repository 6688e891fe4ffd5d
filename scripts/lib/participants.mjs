// Participants for the headless run: each in its own Debian Chromium (a process tree of its
// own, as another person's computer would be), joining the demo room over WebRTC; and how
// much CPU they take, read from /proc, so a figure measured with them says what they cost.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';

let ticksPerSecond = 0;
function clockTicks() {
  if (!ticksPerSecond) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Every process's parent and CPU time (user + system, in seconds). */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command may hold spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const cpu = (Number(fields[11]) + Number(fields[12])) / clockTicks();
      table.set(Number(name), { ppid, cpu });
    } catch {
      // The process ended while reading.
    }
  }
  return table;
}

/** CPU seconds used so far by each process in the trees below `roots`. */
export function treeCpu(roots) {
  const table = processTable();
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const out = new Map();
  const stack = [...roots];
  while (stack.length) {
    const pid = stack.pop();
    const entry = table.get(pid);
    if (!entry || out.has(pid)) continue;
    out.set(pid, entry.cpu);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Busy CPU seconds of the whole machine so far (every process, others' included). */
export function machineCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / clockTicks();
}

/** CPU seconds between two {@link treeCpu} samples (processes that ended count what they used). */
export function cpuBetween(before, after) {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/**
 * Starts `count` participant browsers, each opening `url(i)`.
 *
 * @param {{ count: number, url: (i: number) => string }} opts
 * @returns {Promise<{ pages: import('playwright-core').Page[], pids: number[], close: () => Promise<void> }>}
 */
export async function startParticipants({ count, url }) {
  const { chromium } = await import('playwright-core');
  const servers = [];
  const browsers = [];
  const pages = [];
  const close = async () => {
    await Promise.all(browsers.map((b) => b.close().catch(() => {})));
    await Promise.all(servers.map((s) => s.close().catch(() => {})));
  };
  try {
    for (let i = 0; i < count; i++) {
      // A server, so its process is known (for its CPU); the driver connects to it.
      const server = await chromium.launchServer({
        executablePath: chromiumPath,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      servers.push(server);
      const browser = await chromium.connect(server.wsEndpoint());
      browsers.push(browser);
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`[participant ${i}] ${e.message}`));
      await page.goto(url(i));
      await page
        .waitForFunction(() => document.body.dataset.ready === 'true', null, {
          timeout: 60_000,
          polling: 250,
        })
        .catch((e) => {
          throw new Error(`participant ${i + 1}'s page did not start: ${e.message}`);
        });
      pages.push(page);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { pages, pids: servers.map((s) => s.process().pid), close };
}
