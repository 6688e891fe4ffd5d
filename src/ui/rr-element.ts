/**
 * What every element shares: the strings table (replaceable in part) and the colour scheme.
 */
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { interpolate, resolveStrings } from './strings.js';
import type { RrStringKey, RrStrings, RrStringsOverride } from './strings.js';

export type RrTheme = 'auto' | 'light' | 'dark';

export abstract class RrElement extends LitElement {
  /** Replaces the English texts, as a whole or in part. */
  @property({ attribute: false }) strings: RrStringsOverride | null = null;

  /** `light` or `dark` forces a scheme; `auto` (default) follows `prefers-color-scheme`. */
  @property({ reflect: true }) theme: RrTheme = 'auto';

  /** The resolved table, recomputed only when `strings` changes. */
  private resolved: { from: RrStringsOverride | null; table: RrStrings } | null = null;

  protected get table(): RrStrings {
    if (!this.resolved || this.resolved.from !== this.strings) {
      this.resolved = { from: this.strings, table: resolveStrings(this.strings) };
    }
    return this.resolved.table;
  }

  /** The text for `key` with its `{params}` filled in (bind it as text: Lit escapes it). */
  protected t(key: RrStringKey, params?: Record<string, string>): string {
    return interpolate(this.table[key], params);
  }
}
