import { html, nothing } from 'lit';
import { downloadFileName } from '../../session/naming.js';
import { customElement, property, state } from 'lit/decorators.js';
import type { LibraryEntry } from '../../library/types.js';
import { emit } from '../events.js';
import { formatBytes, formatDate, formatDuration } from '../format.js';
import { RrElement } from '../rr-element.js';
import { safeUrl } from '../safe-url.js';
import { buttons, tokens } from '../theme.js';
import { recordingsStyles } from './rr-recordings.styles.js';

export type RecordingsState = 'loading' | 'ready' | 'error';
export type LinkPurpose = 'play' | 'download' | 'share';
/** Makes a time-limited link (the controller's `linkTo`). */
export type LinkResolver = (entry: LibraryEntry, purpose: LinkPurpose) => Promise<string>;

/**
 * @summary The room's Recordings folder (B12, B13): names, dates, durations and sizes, with
 * play, download and copy-share-link.
 *
 * @tag rr-recordings
 *
 * Purely presentational: give it `entries` (already only the viewer's own, B13), its
 * `state`, and `resolveLink` to make time-limited links. Play opens a `<video>` above the
 * list; Download saves the file; Copy share link puts a time-limited link on the clipboard
 * (or shows it to copy by hand when the clipboard is refused).
 *
 * @slot heading - Replaces the "Recordings" heading.
 * @slot empty - Replaces the empty-state sentence.
 *
 * @event rr-recording-play - Play was pressed. Detail: `{ entry: LibraryEntry, url: string }`.
 * @event rr-recording-download - Download was pressed. Detail: `{ entry, url }`.
 * @event rr-recording-share - A share link was made. Detail: `{ entry, url }`.
 * @event rr-recordings-retry - Try again was pressed after a loading error. Detail: `{}`.
 *
 * @csspart heading - The heading.
 * @csspart player - The player area; `video` is the `<video>` in it.
 * @csspart video - The `<video>`.
 * @csspart table - The list of recordings.
 * @csspart row - Each recording's row.
 * @csspart play - The Play buttons; also `download`, `share`.
 * @csspart download - The Download buttons.
 * @csspart share - The Copy share link buttons.
 * @csspart empty - The empty state.
 * @csspart loading - The loading state.
 * @csspart error - The error state; `retry` is its button.
 * @csspart retry - The Try again button.
 *
 * @cssproperty [--rr-recordings-background=var(--rr-color-surface)] - Background.
 * @cssproperty [--rr-recordings-title-size=18px] - Heading size.
 * @cssproperty [--rr-recordings-video-max-height=360px] - Player height limit.
 */
@customElement('rr-recordings')
export class RrRecordings extends RrElement {
  static override styles = [tokens, buttons, recordingsStyles];

