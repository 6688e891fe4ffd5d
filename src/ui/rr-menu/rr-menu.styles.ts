import { css } from 'lit';

export const menuStyles = css`
  :host {
    display: inline-block;
    position: relative;
  }
  .trigger {
    display: inline-grid;
    place-items: center;
    width: var(--rr-menu-trigger-size, var(--_control-size));
    height: var(--rr-menu-trigger-size, var(--_control-size));
    padding: 0;
    border: 1px solid var(--rr-menu-trigger-border-color, transparent);
    border-radius: var(--rr-menu-trigger-radius, 50%);
    background: var(--rr-menu-trigger-background, var(--_surface));
    color: var(--_text);
    cursor: pointer;
  }
  .trigger:hover,
  .trigger[aria-expanded='true'] {
    background-image: linear-gradient(var(--_hover), var(--_hover));
  }
  .trigger svg {
    width: 20px;
    height: 20px;
  }
  .menu {
    position: absolute;
    top: calc(100% + 4px);
    right: 0;
    z-index: var(--rr-z-menu, 1000);
    min-width: var(--rr-menu-min-width, 220px);
    max-width: var(--rr-menu-max-width, 320px);
    margin: 0;
    padding: 4px 0;
    box-sizing: border-box;
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }
  :host([placement='bottom-start']) .menu,
  :host([placement='top-start']) .menu {
    right: auto;
    left: 0;
  }
  :host([placement^='top']) .menu {
    top: auto;
    bottom: calc(100% + 4px);
  }
  .menu[hidden] {
    display: none;
  }
  .item {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 2px;
    width: 100%;
    min-height: var(--_control-size);
    padding: 8px 14px;
    box-sizing: border-box;
    border: 0;
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .item:hover,
  .item:focus-visible {
    background: var(--_hover);
  }
  .item:focus-visible {
    outline-offset: -2px;
  }
  .item[aria-disabled='true'] {
    cursor: not-allowed;
  }
  .item[aria-disabled='true'] .label {
    opacity: 0.7;
  }
  .item.stop .label {
    color: var(--_danger-text);
  }
  .reason {
    color: var(--_muted);
    font-size: var(--_font-size-small);
  }
`;
