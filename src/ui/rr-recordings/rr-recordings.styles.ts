import { css } from 'lit';

export const recordingsStyles = css`
  :host {
    display: block;
    background: var(--rr-recordings-background, var(--_surface));
    color: var(--_text);
  }
  .heading {
    margin: 0 0 calc(var(--_space) * 1.5);
    font-size: var(--rr-recordings-title-size, 18px);
    font-weight: 600;
  }
  .player {
    margin-bottom: calc(var(--_space) * 2);
  }
  .player-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    margin-bottom: var(--_space);
    color: var(--_muted);
  }
  video {
    display: block;
    width: 100%;
    max-height: var(--rr-recordings-video-max-height, 360px);
    background: #000;
    border-radius: var(--_radius);
  }
  .scroll {
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    padding: 8px 10px;
    text-align: start;
    border-bottom: 1px solid var(--_border);
    vertical-align: middle;
  }
  th {
    color: var(--_muted);
    font-size: var(--_font-size-small);
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  td.num {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  td.name {
    width: 36%;
    overflow-wrap: anywhere;
    font-weight: 500;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    min-width: 170px;
  }
  .actions .btn {
    white-space: nowrap;
  }
  .actions .btn {
    min-height: 30px;
    padding: 0 10px;
    font-size: var(--_font-size-small);
  }
  .state {
    margin: calc(var(--_space) * 2) 0;
    color: var(--_muted);
  }
  .state.error {
    color: var(--_danger-text);
  }
  .notice {
    min-height: 1.4em;
    margin: var(--_space) 0 0;
    color: var(--_muted);
  }
  .notice input {
    width: 100%;
    margin-top: 4px;
    font: inherit;
    padding: 4px 6px;
    box-sizing: border-box;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius-small);
  }
`;
