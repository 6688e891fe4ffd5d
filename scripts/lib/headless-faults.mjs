// Faults the headless demo injects while it records (`--fault KIND@AT:SECONDS`), and what the
// host's page showed meanwhile: the fault suite's runs (issue 11) use it, and a user can
// reproduce any of them with one command.
//
//   s3-down@5:30   the local S3 server's process is stopped 5 s into the recording and started
//                  again (same port, same data) 30 s later;
//   offline@5:30   the host page's network is cut (Playwright's setOffline, CDP's network
//                  emulation) for 30 s, 5 s in.

const KINDS = ['s3-down', 'offline'];

/**
 * @param {string | undefined} spec
 * @returns {{ kind: 's3-down' | 'offline', atSec: number, seconds: number } | null}
 */
export function parseFault(spec) {
  if (spec === undefined) return null;
  const m = /^([a-z0-9-]+)@(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m || !KINDS.includes(m[1])) {
    throw new Error(
      `--fault must be KIND@AT:SECONDS with KIND one of ${KINDS.join(', ')} (for example ` +
        `s3-down@5:30: storage stopped 5 s into the recording, for 30 s), got "${spec}"`,
    );
  }
  return { kind: m[1], atSec: Number(m[2]), seconds: Number(m[3]) };
}

/**
 * What the host page shows about saving, read the way a user sees it: the indicator's save
 * line, plus the controller's figures behind it.
 */
function readHost() {
  const find = (root) => {
    const hit = root.querySelector('rr-indicator');
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  const indicator = find(document);
  const view = window.__rr.controller.view;
  return {
    saveText: indicator?.shadowRoot?.querySelector('[part="save"]')?.textContent?.trim() ?? null,
    phase: view.phase,
    unsavedBytes: view.indicator.save?.unsavedBytes ?? null,
    backlogBytes: view.health?.uploadBacklogBytes ?? null,
    warnings: view.health?.warnings ?? [],
  };
}

/**
 * Starts `fault` against the run (times from `startedAt`, a `Date.now()`), watching the host
 * page every 250 ms until `stop()`. The report says what the host saw before and during it.
 *
 * @param {{ fault: NonNullable<ReturnType<typeof parseFault>>, page: import('playwright-core').Page,
 *   startedAt: number, s3: { down: () => Promise<void>, up: () => Promise<void> } }} opts
 */
export function startFault({ fault, page, startedAt, s3 }) {
  const samples = [];
  let applied = null;
  let lifted = null;
  let watching = true;
  const failures = [];
  const at = (sec) => startedAt + sec * 1000;
  const wait = (until) => new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));

  const apply = async (on) => {
    if (fault.kind === 's3-down') await (on ? s3.down() : s3.up());
    else await page.context().setOffline(on);
  };
  const schedule = (async () => {
    await wait(at(fault.atSec));
    await apply(true);
    applied = Date.now();
    await wait(at(fault.atSec + fault.seconds));
    await apply(false);
    lifted = Date.now();
  })().catch((e) => failures.push(`the fault could not be applied or lifted: ${e.message}`));

  const watch = (async () => {
    while (watching) {
      const seen = await page.evaluate(readHost).catch(() => null);
      if (seen) samples.push({ t: Date.now(), ...seen });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  return {
    /** Waits for the fault to be lifted (a run stopping earlier would not test it). */
    lifted: () => schedule,
    async stop() {
      watching = false;
      await watch;
      await schedule;
      if (failures.length) throw new Error(failures.join('; '));
      return report(fault, samples, applied, lifted, startedAt);
    },
  };
}

function report(fault, samples, applied, lifted, startedAt) {
  const sec = (t) => Number(((t - startedAt) / 1000).toFixed(2));
  const before = samples.filter((s) => s.t < applied && s.t >= applied - 5000);
  const during = samples.filter((s) => s.t >= applied && s.t < lifted);
  const normal = Math.max(0, ...before.map((s) => s.unsavedBytes ?? 0));
  const distinct = (list) => [...new Set(list.filter(Boolean))];
  return {
    kind: fault.kind,
    atSec: applied ? sec(applied) : null,
    seconds: applied && lifted ? Number(((lifted - applied) / 1000).toFixed(2)) : null,
    unsavedBytesBefore: normal,
    maxUnsavedBytes: Math.max(0, ...samples.map((s) => s.unsavedBytes ?? 0)),
    // The save line's wording during the fault (sizes replaced by N), and the warnings shown.
    saveTextsDuring: distinct(during.map((s) => s.saveText?.replace(/[\d.,]+\s*[kMG]?B/g, 'N'))),
    warningsDuring: distinct(during.flatMap((s) => s.warnings)),
    phasesDuring: distinct(during.map((s) => s.phase)),
  };
}
