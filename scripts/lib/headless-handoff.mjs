// `npm run demo -- --headless --seconds 30 --handoff-at 10 [--kill]`: X9 as a room lives it.
// A host and a moderator, each in its own Debian Chromium, meet in the demo's WebSocket room;
// the host records; at --handoff-at seconds its browser closes (or is SIGKILLed with --kill);
// the moderator's page continues the recording and stops it at --seconds. Prints the usual
// JSON plus `handoff: { atSec, gapSec, by, killed }`, where gapSec is how long the file holds
// one picture around the switch (ffmpeg's freezedetect on the stored file: the switch, plus
// for a killed page what it had not yet stored).
import { execFileSync, spawnSync } from 'node:child_process';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { confirmStopAt, downloadStored } from './headless-run.mjs';

const CONTINUES_HERE =
  'The recording continues on this device now. Keep this page open until the recording is stopped.';

function fail(message) {
  throw new Error(message);
}

/** Stretches where the picture does not change (ffmpeg's freezedetect), in seconds. */
function freezes(file, minSec = 0.3) {
  // The filter's findings go to stdout as frame metadata; ffmpeg's own log is left out.
  const log = execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-i',
      file,
      '-vf',
      `freezedetect=n=0.001:d=${minSec},metadata=print:file=-`,
      '-an',
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
  );
  const starts = [...log.matchAll(/lavfi\.freezedetect\.freeze_start=([\d.]+)/g)].map((m) =>
    Number(m[1]),
  );
  const ends = [...log.matchAll(/lavfi\.freezedetect\.freeze_end=([\d.]+)/g)].map((m) =>
    Number(m[1]),
  );
  return starts.map((start, i) => ({ start, end: ends[i] ?? null }));
}

/**
 * @param {{ seconds?: string, title?: string, out?: string, room?: string, demoUrl: string,
 *   'handoff-at': string, kill?: boolean }} opts
 */
