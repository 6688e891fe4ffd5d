import { html } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { FocusTrapController } from '../controllers/focus-return.js';
import { emit } from '../events.js';
import type { ConfirmKind } from '../events.js';
import { RrElement } from '../rr-element.js';
import { buttons, tokens } from '../theme.js';
import { confirmStyles } from './rr-confirm.styles.js';

/**
 * @summary The start and stop confirms, in a native modal `<dialog>`.
 *
 * @tag rr-confirm
 *
 * `kind="start"` asks "Do you want to start recording?" with Start Recording and Cancel
 * (B2); `kind="stop"` has a red Stop recording button (B6). Opening moves focus in (to
 * Start Recording, or to Cancel for the destructive stop), Tab is kept inside, Escape
 * cancels, and focus returns to whatever opened it.
 *
 * @slot body - Replaces the explanatory sentence under the title.
 *
 * @event rr-confirm - The accept button was pressed. Detail: `{ kind: 'start' | 'stop' }`.
 * @event rr-cancel - Cancel, Escape or a programmatic dismissal by the user. Detail: `{ kind }`.
 *
 * @csspart dialog - The `<dialog>`.
 * @csspart title - The question.
 * @csspart body - The sentence under it.
 * @csspart actions - The row of buttons.
 * @csspart cancel - The Cancel button.
 * @csspart accept - The Start Recording / Stop recording button.
 *
 * @cssproperty [--rr-confirm-width=420px] - Dialog width (capped by the viewport).
 * @cssproperty [--rr-confirm-radius=12px] - Dialog corner radius.
 * @cssproperty [--rr-confirm-title-size=18px] - Size of the question.
 * @cssproperty [--rr-color-accent=#0b5cd5] - Start Recording background (dark: #8ab4f8).
 * @cssproperty [--rr-color-danger=#c62828] - Stop recording background.
 * @cssproperty [--rr-color-backdrop=rgba(15, 20, 25, 0.45)] - The page behind the dialog.
 */
@customElement('rr-confirm')
export class RrConfirm extends RrElement {
  static override styles = [tokens, buttons, confirmStyles];

  /** Which confirm to ask. */
  @property({ reflect: true }) kind: ConfirmKind = 'start';
  /** Shows the dialog modally; set false to close it without an event. */
  @property({ type: Boolean, reflect: true }) open = false;

  @query('dialog') private dialog!: HTMLDialogElement | null;

  private readonly focus$ = new FocusTrapController(this, () => this.dialog);
  /**
   * Set once the answer was given (or the dialog was closed from outside), so the `close`
   * event that follows only restores focus. The answer is emitted at once, never on that
   * event: a background tab may deliver it late (a moderator's stop, B6), and the recording
   * must not wait for the page to be looked at.
   */
  private answered = false;

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.dialog;
    if (!dialog || !changed.has('open')) return;
    if (this.open && !dialog.open) {
      this.focus$.capture();
      this.answered = false;
      dialog.showModal();
      const first = this.kind === 'stop' ? '[part="cancel"]' : '[part="accept"]';
      dialog.querySelector<HTMLElement>(first)?.focus();
    } else if (!this.open && dialog.open) {
      this.answered = true;
      dialog.close();
    }
  }

  override disconnectedCallback(): void {
    this.answered = true;
    this.dialog?.close();
    super.disconnectedCallback();
  }

  private accept(): void {
    this.answer('rr-confirm');
  }

  private cancel(): void {
    this.answer('rr-cancel');
  }

  /** Escape: the dialog's own cancel, answered as Cancel. */
  private onCancel = (e: Event): void => {
    e.preventDefault();
    this.answer('rr-cancel');
  };

  /** The user's answer, once: emitted now, then the dialog closes. */
  private answer(event: 'rr-confirm' | 'rr-cancel'): void {
    if (this.answered) return;
    this.answered = true;
    this.open = false;
    if (this.dialog?.open) this.dialog.close();
    this.focus$.restore();
    emit(this, event, { kind: this.kind });
  }

  /** Any other way the dialog closed (the browser's own close request): a cancel. */
  private onClose = (): void => {
    // A late close event of an earlier opening finds the dialog open again: not for us.
    if (this.dialog?.open) return;
    this.answer('rr-cancel');
  };

  protected override render() {
    const stop = this.kind === 'stop';
    return html`
      <dialog
        part="dialog"
        aria-labelledby="title"
        aria-describedby="body"
        @close=${this.onClose}
        @cancel=${this.onCancel}
        @keydown=${this.focus$.onKeydown}
      >
        <h2 part="title" id="title">
          ${this.t(stop ? 'confirm.stop.title' : 'confirm.start.title')}
        </h2>
        <p class="body" part="body" id="body">
          <slot name="body">${this.t(stop ? 'confirm.stop.body' : 'confirm.start.body')}</slot>
        </p>
        <div class="actions" part="actions">
          <button class="btn" part="cancel" type="button" @click=${this.cancel}>
            ${this.t('confirm.cancel')}
          </button>
          <button
            class="btn ${stop ? 'danger' : 'primary'}"
            part="accept"
            type="button"
            @click=${this.accept}
          >
            ${this.t(stop ? 'confirm.stop.accept' : 'confirm.start.accept')}
          </button>
        </div>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rr-confirm': RrConfirm;
  }
}