  /** The recordings to list, newest first. */
  @property({ attribute: false }) entries: LibraryEntry[] = [];
  /** Loading, ready (list or empty state), or error. */
  @property({ reflect: true }) state: RecordingsState = 'ready';
  /** Makes the links; without it the actions are disabled. */
  @property({ attribute: false }) resolveLink: LinkResolver | null = null;
  /** IANA time zone for the dates; the browser's when unset. */
  @property({ attribute: 'time-zone' }) timeZone: string | undefined = undefined;
  /** Locale for dates and sizes; the browser's when unset. */
  @property() locale: string | undefined = undefined;
  /** Heading level of the title (2 by default), to fit the host page's outline. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  @state() private playing: { entry: LibraryEntry; url: string } | null = null;
  @state() private note: { text: string; url?: string } | null = null;

  private async link(entry: LibraryEntry, purpose: LinkPurpose): Promise<string | null> {
    if (!this.resolveLink) return null;
    let resolved: string;
    try {
      resolved = await this.resolveLink(entry, purpose);
    } catch (e) {
      // The list loaded; only this link failed: say so, not that the recordings did not load.
      console.warn(`[room-recorder] no ${purpose} link for ${entry.key}`, e);
      this.note = { text: this.t('recordings.linkFailed', { name: entry.fileName }) };
      return null;
    }
    const url = safeUrl(resolved);
    if (!url) this.note = { text: this.t('recordings.linkUnsafe', { name: entry.fileName }) };
    return url;
  }

  private async play(entry: LibraryEntry): Promise<void> {
    const url = await this.link(entry, 'play');
    if (!url) return;
    this.playing = { entry, url };
    emit(this, 'rr-recording-play', { entry, url });
  }

  private async download(entry: LibraryEntry): Promise<void> {
    const url = await this.link(entry, 'download');
    if (!url) return;
    emit(this, 'rr-recording-download', { entry, url });
    const a = document.createElement('a');
    a.href = url;
    // The portable name (the link's Content-Disposition names it too): no browser rewrites it.
    a.download = downloadFileName(entry.fileName);
    a.rel = 'noopener';
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
  }

  private async share(entry: LibraryEntry): Promise<void> {
    const url = await this.link(entry, 'share');
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      this.note = { text: this.t('recordings.shareCopied') };
    } catch {
      // A refused clipboard still leaves the link reachable: shown, selected, to copy by hand.
      this.note = { text: this.t('recordings.shareManual'), url };
    }
    emit(this, 'rr-recording-share', { entry, url });
  }

  protected override render() {
    return html`
      ${this.renderHeading()} ${this.renderPlayer()} ${this.renderBody()}
      <div class="notice" part="notice" role="status">
        ${
          this.note
            ? html`${this.note.text}
              ${
                this.note.url
                  ? html`<input
                      readonly
                      .value=${this.note.url}
                      aria-label=${this.note.text}
                      @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()}
                    />`
                  : nothing
              }`
            : nothing
        }
      </div>
    `;
  }

  private renderHeading() {
    const level = Math.min(6, Math.max(1, Math.round(this.headingLevel)));
    return html`<div part="heading" class="heading" role="heading" aria-level=${level}>
      <slot name="heading">${this.t('recordings.title')}</slot>
    </div>`;
  }

  private renderPlayer() {
    if (!this.playing) return nothing;
    const { entry, url } = this.playing;
    return html`
      <div class="player" part="player">
        <div class="player-head">
          <span>${this.t('recordings.playing', { name: entry.fileName })}</span>
          <button class="btn" type="button" @click=${() => (this.playing = null)}>
            ${this.t('recordings.closePlayer')}
          </button>
        </div>
        <video
          part="video"
          controls
          autoplay
          playsinline
          src=${url}
          aria-label=${entry.fileName}
        ></video>
      </div>
    `;
  }

  private renderBody() {
    switch (this.state) {
      case 'loading':
        return html`<p class="state" part="loading" role="status" aria-busy="true">
          ${this.t('recordings.loading')}
        </p>`;
      case 'error':
        return html`<div class="state error" part="error" role="alert">
          <p>${this.t('recordings.error')}</p>
          <button
            class="btn"
            part="retry"
            type="button"
            @click=${() => emit(this, 'rr-recordings-retry', {})}
          >
            ${this.t('recordings.retry')}
          </button>
        </div>`;
      default:
        return this.entries.length === 0
          ? html`<p class="state" part="empty">
              <slot name="empty">${this.t('recordings.empty')}</slot>
            </p>`
          : this.renderTable();
    }
  }

  private renderTable() {
    const noLinks = !this.resolveLink;
    return html`
      <div class="scroll">
        <table part="table">
          <thead>
            <tr>
              <th scope="col">${this.t('recordings.name')}</th>
              <th scope="col">${this.t('recordings.date')}</th>
              <th scope="col">${this.t('recordings.duration')}</th>
              <th scope="col">${this.t('recordings.size')}</th>
              <th scope="col">${this.t('recordings.actions')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.entries.map(
              (entry) => html`
                <tr part="row" data-key=${entry.key}>
                  <td class="name">${entry.fileName}</td>
                  <td class="num">
                    <time datetime=${new Date(entry.startedAt).toISOString()}
                      >${formatDate(entry.startedAt, this.timeZone, this.locale)}</time
                    >
                  </td>
                  <td class="num">${formatDuration(entry.durationSec)}</td>
                  <td class="num">${formatBytes(entry.bytes, this.locale)}</td>
                  <td>
                    <div class="actions">
                      ${this.action(entry, 'play', 'recordings.play', noLinks, () => this.play(entry))}
                      ${this.action(entry, 'download', 'recordings.download', noLinks, () =>
                        this.download(entry),
                      )}
                      ${this.action(entry, 'share', 'recordings.share', noLinks, () => this.share(entry))}
                    </div>
                  </td>
                </tr>
              `,
            )}
          </tbody>
        </table>
      </div>
    `;
  }

  private action(
    entry: LibraryEntry,
    part: LinkPurpose,
    key: 'recordings.play' | 'recordings.download' | 'recordings.share',
    disabled: boolean,
    run: () => Promise<void>,
  ) {
    return html`<button
      class="btn"
      part=${part}
      type="button"
      ?disabled=${disabled}
      aria-label="${this.t(key)}: ${entry.fileName}"
      @click=${() => void run()}
    >
      ${this.t(key)}
    </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rr-recordings': RrRecordings;
  }
}
