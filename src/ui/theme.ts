/**
 * The design tokens every element shares. Each public token is a `--rr-*` custom property
 * read with a fallback, so an integrator overrides it on any ancestor (custom properties
 * inherit through shadow roots) and nothing is written to the page's global styles.
 *
 * Each element copies the tokens into private `--_*` properties on its host; light or dark
 * defaults are chosen by `prefers-color-scheme`, or forced by the `theme` attribute.
 */
import { css, unsafeCSS } from 'lit';

/** [public name, private name, light default, dark default]. */
const TOKENS: ReadonlyArray<readonly [string, string, string, string]> = [
  ['--rr-color-surface', '--_surface', '#ffffff', '#1f2023'],
  ['--rr-color-text', '--_text', '#1b1f24', '#f1f3f5'],
  ['--rr-color-text-muted', '--_muted', '#57606a', '#b4bcc6'],
  ['--rr-color-border', '--_border', '#c4ccd4', '#444b54'],
  ['--rr-color-hover', '--_hover', 'rgba(0, 0, 0, 0.07)', 'rgba(255, 255, 255, 0.1)'],
  ['--rr-color-accent', '--_accent', '#0b5cd5', '#8ab4f8'],
  ['--rr-color-on-accent', '--_on-accent', '#ffffff', '#0b1220'],
  ['--rr-color-danger', '--_danger', '#c62828', '#c62828'],
  ['--rr-color-danger-text', '--_danger-text', '#c62828', '#ff8a80'],
  ['--rr-color-on-danger', '--_on-danger', '#ffffff', '#ffffff'],
  ['--rr-color-recording', '--_recording', '#e02424', '#ff5c5c'],
  ['--rr-color-warning', '--_warning', '#7a4f00', '#f5c451'],
  ['--rr-color-warning-surface', '--_warning-surface', '#fff4d6', '#3a2e0b'],
  ['--rr-color-focus', '--_focus', '#0b5cd5', '#8ab4f8'],
  ['--rr-color-backdrop', '--_backdrop', 'rgba(15, 20, 25, 0.45)', 'rgba(0, 0, 0, 0.6)'],
  ['--rr-shadow', '--_shadow', '0 6px 24px rgba(0, 0, 0, 0.18)', '0 6px 24px rgba(0, 0, 0, 0.6)'],
];

/** Tokens that do not change with the colour scheme: [public, private, default]. */
const FIXED: ReadonlyArray<readonly [string, string, string]> = [
  ['--rr-font-family', '--_font', 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'],
  ['--rr-font-size', '--_font-size', '14px'],
  ['--rr-font-size-small', '--_font-size-small', '12px'],
  ['--rr-radius', '--_radius', '8px'],
  ['--rr-radius-small', '--_radius-small', '4px'],
  ['--rr-space', '--_space', '8px'],
  ['--rr-control-size', '--_control-size', '36px'],
];

const decl = (rows: ReadonlyArray<readonly string[]>, col: number) =>
  rows.map((r) => `${r[1]}: var(${r[0]}, ${r[col]});`).join('\n');

/** The shared token sheet; put it first in each element's `static styles`. */
export const tokens = css`
  :host {
    ${unsafeCSS(decl(TOKENS, 2))}
    ${unsafeCSS(decl(FIXED, 2))}
    color-scheme: light;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_text);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${unsafeCSS(decl(TOKENS, 3))}
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    ${unsafeCSS(decl(TOKENS, 3))}
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none !important;
  }
  /* One visible focus ring everywhere, drawn only for keyboard focus. */
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;

/** Buttons shared by the confirm, the recordings folder and the toasts. */
export const buttons = css`
  .btn {
    font: inherit;
    min-height: var(--_control-size);
    padding: 0 calc(var(--_space) * 2);
    border-radius: var(--_radius-small);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    cursor: pointer;
  }
  .btn:hover {
    background-image: linear-gradient(var(--_hover), var(--_hover));
  }
  .btn.primary {
    background-color: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  .btn.danger {
    background-color: var(--_danger);
    border-color: var(--_danger);
    color: var(--_on-danger);
  }
  .btn[disabled],
  .btn[aria-disabled='true'] {
    opacity: 0.6;
    cursor: not-allowed;
  }
`;

/** Text only screen readers read. */
export const visuallyHidden = css`
  .vh {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
