import { expect } from '@esm-bundle/chai';
import type { LibraryEntry } from '../../library/types.js';
import { axeViolations } from '../../../test/support/ui/axe.js';
import { sampleEntries } from '../../../test/support/ui/test-room.js';
import { mount, record, settle, unmountAll, until } from '../../../test/support/ui/fixture.js';
import './rr-recordings.js';
import type { LinkPurpose, RrRecordings } from './rr-recordings.js';

const q = <T extends Element = HTMLElement>(el: RrRecordings, sel: string) =>
  el.shadowRoot!.querySelector<T & Element>(sel);
const resolver = (calls: string[]) => async (entry: LibraryEntry, purpose: LinkPurpose) => {
  calls.push(purpose);
  return `${location.origin}/__nowhere/${encodeURIComponent(entry.fileName)}?p=${purpose}`;
};

describe('rr-recordings', () => {
  afterEach(unmountAll);

  it('B12: lists names, dates (in the time zone), durations and sizes', async () => {
    const el = await mount('rr-recordings', {
      entries: sampleEntries(),
      resolveLink: resolver([]),
      timeZone: 'UTC',
      locale: 'en-GB',
    });
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')];
    expect(rows).to.have.length(2);
    const cells = [...rows[0]!.querySelectorAll('td')].map((c) => c.textContent!.trim());
    expect(cells[0]).to.equal('Rec - 2026-11-26 14:03:00 - Weekly class.mp4');
    expect(cells[1]).to.equal('26 Nov 2026, 14:03');
    expect(cells[2]).to.equal('1:02:05');
    expect(cells[3]).to.equal('2.7 GB');
    expect(q(el, 'time')!.getAttribute('datetime')).to.equal('2026-11-26T14:03:00.000Z');
    expect(q(el, '[part="heading"]')!.textContent!.trim()).to.equal('Recordings');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('B13: Play opens a <video> with the play link and fires rr-recording-play once', async () => {
    const calls: string[] = [];
    const entries = sampleEntries();
    const el = await mount('rr-recordings', { entries, resolveLink: resolver(calls) });
    const seen = record(el, 'rr-recording-play');
    q<HTMLButtonElement>(el, '[part="play"]')!.click();
    await until(() => seen.length === 1);
    await settle(el);
    const video = q<HTMLVideoElement>(el, 'video')!;
    expect(video.getAttribute('src')).to.contain('p=play');
    expect(video.controls).to.equal(true);
    expect(seen[0]!.detail.entry).to.equal(entries[0]);
    expect(seen[0]!.detail.url).to.contain('p=play');
    expect(calls).to.deep.equal(['play']);
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('B13: Download and Copy share link use their own links and fire once each', async () => {
    const calls: string[] = [];
    const el = await mount('rr-recordings', {
      entries: sampleEntries(),
      resolveLink: resolver(calls),
    });
    const downloads = record(el, 'rr-recording-download');
    const shares = record(el, 'rr-recording-share');
    // The download anchor is clicked inside the shadow root; keep the test page where it is.
    el.shadowRoot!.addEventListener('click', (e) => {
      if ((e.target as Element).localName === 'a') e.preventDefault();
    });
    q<HTMLButtonElement>(el, '[part="download"]')!.click();
    await until(() => downloads.length === 1);
    expect(downloads[0]!.detail.url).to.contain('p=download');
    q<HTMLButtonElement>(el, '[part="share"]')!.click();
    await until(() => shares.length === 1);
    await settle(el);
    expect(shares[0]!.detail.url).to.contain('p=share');
    expect(calls).to.deep.equal(['download', 'share']);
    // Headless Chromium may refuse the clipboard: then the link is shown to copy by hand.
    const note = q(el, '[part="notice"]')!;
    const input = note.querySelector('input');
    if (input) expect(input.value).to.contain('p=share');
    else expect(note.textContent!.trim()).to.equal('Share link copied.');
    expect(downloads).to.have.length(1);
    expect(shares).to.have.length(1);
  });

  it('the empty, loading and error states, each without axe violations', async () => {
    const el = await mount('rr-recordings', { entries: [] });
    expect(q(el, '[part="empty"]')!.textContent!.trim()).to.equal('No recordings yet.');
    expect(await axeViolations(el)).to.deep.equal([]);
    el.state = 'loading';
    await settle(el);
    expect(q(el, '[part="loading"]')!.textContent!.trim()).to.equal('Loading recordings…');
    expect(await axeViolations(el)).to.deep.equal([]);
    el.state = 'error';
    el.theme = 'dark';
    await settle(el);
    expect(q(el, '[part="error"]')!.textContent).to.contain('The recordings could not be loaded.');
    expect(await axeViolations(el)).to.deep.equal([]);
    const retries = record(el, 'rr-recordings-retry');
    q<HTMLButtonElement>(el, '[part="retry"]')!.click();
    expect(retries.map((e) => e.detail)).to.deep.equal([{}]);
  });

  it('a hostile title is shown as text, and a javascript: link is refused with its reason', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"> javascript:alert(1) "quoted"';
    const entries = sampleEntries().map((e, i) =>
      i === 0
        ? { ...e, fileName: `Rec - 2026-11-26 14:03:00 - ${hostile}.mp4`, title: hostile }
        : e,
    );
    const seen: string[] = [];
    const el = await mount('rr-recordings', {
      entries,
      resolveLink: async (_entry: LibraryEntry, purpose: LinkPurpose) => {
        seen.push(purpose);
        return 'javascript:window.__pwned=2';
      },
    });
    const plays = record(el, 'rr-recording-play');
    const downloads = record(el, 'rr-recording-download');
    const name = el.shadowRoot!.querySelector('tbody tr td')!;
    expect(name.textContent!.trim()).to.equal(`Rec - 2026-11-26 14:03:00 - ${hostile}.mp4`);
    expect(el.shadowRoot!.querySelector('img'), 'no element made from the title').to.equal(null);
    q<HTMLButtonElement>(el, '[part="play"]')!.click();
    await until(() => seen.length === 1);
    await settle(el);
    expect(q(el, 'video'), 'no player for a javascript: link').to.equal(null);
    expect(q(el, '[part="notice"]')!.textContent!.trim()).to.equal(
      `The link to Rec - 2026-11-26 14:03:00 - ${hostile}.mp4 is not a web address, so it was not opened.`,
    );
    q<HTMLButtonElement>(el, '[part="download"]')!.click();
    await until(() => seen.length === 2);
    await settle(el);
    expect(el.shadowRoot!.querySelector('a[href^="javascript"]')).to.equal(null);
    expect([plays.length, downloads.length]).to.deep.equal([0, 0]);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('a link that cannot be made says so, not that the list failed', async () => {
    const el = await mount('rr-recordings', {
      entries: sampleEntries(),
      resolveLink: async () => {
        throw new Error('signer down');
      },
    });
    q<HTMLButtonElement>(el, '[part="play"]')!.click();
    await until(() => q(el, '[part="notice"]')!.textContent!.trim() !== '');
    expect(q(el, '[part="notice"]')!.textContent!.trim()).to.equal(
      'The link to Rec - 2026-11-26 14:03:00 - Weekly class.mp4 could not be made. Try again.',
    );
    expect(el.shadowRoot!.querySelectorAll('tbody tr')).to.have.length(2);
  });

  it('without a link resolver the actions are disabled', async () => {
    const el = await mount('rr-recordings', { entries: sampleEntries() });
    expect(q<HTMLButtonElement>(el, '[part="play"]')!.disabled).to.equal(true);
  });

  it('replacing a string changes the text', async () => {
    const el = await mount('rr-recordings', {
      entries: [],
      strings: { 'recordings.empty': 'Noch keine Aufnahmen.', 'recordings.title': 'Aufnahmen' },
    });
    expect(q(el, '[part="empty"]')!.textContent!.trim()).to.equal('Noch keine Aufnahmen.');
    expect(q(el, '[part="heading"]')!.textContent!.trim()).to.equal('Aufnahmen');
  });

  it('a --rr-* property changes the computed style', async () => {
    const el = await mount('rr-recordings', { entries: [] });
    el.style.setProperty('--rr-recordings-background', 'rgb(7, 8, 9)');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(7, 8, 9)');
  });
});
