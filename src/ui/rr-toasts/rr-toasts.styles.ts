import { css } from 'lit';

export const toastsStyles = css`
  :host {
    position: fixed;
    z-index: var(--rr-z-toasts, 1100);
    top: var(--rr-toasts-inset, 16px);
    left: 50%;
    transform: translateX(-50%);
    width: min(var(--rr-toast-width, 380px), calc(100vw - 32px));
    pointer-events: none;
  }
  :host([placement='top-end']) {
    left: auto;
    right: var(--rr-toasts-inset, 16px);
    transform: none;
  }
  :host([placement='bottom-center']) {
    top: auto;
    bottom: var(--rr-toasts-inset, 16px);
  }
  :host([placement='bottom-end']) {
    top: auto;
    left: auto;
    bottom: var(--rr-toasts-inset, 16px);
    right: var(--rr-toasts-inset, 16px);
    transform: none;
  }
  .stack {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .toast {
    display: flex;
    align-items: flex-start;
    gap: var(--_space);
    padding: 10px 8px 10px 14px;
    background: var(--rr-toast-background, var(--_surface));
    color: var(--rr-toast-color, var(--_text));
    border: 1px solid var(--_border);
    border-left: 4px solid var(--rr-toast-accent, var(--_accent));
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    pointer-events: auto;
    line-height: 1.4;
    animation: rr-toast-in 160ms ease-out;
  }
  .toast.recording {
    border-left-color: var(--_recording);
  }
  .toast.problem {
    border-left-color: var(--_danger);
  }
  .content {
    flex: 1;
    padding-top: 4px;
  }
  a {
    display: block;
    width: fit-content;
    margin-top: 2px;
    color: var(--_accent);
    font-weight: 600;
  }
  .dismiss {
    flex: none;
    display: grid;
    place-items: center;
    width: 28px;
    height: 28px;
    padding: 0;
    border: 0;
    border-radius: var(--_radius-small);
    background: none;
    color: var(--_muted);
    cursor: pointer;
  }
  .dismiss:hover {
    background: var(--_hover);
  }
  .dismiss svg {
    width: 14px;
    height: 14px;
  }
  @keyframes rr-toast-in {
    from {
      opacity: 0;
      transform: translateY(-6px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .toast {
      animation: none;
    }
  }
`;
