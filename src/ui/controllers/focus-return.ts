/**
 * Focus helpers for modal surfaces: find what had focus (through shadow roots), keep Tab
 * inside a container, and give focus back afterwards.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The element that really has focus, looking inside open shadow roots. */
export function deepActiveElement(root: DocumentOrShadowRoot = document): Element | null {
  let el = root.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

const TABBABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Remembers the opener when a surface opens and restores focus to it when it closes, and
 * wraps Tab and Shift+Tab inside the container so focus cannot leave a modal dialog (the
 * native modal makes the page inert, but Tab would still reach the browser's own UI).
 */
export class FocusTrapController implements ReactiveController {
  private opener: HTMLElement | null = null;

  constructor(
    host: ReactiveControllerHost,
    private readonly container: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.opener = null;
  }

  /** Call just before opening. */
  capture(): void {
    const active = deepActiveElement();
    this.opener = active instanceof HTMLElement ? active : null;
  }

  /** Call after closing. */
  restore(): void {
    const opener = this.opener;
    this.opener = null;
    if (opener?.isConnected) opener.focus();
  }

  onKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Tab') return;
    const container = this.container();
    if (!container) return;
    const tabbables = [...container.querySelectorAll<HTMLElement>(TABBABLE)].filter(
      (el) => el.offsetParent !== null || el === deepActiveElement(),
    );
    const first = tabbables[0];
    const last = tabbables[tabbables.length - 1];
    if (!first || !last) return;
    const active = deepActiveElement();
    if (e.shiftKey && (active === first || !container.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !container.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };
}
