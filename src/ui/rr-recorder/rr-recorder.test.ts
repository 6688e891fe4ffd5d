import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { RrConfirm } from '../rr-confirm/rr-confirm.js';
import type { RrIndicator } from '../rr-indicator/rr-indicator.js';
import type { RrMenu } from '../rr-menu/rr-menu.js';
import type { RrRecordings } from '../rr-recordings/rr-recordings.js';
import type { RrToasts } from '../rr-toasts/rr-toasts.js';
import { axeViolations } from '../../../test/support/ui/axe.js';
import {
  TestRoom,
  sampleEntries,
  testPage,
  type TestPage,
} from '../../../test/support/ui/test-room.js';
import {
  focused,
  mount,
  record,
  settle,
  unmountAll,
  until,
} from '../../../test/support/ui/fixture.js';
import './rr-recorder.js';
import type { RecorderElementConfig } from '../../recorder/controller-types.js';
import { RrRecorder } from './rr-recorder.js';

const inner = <K extends keyof HTMLElementTagNameMap>(el: RrRecorder, tag: K) =>
  el.shadowRoot!.querySelector(tag) as HTMLElementTagNameMap[K];
const menu = (el: RrRecorder) => inner(el, 'rr-menu') as RrMenu;
const confirm = (el: RrRecorder) => inner(el, 'rr-confirm') as RrConfirm;
const indicator = (el: RrRecorder) => inner(el, 'rr-indicator') as RrIndicator;
const toasts = (el: RrRecorder) => inner(el, 'rr-toasts') as RrToasts;
const trigger = (el: RrRecorder) =>
  menu(el).shadowRoot!.querySelector<HTMLButtonElement>('[part="trigger"]');
const menuItems = (el: RrRecorder) =>
  [...menu(el).shadowRoot!.querySelectorAll<HTMLElement>('[role="menuitem"]')].map(
    (i) => i.dataset.item,
  );
const toastTexts = (el: RrRecorder) =>
  [...toasts(el).shadowRoot!.querySelectorAll('[part="message"]')].map((m) => m.textContent);
