import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { axeViolations } from '../../../test/support/ui/axe.js';
import { mount, record, settle, unmountAll, until } from '../../../test/support/ui/fixture.js';
import './rr-toasts.js';
import type { RrToasts } from './rr-toasts.js';

const texts = (el: RrToasts) =>
  [...el.shadowRoot!.querySelectorAll('[part="message"]')].map((m) => m.textContent);

describe('rr-toasts', () => {
  afterEach(unmountAll);

  it('B3/B7: shows the exact notice texts in a polite live region', async () => {
    const el = await mount('rr-toasts');
    const stack = el.shadowRoot!.querySelector('[part="stack"]')!;
    expect(stack.getAttribute('aria-live')).to.equal('polite');
    expect(stack.getAttribute('role')).to.equal('status');
    const dismissals = record(el, 'rr-toast-dismiss');
    el.show({ id: 'recording-starting', audience: 'everyone' });
    await settle(el);
    expect(texts(el)).to.deep.equal(['Recording will start momentarily, please wait.']);
    el.show({ id: 'recording-started', audience: 'everyone' });
    await settle(el);
    expect(texts(el), 'started replaces starting').to.deep.equal([
      'This session is being recorded.',
    ]);
    expect(dismissals.map((e) => e.detail.reason)).to.deep.equal(['superseded']);
    el.showRefusal('busy');
    el.show({ id: 'recording-ended-uploading', audience: 'initiator' });
    await settle(el);
    expect(texts(el)).to.deep.equal([
      'Please wait, the recorder is busy.',
      'Recording ended, starting upload',
    ]);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('queues beyond max and shows the next when one is dismissed', async () => {
    const el = await mount('rr-toasts', { max: 2 });
    const shows = record(el, 'rr-toast-show');
    const dismissals = record(el, 'rr-toast-dismiss');
    el.show({ id: 'recording-starting', audience: 'everyone' });
    const second = el.show({ id: 'recording-room-ended', audience: 'everyone' });
    el.show({ id: 'recording-cap-reached', audience: 'everyone', params: { hours: '24' } });
    await settle(el);
    expect(texts(el)).to.have.length(2);
    expect(shows).to.have.length(2);
    const dismiss = el.shadowRoot!.querySelector<HTMLButtonElement>(
      `[data-toast-id="${second}"] [part="dismiss"]`,
    )!;
    expect(dismiss.getAttribute('aria-label')).to.equal('Dismiss');
    dismiss.focus();
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(texts(el)).to.deep.equal([
      'Recording will start momentarily, please wait.',
      'The recording reached its time limit of 24 hours and has stopped. It has been saved.',
    ]);
    expect(dismissals).to.have.length(1);
    expect(dismissals[0]!.detail).to.deep.include({
      toastId: second,
      key: 'notice.recording-room-ended',
      reason: 'user',
    });
    expect(dismissals[0]!.detail.notice).to.deep.equal({
      id: 'recording-room-ended',
      audience: 'everyone',
    });
    expect(shows).to.have.length(3);
  });

  it('auto-dismisses after the configured time', async () => {
    const el = await mount('rr-toasts', { duration: 80 });
    const dismissals = record(el, 'rr-toast-dismiss');
    el.show({ id: 'recording-completed', audience: 'others' });
    await settle(el);
    expect(texts(el)).to.have.length(1);
    await until(() => dismissals.length === 1, 1000);
    await settle(el);
    expect(dismissals[0]!.detail.reason).to.equal('timeout');
    expect(texts(el)).to.have.length(0);
  });

  it('B8: the available notice links to the recording and stays until dismissed', async () => {
    const el = await mount('rr-toasts', { duration: 50 });
    el.show({
      id: 'recording-available',
      audience: 'initiator',
      params: { url: 'https://storage.example/rec.mp4?sig=1' },
    });
    await settle(el);
    const link = el.shadowRoot!.querySelector<HTMLAnchorElement>('[part="link"]')!;
    expect(link.href).to.equal('https://storage.example/rec.mp4?sig=1');
    expect(link.textContent).to.equal('Open the recording');
    expect(texts(el)).to.deep.equal(['The recording is available.']);
    await new Promise((r) => setTimeout(r, 120));
    expect(texts(el), 'linkDuration 0 keeps it').to.have.length(1);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('never binds a javascript: link, and interpolated text is not parsed as HTML', async () => {
    const el = await mount('rr-toasts');
    el.show({
      id: 'recording-available',
      audience: 'initiator',
      params: { url: 'javascript:alert(1)' },
    });
    el.show({
      id: 'recording-failed',
      audience: 'initiator',
      params: { reason: '<img src=x onerror=alert(1)>' },
    });
    await settle(el);
    expect(el.shadowRoot!.querySelector('[part="link"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(texts(el)[1]).to.equal('The recording failed: <img src=x onerror=alert(1)>');
  });

  it('B11 and refusals: every notice id and refusal has text', async () => {
    const el = await mount('rr-toasts', { max: 10 });
    el.show({
      id: 'recording-cap-reached',
      audience: 'everyone',
      params: { limitMs: '20000', hours: '0' },
    });
    el.show({
      id: 'recording-host-away-stopped',
      audience: 'everyone',
      params: { limitMs: '900000', minutes: '15' },
    });
    el.showRefusal('locked-elsewhere');
    await settle(el);
    // An integrator's shorter cap is named as it is, never as "0 hours".
    expect(texts(el)).to.deep.equal([
      'The recording reached its time limit of 20 seconds and has stopped. It has been saved.',
      'The recording stopped because no host or moderator was in the room for 15 minutes. It has been saved.',
      'Another tab is already recording this room.',
    ]);
  });

  it('replacing a string changes the text (with {param} interpolation)', async () => {
    const el = await mount('rr-toasts', {
      strings: {
        'notice.recording-completed': 'Die Aufnahme ist abgeschlossen.',
        'notice.recording-failed': 'Fehler: {reason}!',
      },
    });
    el.show({ id: 'recording-completed', audience: 'others' });
    el.show({ id: 'recording-failed', audience: 'initiator', params: { reason: 'disk' } });
    await settle(el);
    expect(texts(el)).to.deep.equal(['Die Aufnahme ist abgeschlossen.', 'Fehler: disk!']);
  });

  it('a --rr-* property changes the computed style', async () => {
    const el = await mount('rr-toasts');
    el.show({ id: 'recording-completed', audience: 'others' });
    await settle(el);
    el.style.setProperty('--rr-toast-background', 'rgb(4, 5, 6)');
    el.style.setProperty('--rr-z-toasts', '4242');
    const toast = el.shadowRoot!.querySelector('[part~="toast"]')!;
    expect(getComputedStyle(toast).backgroundColor).to.equal('rgb(4, 5, 6)');
    expect(getComputedStyle(el).zIndex).to.equal('4242');
    expect(getComputedStyle(el).position).to.equal('fixed');
  });

  it('axe: no violations empty and in dark', async () => {
    const el = await mount('rr-toasts', { theme: 'dark' });
    expect(await axeViolations(el)).to.deep.equal([]);
    el.show({ id: 'recording-completed', audience: 'others' });
    el.show({ id: 'recording-failed', audience: 'initiator', params: { reason: 'x' } });
    await settle(el);
    expect(texts(el)).to.have.length(2);
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});
