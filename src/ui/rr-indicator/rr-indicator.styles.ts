import { css } from 'lit';

export const indicatorStyles = css`
  :host {
    position: fixed;
    z-index: var(--rr-z-indicator, 900);
    left: var(--rr-indicator-inset, 16px);
    bottom: var(--rr-indicator-inset, 16px);
    display: block;
  }
  :host(:not([active])) {
    display: none;
  }
  .pill {
    display: inline-flex;
    align-items: center;
    gap: var(--_space);
    height: var(--rr-indicator-height, 40px);
    padding: 0 12px;
    box-sizing: border-box;
    background: var(--rr-indicator-background, var(--_surface));
    color: var(--rr-indicator-color, var(--_text));
    border: 1px solid var(--_border);
    border-radius: var(--rr-indicator-radius, 999px);
    box-shadow: var(--_shadow);
    font-variant-numeric: tabular-nums;
  }
  :host(:not([show-stop])) .pill {
    padding-right: 14px;
  }
  .pill.warning {
    border-color: var(--_warning);
    background: var(--_warning-surface);
  }
  .dot {
    flex: none;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--_recording);
    animation: rr-pulse 2s ease-in-out infinite;
  }
  .label {
    font-weight: 600;
  }
  .elapsed {
    color: var(--_text);
  }
  .save {
    color: var(--_muted);
    font-size: var(--_font-size-small);
  }
  .warn {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    color: var(--_warning);
    font-size: var(--_font-size-small);
  }
  .warn svg {
    width: 14px;
    height: 14px;
  }
  .stop {
    display: grid;
    place-items: center;
    width: 28px;
    height: 28px;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius-small);
    background: var(--_surface);
    cursor: pointer;
  }
  .stop:hover {
    background-image: linear-gradient(var(--_hover), var(--_hover));
  }
  .square {
    width: 12px;
    height: 12px;
    border-radius: 2px;
    background: var(--rr-indicator-stop-color, var(--_recording));
  }
  @keyframes rr-pulse {
    50% {
      opacity: 0.35;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dot {
      animation: none;
    }
  }
`;
