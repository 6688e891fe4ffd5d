import { html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { ElapsedClock } from '../controllers/elapsed-clock.js';
import { emit } from '../events.js';
import { RrElement } from '../rr-element.js';
import type { HealthWarning, SaveState } from '../../recorder/controller-types.js';
import { formatBytes } from '../format.js';
import { tokens, visuallyHidden } from '../theme.js';
import { indicatorStyles } from './rr-indicator.styles.js';

/**
 * @summary The recording indicator, fixed at the bottom-left while recording (B5).
 *
 * @tag rr-indicator
 *
 * Everyone sees the red dot and "Recording". With `show-elapsed` it adds the elapsed time
 * (H:MM:SS from `startedAt`, so it never drifts and is right for a late joiner); with
 * `show-stop`, a square stop button. `warnings` (X5 health) turn it into a quiet warning
 * state naming the problem. `save` (the page that records) says where the recording is:
 * bytes not uploaded yet, saved on this device, all saved (X10); with `saving` the pill says
 * Saving instead of Recording (after Stop, until storage holds it all). It sits in its own stacking layer (`--rr-z-indicator`) and
 * writes no styles outside itself.
 *
 * @event rr-stop-request - The square was pressed. Detail: `{ source: 'indicator' }`.
 *
 * @csspart base - The pill.
 * @csspart dot - The red dot.
 * @csspart label - The "Recording" text.
 * @csspart elapsed - The counter.
 * @csspart warning - The health warning.
 * @csspart save - Where the recording is (not uploaded yet, on this device, all saved).
 * @csspart stop - The square stop button.
 *
 * @cssproperty [--rr-z-indicator=900] - Stacking order.
 * @cssproperty [--rr-indicator-inset=16px] - Distance from the bottom-left corner.
 * @cssproperty [--rr-indicator-height=40px] - Height of the pill.
 * @cssproperty [--rr-indicator-radius=999px] - Corner radius of the pill.
 * @cssproperty [--rr-indicator-background=var(--rr-color-surface)] - Pill background.
 * @cssproperty [--rr-indicator-color=var(--rr-color-text)] - Pill text.
 * @cssproperty [--rr-indicator-stop-color=var(--rr-color-recording)] - The square.
 * @cssproperty [--rr-color-recording=#e02424] - The dot (dark: #ff5c5c).
 * @cssproperty [--rr-color-warning=#7a4f00] - Warning text and border (dark: #f5c451).
 * @cssproperty [--rr-color-warning-surface=#fff4d6] - Warning background (dark: #3a2e0b).
 */
@customElement('rr-indicator')
export class RrIndicator extends RrElement {
  static override styles = [tokens, visuallyHidden, indicatorStyles];

  /** Shown only while recording. */
  @property({ type: Boolean, reflect: true }) active = false;
  /**
   * When the recording started, on the `now` clock (by default `performance.now()`: a
   * monotonic clock, so changing the system's date does not move the counter).
   */
  @property({ type: Number, attribute: 'started-at' }) startedAt: number | null = null;
  /** Shows the elapsed counter (hosts and moderators). */
  @property({ type: Boolean, reflect: true, attribute: 'show-elapsed' }) showElapsed = false;
  /** Shows the square stop button (when the controller offers Stop). */
  @property({ type: Boolean, reflect: true, attribute: 'show-stop' }) showStop = false;
  /** Health warnings to show quietly (X5). */
  @property({ attribute: false }) warnings: readonly HealthWarning[] = [];
  /** Where the recording is, on the page that records it (X10); null elsewhere. */
  @property({ attribute: false }) save: SaveState | null = null;
  /** After Stop: the recording is being saved, no longer recorded. */
  @property({ type: Boolean, reflect: true }) saving = false;
  /** The clock `startedAt` is on; `<rr-recorder>` passes its controller's. */
  @property({ attribute: false }) now: () => number = () => performance.now();

  @query('.stop') private stopButton!: HTMLButtonElement | null;

  private readonly clock = new ElapsedClock(
    this,
    () => (this.active && this.showElapsed ? this.startedAt : null),
    () => this.now(),
  );

  /** The counter's current text, e.g. `0:01:05`. */
  get elapsedText(): string {
    return this.clock.text;
  }

  override focus(options?: FocusOptions): void {
    this.stopButton?.focus(options);
  }

  /** Where the recording is, in words: the size not yet in storage, or all saved. */
  private renderSave() {
    const save = this.save;
    if (!save) return nothing;
    const text = this.t(`save.${save.where}`, { size: formatBytes(save.unsavedBytes) });
    return html`<span class="save" part="save" role="status">${text}</span>`;
  }

  protected override render() {
    if (!this.active) return nothing;
    const warning = this.warnings[0];
    return html`
      <div class="pill ${warning ? 'warning' : ''}" part="base">
        ${this.saving ? nothing : html`<span class="dot" part="dot" aria-hidden="true"></span>`}
        <span class="label" part="label"
          >${this.t(this.saving ? 'indicator.saving' : 'indicator.label')}</span
        >
        ${
          this.showElapsed && this.startedAt !== null && !this.saving
            ? html`<span class="elapsed" part="elapsed" role="timer"
                ><span class="vh">${this.t('indicator.elapsed')} </span>${this.clock.text}</span
              >`
            : nothing
        }
        <!-- The square comes before the texts whose width changes (a warning, the size not
          uploaded yet), so it stays where the host's pointer found it. -->
        ${
          this.showStop && !this.saving
            ? html`<button
                class="stop"
                part="stop"
                type="button"
                aria-label=${this.t('indicator.stop')}
                title=${this.t('indicator.stop')}
                @click=${() => emit(this, 'rr-stop-request', { source: 'indicator' })}
              >
                <span class="square" aria-hidden="true"></span>
              </button>`
            : nothing
        }
        ${
          warning
            ? html`<span class="warn" part="warning" role="status">
                <svg viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
                  <path d="M8 1 15 14H1L8 1Zm-.8 5v4h1.6V6H7.2Zm0 5v1.6h1.6V11H7.2Z"></path>
                </svg>
                ${this.warnings.map((w) => this.t(`warning.${w}`)).join(' · ')}
              </span>`
            : nothing
        }
        ${this.renderSave()}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rr-indicator': RrIndicator;
  }
}