export async function runHeadlessHandoff(opts) {
  const { chromium } = await import('playwright-core');
  const seconds = Number(opts.seconds ?? 30);
  const at = Number(opts['handoff-at']);
  if (!(seconds > 0)) fail(`--seconds must be a positive number, got "${opts.seconds}"`);
  if (!(at > 0 && at < seconds - 2))
    fail(
      `--handoff-at must be a number of seconds from 0 to --seconds minus 2, got "${opts['handoff-at']}"`,
    );
  const title = opts.title ?? 'Weekly class';
  const room = opts.room ?? `handoff-${Date.now().toString(36)}`;
  const launch = { executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS };
  // The host's browser carries a switch of its own (Chromium ignores it), so --kill can find
  // every process of it, as a crash or a power cut would take them.
  const mark = `--rr-handoff-host=${process.pid}`;
  const [hostBrowser, modBrowser] = await Promise.all([
    chromium.launch({ ...launch, args: [...launch.args, mark] }),
    chromium.launch(launch),
  ]);
  try {
    const link = (query) => {
      const url = new URL(opts.demoUrl);
      url.search = new URLSearchParams({ ...query, title, room }).toString();
      return url.href;
    };
    const open = async (browser, query) => {
      const page = await (await browser.newContext()).newPage();
      // The pages' own account of the handoff (what storage held, where the time went).
      page.on('console', (m) => {
        if (m.text().startsWith('[room-recorder] ')) console.error(`[${query.user}] ${m.text()}`);
      });
      await page.goto(link(query));
      await page.waitForFunction(() => document.body.dataset.ready === 'true', null, {
        timeout: 60_000,
        polling: 250,
      });
      await page
        .waitForFunction(() => window.__rr.controller.view.canStart.ok, null, {
          timeout: 60_000,
          polling: 250,
        })
        .catch(() => fail(`Record is not available on the ${query.role}'s page`));
      return page;
    };
    const host = await open(hostBrowser, { role: 'host', user: 'host-1' });
    const mod = await open(modBrowser, { role: 'moderator', user: 'mod-1' });
    // The room's time on a page: ms since the recording started, by the page's own clock.
    const elapsed = (page) =>
      page.evaluate(() => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic;
      });
    const until = (page, ms) =>
      page.waitForFunction(
        (t) => {
          const c = window.__rr.controller;
          return (
            c.view.startedAtMonotonic !== null && c.monotonicNow() - c.view.startedAtMonotonic >= t
          );
        },
        ms,
        { timeout: ms + 120_000, polling: 100 },
      );

    await host.getByRole('button', { name: 'More options' }).click();
    await host.getByRole('menuitem', { name: 'Record' }).click();
    await host.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();
    await mod.waitForFunction(() => window.__rr.controller.view.phase === 'recording', null, {
      timeout: 60_000,
      polling: 250,
    });
    console.error('[headless] recording started on the host');
    await until(host, at * 1000);
    // How far the host's encoder was behind then (frames not yet in a fragment are lost).
    const health = await host.evaluate(() => {
      const h = window.__rr.controller.view.health;
      return h && { fps: h.fps, encoderQueue: h.encoderQueue, framesDropped: h.framesDropped };
    });
    console.error(`[headless] the host's health then: ${JSON.stringify(health)}`);
    if (opts.kill) {
      execFileSync('pkill', ['-KILL', '-f', '--', mark]);
      console.error(`[headless] host browser killed at ${at} s`);
    } else {
      // Closing the tab fires pagehide: the page tells the room it goes.
      await host.close();
      await hostBrowser.close();
      console.error(`[headless] host page closed at ${at} s`);
    }
    await mod
      .waitForFunction((text) => window.__rr.notices.includes(text), CONTINUES_HERE, {
        timeout: 120_000,
        polling: 250,
      })
      .catch(() => fail('the moderator page did not continue the recording'));
    const continuedAtSec = (await elapsed(mod)) / 1000;
    console.error(`[headless] the moderator's page continues (${continuedAtSec.toFixed(1)} s)`);

    await until(mod, (seconds - 1.5) * 1000);
    await confirmStopAt(
      mod,
      (await mod.evaluate(() => window.__rr.controller.view.startedAtMonotonic)) + seconds * 1000,
    );
    const stopAt = Date.now();
    await mod.waitForFunction(
      () => ['available', 'failed'].includes(window.__rr.controller.view.phase),
      null,
      { timeout: 180_000, polling: 250 },
    );
    const availableAt = Date.now();
    const { state, stored, bytes, out, probed, timing } = await downloadStored(mod, opts.out);
    // The switch: the longest held picture between a few seconds before the handoff and the
    // moment the moderator's page was continuing.
    const held = freezes(out)
      .map((f) => ({ start: f.start, end: f.end ?? probed.durationSec }))
      .filter((f) => f.end > at - 5 && f.start < continuedAtSec + 1)
      .sort((a, b) => b.end - b.start - (a.end - a.start))[0];
    const decodeErrors = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 'null', '-'], {
      encoding: 'utf8',
    }).stderr.trim();
    return {
      key: stored.objectKey,
      bytes: bytes.length,
      durationSec: probed.durationSec,
      video: probed.video,
      audio: probed.audio,
      maxFrameGapMs: timing.maxFrameGapMs,
      cfr: timing.cfr,
      decodeErrors: decodeErrors ? decodeErrors.split('\n').length : 0,
      stopToAvailableMs: availableAt - stopAt,
      handoff: {
        atSec: at,
        killed: !!opts.kill,
        by: 'mod-1',
        continuedAtSec: Number(continuedAtSec.toFixed(2)),
        gapSec: held ? Number((held.end - held.start).toFixed(2)) : 0,
        heldFromSec: held ? Number(held.start.toFixed(2)) : null,
      },
      notices: state.notices,
      file: out,
    };
  } finally {
    await Promise.all([hostBrowser.close().catch(() => {}), modBrowser.close().catch(() => {})]);
  }
}
