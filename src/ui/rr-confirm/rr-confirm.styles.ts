import { css } from 'lit';

export const confirmStyles = css`
  :host {
    display: contents;
  }
  dialog {
    box-sizing: border-box;
    width: min(var(--rr-confirm-width, 420px), calc(100vw - 32px));
    padding: calc(var(--_space) * 3);
    border: 1px solid var(--_border);
    border-radius: var(--rr-confirm-radius, calc(var(--_radius) * 1.5));
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
    box-shadow: var(--_shadow);
  }
  dialog::backdrop {
    background: var(--_backdrop);
  }
  h2 {
    margin: 0 0 var(--_space);
    font-size: var(--rr-confirm-title-size, 18px);
    font-weight: 600;
    line-height: 1.3;
  }
  .body {
    margin: 0 0 calc(var(--_space) * 3);
    color: var(--_muted);
    line-height: 1.45;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    flex-wrap: wrap;
    gap: var(--_space);
  }
`;
