import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { axeViolations } from '../../../test/support/ui/axe.js';
import { focused, mount, record, settle, unmountAll } from '../../../test/support/ui/fixture.js';
import './rr-menu.js';
import type { RrMenu } from './rr-menu.js';

const items = (el: RrMenu) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="menuitem"]')].map((i) => i.dataset.item);
const trigger = (el: RrMenu) =>
  el.shadowRoot!.querySelector<HTMLButtonElement>('[part="trigger"]')!;
const item = (el: RrMenu, id: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[data-item="${id}"]`)!;

describe('rr-menu', () => {
  afterEach(unmountAll);

  it('B1: a host gets Record and Media and Files; the keyboard opens, moves and closes', async () => {
    const el = await mount('rr-menu', { record: { state: 'ready' } });
    expect(items(el)).to.deep.equal(['record', 'media-files']);
    trigger(el).focus();
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(el.open).to.equal(true);
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
    expect(focused()).to.equal(item(el, 'record'));
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(item(el, 'media-files'));
    await sendKeys({ press: 'ArrowDown' });
    expect(focused(), 'wraps to the first').to.equal(item(el, 'record'));
    await sendKeys({ press: 'ArrowUp' });
    expect(focused(), 'wraps to the last').to.equal(item(el, 'media-files'));
    await sendKeys({ press: 'Home' });
    expect(focused()).to.equal(item(el, 'record'));
    await sendKeys({ press: 'Escape' });
    await settle(el);
    expect(el.open).to.equal(false);
    expect(el.shadowRoot!.querySelector('[part="menu"]')!.hasAttribute('hidden')).to.equal(true);
    expect(focused(), 'focus returns to the button').to.equal(trigger(el));
  });

  it('Space and ArrowDown open it too; ArrowUp opens on the last item', async () => {
    const el = await mount('rr-menu', { record: { state: 'ready' } });
    trigger(el).focus();
    await sendKeys({ press: 'Space' });
    await settle(el);
    expect(focused()).to.equal(item(el, 'record'));
    await sendKeys({ press: 'Escape' });
    await sendKeys({ press: 'ArrowDown' });
    await settle(el);
    expect(focused()).to.equal(item(el, 'record'));
    await sendKeys({ press: 'Escape' });
    await sendKeys({ press: 'ArrowUp' });
    await settle(el);
    expect(focused()).to.equal(item(el, 'media-files'));
  });

  it('Enter on Record fires rr-record-request once and returns focus to the button', async () => {
    const el = await mount('rr-menu', { record: { state: 'ready' } });
    const seen = record(el, 'rr-record-request');
    trigger(el).focus();
    await sendKeys({ press: 'Enter' });
    await settle(el);
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(seen).to.have.length(1);
    expect(seen[0]!.detail).to.deep.equal({});
    expect(seen[0]!.bubbles && seen[0]!.composed).to.equal(true);
    expect(el.open).to.equal(false);
    expect(focused()).to.equal(trigger(el));
  });

  it('B1: an item the rules hide (Record for a participant, a phone) is not shown', async () => {
    const participant = await mount('rr-menu', { record: { state: 'hidden' } });
    expect(items(participant)).to.deep.equal(['media-files']);
    const mobile = await mount('rr-menu', { record: { state: 'hidden' } });
    expect(items(mobile)).to.deep.equal(['media-files']);
    const none = await mount('rr-menu', {
      record: { state: 'hidden' },
      mediaFiles: false,
    });
    expect(none.shadowRoot!.querySelector('[part="trigger"]'), 'nothing to offer').to.equal(null);
  });

  it('X4: a failed pre-flight shows Record disabled with the reason, and it does nothing', async () => {
    const el = await mount('rr-menu', {
      record: { state: 'off', reason: 'preflight-failed' },
      preflightProblems: ['no-h264', 'upload-unreachable'],
    });
    const seen = record(el, 'rr-record-request');
    await el.show();
    const rec = item(el, 'record');
    expect(rec.getAttribute('aria-disabled')).to.equal('true');
    const reason = rec.querySelector('[part="reason"]')!;
    expect(reason.textContent).to.equal(
      'This browser has no H.264 encoder. The upload storage cannot be reached.',
    );
    expect(rec.getAttribute('aria-describedby')).to.equal(reason.id);
    expect(focused()).to.equal(rec);
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(seen).to.have.length(0);
    expect(el.open, 'a disabled item keeps the menu open').to.equal(true);
  });

  it('X7: locked in another tab says so', async () => {
    const el = await mount('rr-menu', { record: { state: 'off', reason: 'locked-elsewhere' } });
    await el.show();
    expect(item(el, 'record').textContent).to.contain(
      'Another tab is already recording this room.',
    );
  });

  it('while recording: Stop recording fires rr-stop-request { source: "menu" } once', async () => {
    const el = await mount('rr-menu', {
      record: { state: 'hidden' },
      stop: { state: 'ready' },
    });
    expect(items(el)).to.deep.equal(['stop', 'media-files']);
    const seen = record(el, 'rr-stop-request');
    trigger(el).focus();
    await sendKeys({ press: 'ArrowDown' });
    await settle(el);
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(seen.map((e) => e.detail)).to.deep.equal([{ source: 'menu' }]);
  });

  it('B12: Media and Files fires rr-open-recordings once', async () => {
    const el = await mount('rr-menu', { record: { state: 'hidden' } });
    const seen = record(el, 'rr-open-recordings');
    trigger(el).click();
    await settle(el);
    item(el, 'media-files').click();
    expect(seen).to.have.length(1);
    expect(seen[0]!.detail).to.deep.equal({});
  });

  it('closes on an outside press without moving focus back', async () => {
    const el = await mount('rr-menu', { record: { state: 'ready' } });
    await el.show();
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await settle(el);
    expect(el.open).to.equal(false);
  });

  it('replacing a string changes the text', async () => {
    const el = await mount('rr-menu', {
      record: { state: 'ready' },
      strings: { 'menu.record': 'Aufnehmen', 'menu.label': 'Weitere Optionen' },
    });
    expect(item(el, 'record').textContent!.trim()).to.equal('Aufnehmen');
    expect(item(el, 'media-files').textContent!.trim()).to.equal('Media and Files');
    expect(trigger(el).getAttribute('aria-label')).to.equal('Weitere Optionen');
  });

  it('a --rr-* property changes the computed style', async () => {
    const el = await mount('rr-menu', { record: { state: 'ready' } });
    el.style.setProperty('--rr-color-surface', 'rgb(1, 2, 3)');
    expect(getComputedStyle(trigger(el)).backgroundColor).to.equal('rgb(1, 2, 3)');
    el.style.setProperty('--rr-menu-min-width', '333px');
    await el.show();
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part="menu"]')!).minWidth).to.equal(
      '333px',
    );
  });

  it('axe: no violations closed, open, and with a disabled Record', async () => {
    const el = await mount('rr-menu', { record: { state: 'ready' } });
    expect(await axeViolations(el)).to.deep.equal([]);
    await el.show();
    expect(await axeViolations(el)).to.deep.equal([]);
    el.record = { state: 'off', reason: 'preflight-failed' };
    el.preflightProblems = ['no-storage'];
    await settle(el);
    expect(await axeViolations(el)).to.deep.equal([]);
    el.record = { state: 'hidden' };
    el.stop = { state: 'ready' };
    el.theme = 'dark';
    await settle(el);
    expect(await axeViolations(el)).to.deep.equal([]);
  });
});