const confirmPart = (el: RrRecorder, name: string) =>
  confirm(el).shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`)!;

async function settleAll(el: RrRecorder): Promise<void> {
  await settle(el);
  for (const child of el.shadowRoot!.querySelectorAll('*')) {
    if ('updateComplete' in child) await settle(child);
  }
}

describe('rr-recorder', () => {
  afterEach(unmountAll);

  it('reads its attributes; the room role leaves the ARIA role attribute', async () => {
    const el = await mount(
      'rr-recorder',
      {},
      {
        role: 'moderator',
        'user-id': 'u7',
        'meeting-title': 'Weekly class',
        'room-id': 'r1',
        'room-type': 'channel',
        'channel-owner-id': 'c1',
        'gallery-owner-id': 'g1',
        'media-owner-id': 'm1',
        mobile: '',
        'time-zone': 'Europe/Paris',
      },
    );
    expect(el.userRole).to.equal('moderator');
    expect(el.hasAttribute('role')).to.equal(false);
    expect(el.getAttribute('user-role')).to.equal('moderator');
    expect([el.userId, el.meetingTitle, el.roomId, el.roomType]).to.deep.equal([
      'u7',
      'Weekly class',
      'r1',
      'channel',
    ]);
    expect([el.channelOwnerId, el.galleryOwnerId, el.mediaOwnerId]).to.deep.equal([
      'c1',
      'g1',
      'm1',
    ]);
    expect(el.mobile).to.equal(true);
    expect(el.timeZone).to.equal('Europe/Paris');
    el.setAttribute('notice-duration', '1500');
    await settleAll(el);
    expect(toasts(el).duration).to.equal(1500);
    const canvas = document.createElement('canvas');
    el.stage = canvas;
    expect([el.stage, el.webcams, el.audioTracks]).to.deep.equal([canvas, [], []]);
  });

  it('B2-B7: the host walks Record -> confirm -> recording -> square -> red confirm with the keyboard', async () => {
    const c = testPage({ role: 'host' });
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    expect(menuItems(el)).to.deep.equal(['record', 'media-files']);
    const requests = record(el, 'rr-record-request');
    const confirms = record(el, 'rr-confirm');
    const shown = record(el, 'rr-toast-show');

    // Open the menu with the keyboard and choose Record.
    trigger(el)!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await settleAll(el);
    await sendKeys({ press: 'Enter' });
    await settleAll(el);
    expect(requests, 'the event also bubbles out of rr-recorder').to.have.length(1);
    expect(c.view.phase).to.equal('confirming-start');
    expect(confirm(el).open).to.equal(true);
    expect(confirmPart(el, 'title').textContent!.trim()).to.equal(
      'Do you want to start recording?',
    );
    expect(focused()).to.equal(confirmPart(el, 'accept'));
    expect(await axeViolations(el)).to.deep.equal([]);

    // Enter on Start Recording.
    await sendKeys({ press: 'Enter' });
    await until(() => c.view.phase === 'recording');
    await settleAll(el);
    expect(confirms.map((e) => e.detail)).to.deep.equal([{ kind: 'start' }]);
    expect(c.calls).to.deep.equal(['requestStart', 'confirmStart']);
    expect(shown.map((e) => e.detail.key)).to.deep.equal([
      'notice.recording-starting',
      'notice.recording-started',
    ]);
    expect(toastTexts(el)).to.deep.equal(['This session is being recorded.']);
    expect(indicator(el).active).to.equal(true);
    expect(indicator(el).showElapsed).to.equal(true);
    expect(indicator(el).showStop).to.equal(true);
    expect(menuItems(el)).to.deep.equal(['stop', 'media-files']);
    expect(focused(), 'focus came back to the three dots').to.equal(trigger(el));
    expect(await axeViolations(el)).to.deep.equal([]);

    // The square opens the red confirm; Tab to Stop recording, Enter.
    const stop = indicator(el).shadowRoot!.querySelector<HTMLButtonElement>('[part="stop"]')!;
    stop.focus();
    await sendKeys({ press: 'Enter' });
    await settleAll(el);
    expect(c.view.phase).to.equal('confirming-stop');
    expect(confirmPart(el, 'accept').textContent!.trim()).to.equal('Stop recording');
    expect(focused()).to.equal(confirmPart(el, 'cancel'));
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(confirmPart(el, 'accept'));
    await sendKeys({ press: 'Enter' });
    await until(() => c.view.phase === 'uploading');
    await settleAll(el);
    expect(confirms.map((e) => e.detail)).to.deep.equal([{ kind: 'start' }, { kind: 'stop' }]);
    expect(toastTexts(el)).to.deep.equal(['Recording ended, starting upload']);
    expect(indicator(el).active).to.equal(false);

    // B8: available, with a link.
    c.finishUpload({
      recordingId: 'x',
      objectKey: 'k',
      fileName: 'f.mp4',
      bytes: 1,
      durationSec: 1,
      url: 'https://storage.example/f.mp4',
    });
    await settleAll(el);
    const link = toasts(el).shadowRoot!.querySelector<HTMLAnchorElement>('[part="link"]')!;
    expect(link.href).to.equal('https://storage.example/f.mp4');
    expect(toastTexts(el)).to.deep.equal(['The recording is available.']);
  });

  /** Mounts the element, opens the menu with Enter and chooses its first item with Enter. */
  async function openFirstItemByKeyboard(c: TestPage) {
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    trigger(el)!.focus();
    await sendKeys({ press: 'Enter' });
    await settleAll(el);
    await sendKeys({ press: 'Enter' });
    await settleAll(el);
    return el;
  }

  it('Escape in the start confirm cancels through the controller and returns focus', async () => {
    const c = testPage({ role: 'moderator' });
    const el = await openFirstItemByKeyboard(c);
    expect(c.view.phase).to.equal('confirming-start');
    await sendKeys({ press: 'Escape' });
    await until(() => c.view.phase === 'idle');
    await settleAll(el);
    expect(c.calls).to.deep.equal(['requestStart', 'cancelConfirm']);
    expect(confirm(el).open).to.equal(false);
    expect(focused()).to.equal(trigger(el));
  });

  it('Escape in the stop confirm keeps recording', async () => {
    const c = testPage({ role: 'host' });
    await c.record();
    await openFirstItemByKeyboard(c);
    expect(c.view.phase).to.equal('confirming-stop');
    await sendKeys({ press: 'Escape' });
    await until(() => c.view.phase === 'recording');
    expect(c.calls).to.deep.equal(['requestStop', 'cancelConfirm']);
  });

  it('B1/B5: a late-joining participant sees the indicator without counter or stop, and no Record', async () => {
    const room = new TestRoom();
    await room.join({ role: 'host' }).record();
    const c = room.join({ role: 'participant' });
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    expect(menuItems(el)).to.deep.equal(['media-files']);
    expect(indicator(el).active).to.equal(true);
    expect(indicator(el).showElapsed).to.equal(false);
    expect(indicator(el).showStop).to.equal(false);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('B1: a mobile host has no Record and no stop', async () => {
    const room = new TestRoom();
    const c = room.join({ role: 'host', mobile: true });
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    expect(menuItems(el)).to.deep.equal(['media-files']);
    await room.join({ role: 'moderator' }).record();
    await settleAll(el);
    expect(c.view.phase).to.equal('recording');
    expect(menuItems(el)).to.deep.equal(['media-files']);
    expect(indicator(el).showStop).to.equal(false);
  });

  it('X4/X5: pre-flight problems and health warnings reach the menu and indicator', async () => {
    const c = testPage({ role: 'host', preflight: { ok: false, problems: ['no-h264'] } });
    const el = await mount('rr-recorder', { controller: c });
    await c.controller.refreshPreflight();
    await settleAll(el);
    expect(menu(el).preflightProblems).to.deep.equal(['no-h264']);
    await menu(el).show();
    const rec = menu(el).shadowRoot!.querySelector('[data-item="record"]')!;
    expect(rec.getAttribute('aria-disabled')).to.equal('true');
    expect(rec.textContent).to.contain('This browser has no H.264 encoder.');
    c.engine!.preflightResult = { ok: true, problems: [] };
    await c.controller.refreshPreflight();
    await c.record();
    c.engine!.emitHealth({
      framesEncoded: 1,
      framesDropped: 40,
      fps: 20,
      encoderQueue: 0,
      bytesWritten: 0,
      avDriftMs: 0,
      composeMsP50: 30,
      uploadBacklogBytes: 0,
      storageAvailableBytes: null,
      storageMinutesLeft: null,
      warnings: ['frames-dropping'],
    });
    await settleAll(el);
    expect(indicator(el).warnings).to.deep.equal(['frames-dropping']);
  });

  it('X10: the recording page shows where the recording is, through Stop until all is saved', async () => {
    const room = new TestRoom();
    const host = room.join({ role: 'host' });
    const guest = room.join({ role: 'participant' });
    const el = await mount('rr-recorder', { controller: host });
    const other = await mount('rr-recorder', { controller: guest });
    await host.record();
    host.engine!.emitSave({ where: 'in-memory', unsavedBytes: 5_200_000 });
    await settleAll(el);
    const saveText = (e: RrRecorder) =>
      indicator(e).shadowRoot!.querySelector('[part="save"]')?.textContent ?? null;
    const label = (e: RrRecorder) =>
      indicator(e).shadowRoot!.querySelector('[part="label"]')?.textContent;
    expect(saveText(el)).to.equal('5.2 MB not uploaded yet');
    expect(saveText(other), 'only the page that records says it').to.equal(null);

    host.controller.requestStop();
    await host.controller.confirmStop();
    await until(() => host.view.phase === 'uploading');
    host.engine!.emitSave({ where: 'on-device', unsavedBytes: 8_100_000 });
    await settleAll(el);
    await settleAll(other);
    expect(indicator(el).active, 'still shown while saving').to.equal(true);
    expect(indicator(el).saving).to.equal(true);
    expect(indicator(el).showElapsed).to.equal(false);
    expect(indicator(el).showStop).to.equal(false);
    expect(label(el)).to.equal('Saving');
    expect(saveText(el)).to.equal(
      'Saved on this device, 8.1 MB to upload. You can close this page.',
    );
    expect(indicator(other).active, 'the others see the recording ended').to.equal(false);
    expect(await axeViolations(el)).to.deep.equal([]);

    host.engine!.emitSave({ where: 'saved', unsavedBytes: 0 });
    host.finishUpload({
      recordingId: 'x',
      objectKey: 'k',
      fileName: 'f.mp4',
      bytes: 1,
      durationSec: 1,
      url: 'https://storage.example/f.mp4',
    });
    await until(() => host.view.phase === 'available');
    await settleAll(el);
    expect(indicator(el).active).to.equal(false);
    room.dispose();
  });

  it('B12: Media and Files opens the Recordings folder from the controller', async () => {
    const c = testPage({ role: 'participant', recordings: sampleEntries() });
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    const opens = record(el, 'rr-open-recordings');
    trigger(el)!.click();
    await settleAll(el);
    menu(el).shadowRoot!.querySelector<HTMLElement>('[data-item="media-files"]')!.click();
    const dialog = el.shadowRoot!.querySelector<HTMLDialogElement>('[part="recordings-dialog"]')!;
    expect(dialog.open).to.equal(true);
    const list = inner(el, 'rr-recordings') as RrRecordings;
    await until(() => list.state === 'ready');
    await settleAll(el);
    expect(opens).to.have.length(1);
    expect(list.entries).to.have.length(2);
    expect(list.shadowRoot!.querySelectorAll('tbody tr')).to.have.length(2);
    expect(await axeViolations(el)).to.deep.equal([]);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="recordings-close"]')!.click();
    await settleAll(el);
    expect(dialog.open).to.equal(false);
    expect(focused()).to.equal(trigger(el));
  });

  it('a failed listing shows the error state and retries', async () => {
    const c = testPage({ role: 'host' });
    c.library.failList = true;
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    menu(el).dispatchEvent(
      new CustomEvent('rr-open-recordings', { bubbles: true, composed: true }),
    );
    const list = inner(el, 'rr-recordings') as RrRecordings;
    await until(() => list.state === 'error');
    c.library.failList = false;
    await settleAll(el);
    list.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!.click();
    await until(() => list.state === 'ready');
    expect(c.calls.filter((x) => x === 'listRecordings')).to.have.length(2);
  });

  it('a refused request shows its reason as a notice', async () => {
    const c = testPage({ role: 'host' });
    c.requestStart = () => ({ ok: false, reason: 'locked-elsewhere' });
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    menu(el).dispatchEvent(new CustomEvent('rr-record-request', { bubbles: true, composed: true }));
    await settleAll(el);
    expect(toastTexts(el)).to.deep.equal(['Another tab is already recording this room.']);
  });

  it('strings and theme pass down to every element', async () => {
    const c = testPage({ role: 'host' });
    await c.record();
    const el = await mount('rr-recorder', {
      controller: c,
      theme: 'dark',
      strings: { 'indicator.label': 'Aufnahme', 'menu.stop': 'Aufnahme beenden' },
    });
    await settleAll(el);
    const label = indicator(el).shadowRoot!.querySelector('[part="label"]')!;
    expect(label.textContent).to.equal('Aufnahme');
    expect(menu(el).getAttribute('theme')).to.equal('dark');
    expect(indicator(el).getAttribute('theme')).to.equal('dark');
    await menu(el).show();
    const stop = menu(el).shadowRoot!.querySelector('[data-item="stop"]')!;
    expect(stop.textContent!.trim()).to.equal('Aufnahme beenden');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('a --rr-* property set on rr-recorder reaches the inner elements', async () => {
    const c = testPage({ role: 'host' });
    await c.record();
    const el = await mount('rr-recorder', { controller: c });
    await settleAll(el);
    el.style.setProperty('--rr-color-recording', 'rgb(0, 0, 255)');
    const dot = indicator(el).shadowRoot!.querySelector('[part="dot"]')!;
    expect(getComputedStyle(dot).backgroundColor).to.equal('rgb(0, 0, 255)');
  });

  it('unsubscribes when the controller is replaced or the element leaves', async () => {
    const a = testPage({ role: 'host' });
    const b = testPage({ role: 'participant' });
    const el = await mount('rr-recorder', { controller: a });
    expect(a.subscriberCount).to.equal(2);
    el.controller = b;
    await settleAll(el);
    expect(a.subscriberCount).to.equal(0);
    expect(b.subscriberCount).to.equal(2);
    expect(menuItems(el)).to.deep.equal(['media-files']);
    el.remove();
    expect(b.subscriberCount).to.equal(0);
  });

  it('builds its own controller through controllerFactory when none is given', async () => {
    const built = testPage({ role: 'host' });
    const seen: RecorderElementConfig[] = [];
    RrRecorder.controllerFactory = (element) => {
      seen.push(element);
      return built;
    };
    try {
      const el = await mount('rr-recorder', {}, { role: 'host' });
      await settleAll(el);
      expect(seen).to.deep.equal([el]);
      expect(el.activeController).to.equal(built);
      expect(menuItems(el)).to.deep.equal(['record', 'media-files']);
    } finally {
      RrRecorder.controllerFactory = null;
    }
  });

  it('builds its own controller after properties set right after adding it, and rebuilds it when idle', async () => {
    const built: Array<{ storage: unknown; c: TestPage; disposed: boolean }> = [];
    RrRecorder.controllerFactory = (element) => {
      const c = testPage({ role: 'host' });
      const entry = { storage: element.storage, c, disposed: false };
      const dispose = c.dispose.bind(c);
      c.dispose = () => {
        entry.disposed = true;
        dispose();
      };
      built.push(entry);
      return c;
    };
    try {
      const el = document.createElement('rr-recorder');
      document.body.appendChild(el);
      el.storage = { kind: 'first' };
      await settleAll(el);
      expect(built.map((b) => b.storage)).to.deep.equal([{ kind: 'first' }]);
      el.storage = { kind: 'second' };
      await settleAll(el);
      expect(built.map((b) => b.storage)).to.deep.equal([{ kind: 'first' }, { kind: 'second' }]);
      expect(built[0]!.disposed).to.equal(true);
      expect(built[0]!.c.subscriberCount).to.equal(0);
      expect(el.activeController).to.equal(built[1]!.c);
      // While recording, a change does not replace the recorder.
      await built[1]!.c.record();
      el.storage = { kind: 'third' };
      await settleAll(el);
      expect(built).to.have.length(2);
      el.remove();
    } finally {
      RrRecorder.controllerFactory = null;
    }
  });

  it('notices that arrive before the first render are not lost', async () => {
    const room = new TestRoom();
    const c = room.join({ role: 'participant' });
    const el = document.createElement('rr-recorder');
    el.controller = c;
    document.body.appendChild(el);
    // The host starts before the participant's element has rendered.
    await room.join({ role: 'host' }).record();
    await settleAll(el);
    expect(toastTexts(el)).to.deep.equal(['This session is being recorded.']);
    el.remove();
  });
});
