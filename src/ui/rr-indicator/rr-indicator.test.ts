import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { formatElapsed } from '../controllers/elapsed-clock.js';
import { axeViolations } from '../../../test/support/ui/axe.js';
import {
  focused,
  mount,
  record,
  settle,
  unmountAll,
  until,
} from '../../../test/support/ui/fixture.js';
import './rr-indicator.js';
import type { RrIndicator } from './rr-indicator.js';

const part = (el: RrIndicator, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('rr-indicator', () => {
  afterEach(unmountAll);

  it('formats H:MM:SS', () => {
    expect(formatElapsed(0)).to.equal('0:00:00');
    expect(formatElapsed(59_999)).to.equal('0:00:59');
    expect(formatElapsed(3_723_000)).to.equal('1:02:03');
    expect(formatElapsed(24 * 3600_000)).to.equal('24:00:00');
    expect(formatElapsed(-5000), 'clock skew never shows negative').to.equal('0:00:00');
  });

  it('is hidden when not recording', async () => {
    const el = await mount('rr-indicator');
    expect(getComputedStyle(el).display).to.equal('none');
    expect(part(el, 'base')).to.equal(null);
  });

  it('B5: a participant sees the indicator fixed bottom-left, without counter or stop', async () => {
    const el = await mount('rr-indicator', { active: true, startedAt: performance.now() - 5000 });
    const style = getComputedStyle(el);
    expect(style.position).to.equal('fixed');
    expect(style.left).to.equal('16px');
    expect(style.bottom).to.equal('16px');
    expect(part(el, 'label')!.textContent).to.equal('Recording');
    expect(part(el, 'elapsed')).to.equal(null);
    expect(part(el, 'stop')).to.equal(null);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('B5: a late-joining host sees the elapsed time from startedAt at once, and it ticks', async () => {
    let now = 1_000_000_000;
    const el = await mount('rr-indicator', {
      active: true,
      showElapsed: true,
      showStop: true,
      startedAt: now - 3_723_400,
      now: () => now,
    });
    expect(part(el, 'elapsed')!.textContent).to.contain('1:02:03');
    expect(part(el, 'elapsed')!.getAttribute('role')).to.equal('timer');
    now += 1000;
    await until(() => part(el, 'elapsed')!.textContent!.includes('1:02:04'), 2000);
  });

  it('the counter never drifts: it is always now - startedAt', async () => {
    const start = performance.now() - 61_000;
    const el = await mount('rr-indicator', { active: true, showElapsed: true, startedAt: start });
    expect(el.elapsedText).to.equal(formatElapsed(performance.now() - start));
  });

  it('B6: the square stop has a name and fires rr-stop-request { source: "indicator" } once', async () => {
    const el = await mount('rr-indicator', {
      active: true,
      showElapsed: true,
      showStop: true,
      startedAt: performance.now(),
    });
    const stop = part(el, 'stop')!;
    expect(stop.getAttribute('aria-label')).to.equal('Stop recording');
    const seen = record(el, 'rr-stop-request');
    el.focus();
    expect(focused()).to.equal(stop);
    await sendKeys({ press: 'Enter' });
    expect(seen.map((e) => e.detail)).to.deep.equal([{ source: 'indicator' }]);
    expect(seen[0]!.bubbles && seen[0]!.composed).to.equal(true);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('the square stays put while the size not uploaded yet grows and warnings come and go', async () => {
    const el = await mount('rr-indicator', {
      active: true,
      showElapsed: true,
      showStop: true,
      startedAt: performance.now(),
      save: { where: 'in-memory', unsavedBytes: 0 },
    });
    const at = () => part(el, 'stop')!.getBoundingClientRect().left;
    const first = at();
    el.save = { where: 'in-memory', unsavedBytes: 123_456_789 };
    el.warnings = ['frames-dropping'];
    await settle(el);
    // A host aiming at the square during an outage must not have it slide away.
    expect(part(el, 'save')!.textContent).to.contain('not uploaded yet');
    expect(at()).to.equal(first);
  });

  it('X5: health warnings show a quiet warning state', async () => {
    const el = await mount('rr-indicator', {
      active: true,
      showElapsed: true,
      showStop: true,
      startedAt: performance.now(),
      warnings: ['frames-dropping', 'storage-low'],
    });
    expect(part(el, 'base')!.classList.contains('warning')).to.equal(true);
    expect(part(el, 'warning')!.textContent!.trim()).to.equal(
      'Frames are being dropped · Storage is running low',
    );
    expect(await axeViolations(el)).to.deep.equal([]);
    el.theme = 'dark';
    await settle(el);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('replacing a string changes the text', async () => {
    const el = await mount('rr-indicator', {
      active: true,
      showStop: true,
      startedAt: performance.now(),
      strings: { 'indicator.label': 'Aufnahme', 'indicator.stop': 'Aufnahme beenden' },
    });
    expect(part(el, 'label')!.textContent).to.equal('Aufnahme');
    expect(part(el, 'stop')!.getAttribute('aria-label')).to.equal('Aufnahme beenden');
  });

  it('its own z-index and inset properties apply, nothing leaks to the page', async () => {
    const before = document.styleSheets.length;
    const el = await mount('rr-indicator', { active: true, startedAt: performance.now() });
    el.style.setProperty('--rr-z-indicator', '77');
    el.style.setProperty('--rr-indicator-inset', '40px');
    el.style.setProperty('--rr-color-recording', 'rgb(0, 128, 0)');
    const style = getComputedStyle(el);
    expect(style.zIndex).to.equal('77');
    expect(style.left).to.equal('40px');
    expect(getComputedStyle(part(el, 'dot')!).backgroundColor).to.equal('rgb(0, 128, 0)');
    expect(document.styleSheets.length).to.equal(before);
  });
});
