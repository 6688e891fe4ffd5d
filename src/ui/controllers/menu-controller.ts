/**
 * The ARIA menu-button keyboard pattern as a reactive controller: opening from the trigger,
 * roving focus over the items, closing on Escape, Tab, an outside press or focus leaving,
 * and giving focus back to the trigger.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface MenuControllerOptions {
  /** The focusable items in order (disabled ones included: the APG keeps them focusable). */
  items: () => HTMLElement[];
  trigger: () => HTMLElement | null;
}

export class MenuController implements ReactiveController {
  open = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: MenuControllerOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stopWatchingOutside();
    this.open = false;
  }

  /** Opens and moves focus to the first (or last) item once the menu is rendered. */
  async show(focus: 'first' | 'last' = 'first'): Promise<void> {
    if (!this.open) {
      this.open = true;
      this.host.requestUpdate();
      this.watchOutside();
      await this.host.updateComplete;
    }
    const items = this.options.items();
    (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
  }

  hide(returnFocus: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.stopWatchingOutside();
    this.host.requestUpdate();
    if (returnFocus) this.options.trigger()?.focus();
  }

  toggle(): void {
    if (this.open) this.hide(true);
    else void this.show('first');
  }

  /** Enter and Space reach the trigger's click; arrows open the menu directly. */
  onTriggerKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      void this.show(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  onMenuKeydown = (e: KeyboardEvent): void => {
    const items = this.options.items();
    if (items.length === 0) return;
    const active = items.indexOf(this.focusedItem(items) ?? items[0]!);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        move(active + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        move(active - 1);
        break;
      case 'Home':
        e.preventDefault();
        move(0);
        break;
      case 'End':
        e.preventDefault();
        move(items.length - 1);
        break;
      case 'Escape':
        e.preventDefault();
        // Keep an enclosing dialog from treating this Escape as its own.
        e.stopPropagation();
        this.hide(true);
        break;
      case 'Tab':
        this.hide(false);
        break;
      default:
        if (e.key.length === 1 && /\S/.test(e.key)) this.typeahead(items, active, e.key);
    }
  };

  /** Focus leaving the whole element closes the menu without stealing focus back. */
  onFocusOut = (e: FocusEvent): void => {
    const next = e.relatedTarget as Node | null;
    if (this.open && next && !this.contains(next)) this.hide(false);
  };

  private typeahead(items: HTMLElement[], from: number, key: string): void {
    const k = key.toLowerCase();
    for (let i = 1; i <= items.length; i++) {
      const item = items[(from + i) % items.length];
      if (item?.textContent?.trim().toLowerCase().startsWith(k)) {
        item.focus();
        return;
      }
    }
  }

  private focusedItem(items: HTMLElement[]): HTMLElement | undefined {
    const active = this.host.shadowRoot?.activeElement;
    return items.find((i) => i === active || i.contains(active ?? null));
  }

  private contains(node: Node): boolean {
    return this.host.contains(node) || !!this.host.shadowRoot?.contains(node);
  }

  private readonly onOutsidePointer = (e: PointerEvent): void => {
    if (!e.composedPath().includes(this.host)) this.hide(false);
  };

  private watchOutside(): void {
    document.addEventListener('pointerdown', this.onOutsidePointer, true);
  }

  private stopWatchingOutside(): void {
    document.removeEventListener('pointerdown', this.onOutsidePointer, true);
  }
}
