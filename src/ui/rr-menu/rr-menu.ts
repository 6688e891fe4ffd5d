import { html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { PreflightProblem } from '../../recorder/controller-types.js';
import type { Offer, RefusalReason } from '../../session/types.js';
import { MenuController } from '../controllers/menu-controller.js';
import { emit } from '../events.js';
import { RrElement } from '../rr-element.js';
import { buttons, tokens } from '../theme.js';
import { menuStyles } from './rr-menu.styles.js';

type ItemId = 'record' | 'stop' | 'media-files';
interface Item {
  id: ItemId;
  label: string;
  /** Why it is disabled; undefined when it can be chosen. */
  reason?: string;
}

/**
 * @summary The three-dots menu: Record, Stop recording, and Media and Files.
 *
 * @tag rr-menu
 *
 * It renders what the controller's view offers (`record`, `stop`, decided by the session
 * rules): an item is ready, shown disabled with its reason (a device that cannot record, X4),
 * or not shown (Record for a participant or a mobile device, B1). Keyboard: Enter, Space or ArrowDown open
 * it, arrows/Home/End move, Enter activates, Escape closes and returns focus to the button.
 *
 * @event rr-record-request - Record was chosen. Detail: `{}`.
 * @event rr-stop-request - Stop recording was chosen. Detail: `{ source: 'menu' }`.
 * @event rr-open-recordings - Media and Files was chosen. Detail: `{}`.
 *
 * @csspart trigger - The three-dots button.
 * @csspart menu - The menu panel.
 * @csspart item - Each menu item (also `item-record`, `item-stop`, `item-media-files`).
 * @csspart label - An item's label.
 * @csspart reason - The reason under a disabled item.
 *
 * @cssproperty [--rr-menu-trigger-size=var(--rr-control-size, 36px)] - Size of the button.
 * @cssproperty [--rr-menu-trigger-radius=50%] - Corner radius of the button.
 * @cssproperty [--rr-menu-trigger-background=var(--rr-color-surface)] - Button background.
 * @cssproperty [--rr-menu-trigger-border-color=transparent] - Button border colour.
 * @cssproperty [--rr-menu-min-width=220px] - Minimum width of the panel.
 * @cssproperty [--rr-menu-max-width=320px] - Maximum width of the panel.
 * @cssproperty [--rr-z-menu=1000] - Stacking order of the open panel.
 * @cssproperty [--rr-color-surface=#ffffff] - Panel background (dark: #1f2023).
 * @cssproperty [--rr-color-text=#1b1f24] - Text colour (dark: #f1f3f5).
 * @cssproperty [--rr-color-text-muted=#57606a] - Reason text (dark: #b4bcc6).
 * @cssproperty [--rr-color-danger=#c62828] - Stop recording label.
 */
@customElement('rr-menu')
export class RrMenu extends RrElement {
  static override styles = [tokens, buttons, menuStyles];

  /** How Record is offered (the controller's `view.record`). */
  @property({ attribute: false }) record: Offer = { state: 'hidden' };
  /** How Stop recording is offered (the controller's `view.stop`). */
  @property({ attribute: false }) stop: Offer = { state: 'hidden' };
  /** Pre-flight problems named beside a disabled Record (X4). */
  @property({ attribute: false }) preflightProblems: PreflightProblem[] = [];
  /** Shows Media and Files (the room's Recordings folder). */
  @property({ type: Boolean, attribute: 'media-files' }) mediaFiles = true;
  /** Where the panel opens relative to the button. */
  @property({ reflect: true }) placement: 'bottom-end' | 'bottom-start' | 'top-end' | 'top-start' =
    'bottom-end';

  @query('.trigger') private trigger!: HTMLButtonElement | null;

  private readonly menu = new MenuController(this, {
    items: () => [...(this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])],
    trigger: () => this.trigger,
  });

  /** Whether the panel is open. */
  get open(): boolean {
    return this.menu.open;
  }

  /** Opens the panel and focuses its first item. */
  show(): Promise<void> {
    return this.menu.show('first');
  }

  /** Closes the panel. */
  hide(): void {
    this.menu.hide(false);
  }

  override focus(options?: FocusOptions): void {
    this.trigger?.focus(options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // An open panel whose items all vanished (e.g. the role changed) closes.
    if (changed.has('record') || changed.has('stop') || changed.has('mediaFiles')) {
      if (this.items().length === 0) this.menu.hide(false);
    }
  }

  private items(): Item[] {
    const items: Item[] = [];
    const add = (id: 'record' | 'stop', offer: Offer) => {
      const label = this.t(id === 'record' ? 'menu.record' : 'menu.stop');
      if (offer.state === 'ready') items.push({ id, label });
      else if (offer.state === 'off') items.push({ id, label, reason: this.reason(offer.reason) });
    };
    add('record', this.record);
    add('stop', this.stop);
    if (this.mediaFiles) items.push({ id: 'media-files', label: this.t('menu.mediaFiles') });
    return items;
  }

  private reason(reason: RefusalReason): string {
    if (reason === 'preflight-failed' && this.preflightProblems.length > 0) {
      return this.preflightProblems.map((p) => this.t(`preflight.${p}`)).join(' ');
    }
    return this.t(`refusal.${reason}`);
  }

  private activate(item: Item): void {
    if (item.reason !== undefined) return;
    // Focus goes back to the button first, so a dialog opened next returns focus there.
    this.menu.hide(true);
    if (item.id === 'record') emit(this, 'rr-record-request', {});
    else if (item.id === 'stop') emit(this, 'rr-stop-request', { source: 'menu' });
    else emit(this, 'rr-open-recordings', {});
  }

  protected override render() {
    const items = this.items();
    if (items.length === 0) return nothing;
    const open = this.menu.open;
    return html`
      <button
        class="trigger"
        part="trigger"
        id="trigger"
        type="button"
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="menu"
        aria-label=${this.t('menu.label')}
        @click=${() => this.menu.toggle()}
        @keydown=${this.menu.onTriggerKeydown}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
          <circle cx="12" cy="5" r="2"></circle>
          <circle cx="12" cy="12" r="2"></circle>
          <circle cx="12" cy="19" r="2"></circle>
        </svg>
      </button>
      <div
        class="menu"
        part="menu"
        id="menu"
        role="menu"
        aria-labelledby="trigger"
        ?hidden=${!open}
        @keydown=${this.menu.onMenuKeydown}
        @focusout=${this.menu.onFocusOut}
      >
        ${items.map((item) => this.renderItem(item))}
      </div>
    `;
  }

  private renderItem(item: Item) {
    const disabled = item.reason !== undefined;
    return html`
      <button
        class="item ${item.id}"
        part="item item-${item.id}"
        type="button"
        role="menuitem"
        tabindex="-1"
        data-item=${item.id}
        aria-disabled=${disabled ? 'true' : 'false'}
        aria-describedby=${disabled ? `${item.id}-reason` : nothing}
        @click=${() => this.activate(item)}
      >
        <span class="label" part="label">${item.label}</span>
        ${
          disabled
            ? html`<span class="reason" part="reason" id="${item.id}-reason">${item.reason}</span>`
            : nothing
        }
      </button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rr-menu': RrMenu;
  }
}
