import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { axeViolations } from '../../../test/support/ui/axe.js';
import {
  focused,
  mount,
  record,
  settle,
  unmountAll,
  until,
} from '../../../test/support/ui/fixture.js';
import './rr-confirm.js';
import type { RrConfirm } from './rr-confirm.js';

const dialog = (el: RrConfirm) => el.shadowRoot!.querySelector('dialog')!;
const part = (el: RrConfirm, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`)!;

/** A button outside that opens the confirm, to check focus comes back to it. */
async function opener(): Promise<HTMLButtonElement> {
  const b = document.createElement('button');
  b.textContent = 'Open';
  document.body.appendChild(b);
  b.focus();
  return b;
}

describe('rr-confirm', () => {
  afterEach(() => {
    unmountAll();
    document.querySelectorAll('body > button').forEach((b) => b.remove());
  });

  it('B2: the start confirm asks the question with Start Recording and Cancel', async () => {
    const el = await mount('rr-confirm', { kind: 'start', open: true });
    expect(dialog(el).open).to.equal(true);
    expect(dialog(el).matches(':modal')).to.equal(true);
    expect(part(el, 'title').textContent!.trim()).to.equal('Do you want to start recording?');
    expect(part(el, 'accept').textContent!.trim()).to.equal('Start Recording');
    expect(part(el, 'cancel').textContent!.trim()).to.equal('Cancel');
    expect(focused(), 'focus moves in, to Start Recording').to.equal(part(el, 'accept'));
  });

  it('B6: the stop confirm has a red Stop recording button and focuses Cancel', async () => {
    const el = await mount('rr-confirm', { kind: 'stop', open: true });
    const accept = part(el, 'accept');
    expect(accept.textContent!.trim()).to.equal('Stop recording');
    expect(getComputedStyle(accept).backgroundColor).to.equal('rgb(198, 40, 40)');
    expect(focused()).to.equal(part(el, 'cancel'));
  });

  it('Enter on Start Recording fires rr-confirm once and returns focus to the opener', async () => {
    const back = await opener();
    const el = await mount('rr-confirm', { kind: 'start' });
    const confirms = record(el, 'rr-confirm');
    const cancels = record(el, 'rr-cancel');
    back.focus();
    el.open = true;
    await settle(el);
    await sendKeys({ press: 'Enter' });
    await until(() => confirms.length > 0);
    await settle(el);
    expect(confirms.map((e) => e.detail)).to.deep.equal([{ kind: 'start' }]);
    expect(confirms[0]!.bubbles && confirms[0]!.composed).to.equal(true);
    expect(cancels).to.have.length(0);
    expect(el.open).to.equal(false);
    expect(dialog(el).open).to.equal(false);
    expect(focused()).to.equal(back);
  });

  it('answers at once, in the click: never waits for the dialog to close (a background tab)', async () => {
    // A background tab may deliver the dialog's close event late; the answer (a stop, B6)
    // must not wait for the page to be looked at.
    for (const [name, event] of [
      ['accept', 'rr-confirm'],
      ['cancel', 'rr-cancel'],
    ] as const) {
      const el = await mount('rr-confirm', { kind: 'stop', open: true });
      const answers = record(el, event);
      part(el, name).click();
      expect(answers, `${name}: emitted within the click`).to.have.length(1);
      expect(el.open).to.equal(false);
      await settle(el);
      expect(answers, 'once, also after the close event').to.have.length(1);
    }
  });

  it('Escape cancels once (rr-cancel) and returns focus', async () => {
    const back = await opener();
    const el = await mount('rr-confirm', { kind: 'stop' });
    const confirms = record(el, 'rr-confirm');
    const cancels = record(el, 'rr-cancel');
    back.focus();
    el.open = true;
    await settle(el);
    await sendKeys({ press: 'Escape' });
    await until(() => cancels.length > 0);
    await settle(el);
    expect(cancels.map((e) => e.detail)).to.deep.equal([{ kind: 'stop' }]);
    expect(confirms).to.have.length(0);
    expect(focused()).to.equal(back);
  });

  it('focus is trapped: Tab and Shift+Tab wrap between the two buttons', async () => {
    const el = await mount('rr-confirm', { kind: 'stop', open: true });
    expect(focused()).to.equal(part(el, 'cancel'));
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(part(el, 'accept'));
    await sendKeys({ press: 'Tab' });
    expect(focused(), 'wraps forward').to.equal(part(el, 'cancel'));
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(focused(), 'wraps backward').to.equal(part(el, 'accept'));
    // Enter on the red button stops.
    const confirms = record(el, 'rr-confirm');
    await sendKeys({ press: 'Enter' });
    await until(() => confirms.length > 0);
    expect(confirms.map((e) => e.detail)).to.deep.equal([{ kind: 'stop' }]);
  });

  it('Cancel by click fires rr-cancel once; open = false closes silently', async () => {
    const el = await mount('rr-confirm', { kind: 'start', open: true });
    const cancels = record(el, 'rr-cancel');
    part(el, 'cancel').click();
    await until(() => cancels.length > 0);
    expect(cancels).to.have.length(1);
    el.open = true;
    await settle(el);
    el.open = false;
    await settle(el);
    await new Promise((r) => setTimeout(r, 20));
    expect(dialog(el).open).to.equal(false);
    expect(cancels, 'a programmatic close is not a cancel').to.have.length(1);
  });

  it('replacing a string changes the text; the body slot replaces the sentence', async () => {
    const el = await mount('rr-confirm', {
      kind: 'start',
      open: true,
      strings: { 'confirm.start.accept': 'Aufnahme starten' },
    });
    expect(part(el, 'accept').textContent!.trim()).to.equal('Aufnahme starten');
    expect(part(el, 'cancel').textContent!.trim()).to.equal('Cancel');
    const p = document.createElement('span');
    p.slot = 'body';
    p.textContent = 'Custom body';
    el.appendChild(p);
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="body"]')!;
    expect(slot.assignedElements()[0]).to.equal(p);
  });

  it('a --rr-* property changes the computed style', async () => {
    const el = await mount('rr-confirm', { kind: 'stop', open: true });
    el.style.setProperty('--rr-color-danger', 'rgb(10, 20, 30)');
    expect(getComputedStyle(part(el, 'accept')).backgroundColor).to.equal('rgb(10, 20, 30)');
    el.style.setProperty('--rr-confirm-width', '300px');
    expect(getComputedStyle(dialog(el)).width).to.equal('300px');
  });

  it('axe: no violations for start and stop, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const kind of ['start', 'stop'] as const) {
        const el = await mount('rr-confirm', { kind, theme, open: true });
        expect(await axeViolations(el), `${kind} ${theme}`).to.deep.equal([]);
        el.open = false;
        await settle(el);
        el.remove();
      }
    }
  });
});
