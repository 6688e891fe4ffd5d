import { css } from 'lit';

export const recorderStyles = css`
  :host {
    display: inline-flex;
    align-items: center;
    gap: var(--_space);
    vertical-align: middle;
  }
  .library {
    box-sizing: border-box;
    width: min(var(--rr-recordings-dialog-width, 820px), calc(100vw - 32px));
    max-height: calc(100vh - 64px);
    padding: calc(var(--_space) * 3);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 1.5);
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
    box-shadow: var(--_shadow);
  }
  .library::backdrop {
    background: var(--_backdrop);
  }
  .library-foot {
    display: flex;
    justify-content: flex-end;
    margin-top: calc(var(--_space) * 2);
  }
`;
