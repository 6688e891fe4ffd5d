/** Small helpers for the element tests: mount, wait, and find focus through shadow roots. */
import type { LitElement } from 'lit';
import { deepActiveElement } from '../../../src/ui/controllers/focus-return.js';

const mounted: Element[] = [];

/** Creates `tag` with `props`, adds it to the page and waits for its first render. */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  attrs: Record<string, string> = {},
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  Object.assign(el, props);
  document.body.appendChild(el);
  mounted.push(el);
  await settle(el);
  return el;
}

/** Removes everything `mount` added (call in afterEach). */
export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/** Waits for the element (and a frame, for nested elements and focus) to settle. */
export async function settle(el?: Element): Promise<void> {
  if (el && 'updateComplete' in el) await (el as LitElement).updateComplete;
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  if (el && 'updateComplete' in el) await (el as LitElement).updateComplete;
}

/** The element that has focus, inside shadow roots. */
export function focused(): Element | null {
  return deepActiveElement();
}

/** Collects the events `name` dispatched on `target`. */
export function record<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  name: K,
): Array<GlobalEventHandlersEventMap[K]> {
  const seen: Array<GlobalEventHandlersEventMap[K]> = [];
  target.addEventListener(name, (e) => seen.push(e as GlobalEventHandlersEventMap[K]));
  return seen;
}

/** Waits until `check` is true, up to `ms`. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
