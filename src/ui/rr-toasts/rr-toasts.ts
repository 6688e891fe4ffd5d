import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Notice, NoticeId, RefusalReason } from '../../session/types.js';
import { ToastQueueController } from '../controllers/toast-queue.js';
import type { ToastItem } from '../controllers/toast-queue.js';
import { emit } from '../events.js';
import { RrElement } from '../rr-element.js';
import { safeUrl } from '../safe-url.js';
import { noticeParams, type RrStringKey } from '../strings.js';
import { tokens } from '../theme.js';
import { toastsStyles } from './rr-toasts.styles.js';

const RECORDING: ReadonlySet<NoticeId> = new Set(['recording-starting', 'recording-started']);
const PROBLEM: ReadonlySet<NoticeId> = new Set(['recording-failed']);
/** A newer step makes an older notice stale: it leaves when its successor arrives. */
const SUPERSEDES: Partial<Record<NoticeId, NoticeId[]>> = {
  'recording-started': ['recording-starting'],
  'recording-ended-uploading': ['recording-starting', 'recording-started'],
  'recording-completed': ['recording-starting', 'recording-started'],
  'recording-available': ['recording-ended-uploading'],
  'recording-cap-reached': ['recording-started'],
  'recording-host-away-stopped': ['recording-started'],
  'recording-room-ended': ['recording-started'],
  'recording-failed': ['recording-starting', 'recording-started'],
};

/**
 * @summary The notices every participant sees (B3, B7, B8, B11...), queued and announced.
 *
 * @tag rr-toasts
 *
 * Call `show(notice)` for each notice from the controller. Up to `max` show at once, the
 * rest wait; each leaves after `duration` ms (a notice with a link after `linkDuration`;
 * 0 keeps it until dismissed) and stays while hovered or focused. A notice of a later step
 * replaces the one it makes stale (started replaces starting, and so on). The stack is a polite
 * live region, so screen readers announce each text once.
 *
 * @event rr-toast-show - A toast became visible. Detail: `{ toastId, notice, key }`.
 * @event rr-toast-dismiss - A toast left. Detail: `{ toastId, notice, key, reason: 'user' | 'timeout' | 'superseded' }`.
 *
 * @csspart stack - The live region holding the toasts.
 * @csspart toast - Each toast (also `toast-<notice id>`).
 * @csspart message - A toast's text.
 * @csspart link - The link of the available notice.
 * @csspart dismiss - A toast's close button.
 *
 * @cssproperty [--rr-z-toasts=1100] - Stacking order.
 * @cssproperty [--rr-toasts-inset=16px] - Distance from the viewport edge.
 * @cssproperty [--rr-toast-width=380px] - Width of a toast (capped by the viewport).
 * @cssproperty [--rr-toast-background=var(--rr-color-surface)] - Toast background.
 * @cssproperty [--rr-toast-color=var(--rr-color-text)] - Toast text.
 * @cssproperty [--rr-toast-accent=var(--rr-color-accent)] - The bar on a toast's edge.
 * @cssproperty [--rr-color-recording=#e02424] - The bar of the recording notices.
 */
@customElement('rr-toasts')
export class RrToasts extends RrElement {
  static override styles = [tokens, toastsStyles];

  /** Milliseconds a toast stays; 0 keeps it until dismissed. */
  @property({ type: Number }) duration = 6000;
  /** Milliseconds a toast with a link stays (time to reach it); 0 keeps it until dismissed. */
  @property({ type: Number, attribute: 'link-duration' }) linkDuration = 0;
  /** How many toasts show at once; the others wait. */
  @property({ type: Number }) max = 3;
  /** Where the stack sits in the viewport. */
  @property({ reflect: true }) placement:
    'top-center' | 'top-end' | 'bottom-center' | 'bottom-end' = 'top-center';

  private readonly queue = new ToastQueueController(this, {
    max: () => this.max,
    onShow: (item) => emit(this, 'rr-toast-show', detail(item)),
    onDismiss: (item, reason) => emit(this, 'rr-toast-dismiss', { ...detail(item), reason }),
  });

  /** Queues a notice; returns its toast id. */
  show(notice: Notice): number {
    const stale = SUPERSEDES[notice.id] ?? [];
    for (const item of [...this.queue.visible, ...this.queue.pending]) {
      if (item.notice && stale.includes(item.notice.id))
        this.queue.dismiss(item.toastId, 'superseded');
    }
    const url = safeUrl(notice.params?.url);
    return this.queue.add({
      key: `notice.${notice.id}`,
      params: noticeParams(notice),
      notice,
      url,
      duration: url ? this.linkDuration : this.duration,
    });
  }

  /** Queues why an action was refused. */
  showRefusal(reason: RefusalReason): number {
    return this.showMessage(`refusal.${reason}`);
  }

  /** Queues any text of the strings table. */
  showMessage(key: RrStringKey, params?: Record<string, string>): number {
    return this.queue.add({ key, params, notice: null, url: null, duration: this.duration });
  }

  dismiss(toastId: number): void {
    this.queue.dismiss(toastId, 'user');
  }

  /** Removes every toast, shown or waiting. */
  clear(): void {
    this.queue.clear();
  }

  /** The toasts on screen, oldest first. */
  get visible(): readonly ToastItem[] {
    return this.queue.visible;
  }

  protected override render() {
    return html`
      <div
        class="stack"
        part="stack"
        role="status"
        aria-live="polite"
        aria-label=${this.t('toasts.label')}
      >
        ${repeat(
          this.queue.visible,
          (item) => item.toastId,
          (item) => this.renderToast(item),
        )}
      </div>
    `;
  }

  private renderToast(item: ToastItem) {
    const id = item.notice?.id;
    const tone = id && RECORDING.has(id) ? 'recording' : id && PROBLEM.has(id) ? 'problem' : '';
    return html`
      <div
        class="toast ${tone}"
        part="toast ${id ? `toast-${id}` : ''}"
        data-toast-id=${item.toastId}
        @pointerenter=${() => this.queue.hold(item.toastId)}
        @pointerleave=${() => this.queue.release(item.toastId)}
        @focusin=${() => this.queue.hold(item.toastId)}
        @focusout=${() => this.queue.release(item.toastId)}
      >
        <div class="content">
          <span part="message">${this.t(item.key, item.params)}</span>
          ${
            item.url && id === 'recording-available'
              ? html`<a part="link" href=${item.url} target="_blank" rel="noopener noreferrer"
                  >${this.t('notice.recording-available.link')}</a
                >`
              : nothing
          }
        </div>
        <button
          class="dismiss"
          part="dismiss"
          type="button"
          aria-label=${this.t('toasts.dismiss')}
          @click=${() => this.dismiss(item.toastId)}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true" stroke="currentColor" stroke-width="2">
            <path d="M3 3l10 10M13 3L3 13"></path>
          </svg>
        </button>
      </div>
    `;
  }
}

function detail(item: ToastItem) {
  return { toastId: item.toastId, notice: item.notice, key: item.key };
}

declare global {
  interface HTMLElementTagNameMap {
    'rr-toasts': RrToasts;
  }
}
