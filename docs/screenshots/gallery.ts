/**
 * The page scripts/screenshots.mjs photographs: `window.rrShow(name)` renders one state of
 * one element on a clean page. Bundled by esbuild; not part of the package.
 */
import { RR_ELEMENTS } from '../../src/ui/index.js';
import type {
  RrConfirm,
  RrIndicator,
  RrMenu,
  RrRecorder,
  RrRecordings,
  RrToasts,
} from '../../src/ui/index.js';
import { TestRoom, sampleEntries, testPage } from '../../test/support/ui/test-room.js';

type Setup = (stage: HTMLElement) => Promise<void> | void;

const add = <K extends keyof HTMLElementTagNameMap>(
  parent: HTMLElement,
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  Object.assign(el, props);
  parent.appendChild(el);
  return el;
};

/** A strip that stands for the room's toolbar, with the menu at its right end. */
function toolbar(stage: HTMLElement): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'toolbar';
  bar.innerHTML = '<span class="room">Weekly class</span>';
  stage.appendChild(bar);
  return bar;
}

async function openMenu(stage: HTMLElement, props: Partial<RrMenu>): Promise<void> {
  const menu = add(toolbar(stage), 'rr-menu', props);
  await menu.updateComplete;
  await menu.show();
}

const started = performance.now() - (1 * 3600 + 2 * 60 + 3) * 1000;

const states: Record<string, Setup> = {
  'menu-closed': (s) => void add(toolbar(s), 'rr-menu', { record: { state: 'ready' } }),
  'menu-host': (s) => openMenu(s, { record: { state: 'ready' } }),
  'menu-host-dark': (s) => openMenu(s, { record: { state: 'ready' }, theme: 'dark' }),
  'menu-recording': (s) =>
    openMenu(s, { record: { state: 'hidden' }, stop: { state: 'ready' } }),
  'menu-participant': (s) => openMenu(s, { record: { state: 'hidden' } }),
  'menu-preflight-failed': (s) =>
    openMenu(s, {
      record: { state: 'off', reason: 'preflight-failed' },
      preflightProblems: ['no-h264'],
    }),
  'menu-locked-elsewhere': (s) =>
    openMenu(s, { record: { state: 'off', reason: 'locked-elsewhere' } }),
  'confirm-start': (s) => void add(s, 'rr-confirm', { kind: 'start', open: true }),
  'confirm-stop': (s) => void add(s, 'rr-confirm', { kind: 'stop', open: true }),
  'confirm-stop-dark': (s) =>
    void add(s, 'rr-confirm', { kind: 'stop', open: true, theme: 'dark' }),
  'toasts-starting': (s) => {
    add(s, 'rr-toasts', { duration: 0 }).show({ id: 'recording-starting', audience: 'everyone' });
  },
  'toasts-started': (s) => {
    add(s, 'rr-toasts', { duration: 0 }).show({ id: 'recording-started', audience: 'everyone' });
  },
  'toasts-ended': (s) => {
    const t: RrToasts = add(s, 'rr-toasts', { duration: 0 });
    t.show({ id: 'recording-ended-uploading', audience: 'initiator' });
    t.show({ id: 'recording-completed', audience: 'others' });
  },
  'toasts-available': (s) => {
    add(s, 'rr-toasts', { duration: 0 }).show({
      id: 'recording-available',
      audience: 'initiator',
      params: { url: 'https://storage.example/rec.mp4' },
    });
  },
  'toasts-problems': (s) => {
    const t: RrToasts = add(s, 'rr-toasts', { duration: 0, theme: 'dark' });
    t.show({ id: 'recording-cap-reached', audience: 'everyone', params: { hours: '24' } });
    t.show({ id: 'recording-failed', audience: 'initiator', params: { reason: 'disk full' } });
    t.showRefusal('locked-elsewhere');
  },
  'indicator-participant': (s) =>
    void add(s, 'rr-indicator', { active: true, startedAt: started }),
  'indicator-host': (s) =>
    void add(s, 'rr-indicator', {
      active: true,
      startedAt: started,
      showElapsed: true,
      showStop: true,
    }),
  'indicator-warning': (s) =>
    void add(s, 'rr-indicator', {
      active: true,
      startedAt: started,
      showElapsed: true,
      showStop: true,
      warnings: ['upload-lagging'],
    }),
  'indicator-host-dark': (s) =>
    void add(s, 'rr-indicator', {
      active: true,
      startedAt: started,
      showElapsed: true,
      showStop: true,
      theme: 'dark',
    }),
  'recordings-list': (s) =>
    void add(s, 'rr-recordings', {
      entries: sampleEntries(),
      resolveLink: async () => 'https://storage.example/x.mp4',
      timeZone: 'UTC',
      locale: 'en-GB',
    }),
  'recordings-list-dark': (s) =>
    void add(s, 'rr-recordings', {
      entries: sampleEntries(),
      resolveLink: async () => 'https://storage.example/x.mp4',
      timeZone: 'UTC',
      locale: 'en-GB',
      theme: 'dark',
    }),
  'recordings-empty': (s) => void add(s, 'rr-recordings', { entries: [] }),
  'recordings-loading': (s) => void add(s, 'rr-recordings', { state: 'loading' }),
  'recordings-error': (s) => void add(s, 'rr-recordings', { state: 'error' }),
  'recorder-host-recording': (s) => recorder(s, 'host', 'light'),
  'recorder-participant-recording': (s) => recorder(s, 'participant', 'light'),
  'recorder-host-dark': (s) => recorder(s, 'host', 'dark'),
  'recorder-recordings-folder': async (s) => {
    const c = testPage({ role: 'host', recordings: sampleEntries() });
    const el: RrRecorder = add(toolbar(s), 'rr-recorder', { controller: c, timeZone: 'UTC' });
    await el.updateComplete;
    const menu = el.shadowRoot!.querySelector('rr-menu')!;
    menu.dispatchEvent(new CustomEvent('rr-open-recordings', { bubbles: true, composed: true }));
  },
};

async function recorder(s: HTMLElement, role: 'host' | 'participant', theme: 'light' | 'dark') {
  // A host page records; the page shown is that host or a participant in the same room.
  const room = new TestRoom();
  const host = room.join({ role: 'host', elapsedAtStartMs: (1 * 3600 + 2 * 60 + 3) * 1000 });
  const c = role === 'host' ? host : room.join({ role });
  const el: RrRecorder = add(toolbar(s), 'rr-recorder', { controller: c, theme });
  await el.updateComplete;
  await host.record();
  if (role === 'host') {
    const menu = el.shadowRoot!.querySelector('rr-menu') as RrMenu;
    await menu.updateComplete;
    await menu.show();
  }
}

declare global {
  interface Window {
    rrShow(name: string, dark: boolean): Promise<void>;
    rrStates: string[];
  }
}

// Using the element map keeps every definition in the bundle (package.json marks src/ui
// modules side-effect free, so a bare import would be dropped).
window.rrStates = Object.keys(states).filter(() => Object.keys(RR_ELEMENTS).length === 6);
window.rrShow = async (name, dark) => {
  document.body.replaceChildren();
  document.body.classList.toggle('dark', dark);
  const stage = document.createElement('main');
  document.body.appendChild(stage);
  await states[name]!(stage);
  // Two frames: nested elements render, dialogs and focus settle.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (const el of document.querySelectorAll<RrConfirm | RrIndicator | RrRecordings>('*')) {
    if ('updateComplete' in el) await el.updateComplete;
  }
};
