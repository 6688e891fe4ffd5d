/** The controls: importing this module defines every `rr-*` element. */
export { RrElement } from './rr-element.js';
export type { RrTheme } from './rr-element.js';
export { RrMenu } from './rr-menu/rr-menu.js';
export { RrConfirm } from './rr-confirm/rr-confirm.js';
export { RrToasts } from './rr-toasts/rr-toasts.js';
export { RrIndicator } from './rr-indicator/rr-indicator.js';
export { RrRecordings } from './rr-recordings/rr-recordings.js';
export type { LinkPurpose, LinkResolver, RecordingsState } from './rr-recordings/rr-recordings.js';
export { RrRecorder } from './rr-recorder/rr-recorder.js';
export type { RecorderChannel, RecorderStorage } from './rr-recorder/rr-recorder.js';
import { RrConfirm } from './rr-confirm/rr-confirm.js';
import { RrIndicator } from './rr-indicator/rr-indicator.js';
import { RrMenu } from './rr-menu/rr-menu.js';
import { RrRecorder } from './rr-recorder/rr-recorder.js';
import { RrRecordings } from './rr-recordings/rr-recordings.js';
import { RrToasts } from './rr-toasts/rr-toasts.js';

/** Every element by tag. Referencing it keeps all definitions in a tree-shaken bundle. */
export const RR_ELEMENTS = {
  'rr-menu': RrMenu,
  'rr-confirm': RrConfirm,
  'rr-toasts': RrToasts,
  'rr-indicator': RrIndicator,
  'rr-recordings': RrRecordings,
  'rr-recorder': RrRecorder,
} as const;

export { RR_STRINGS, interpolate, noticeParams, noticeText, resolveStrings } from './strings.js';
export { formatLimit } from './format.js';
export type { RrStringKey, RrStrings, RrStringsOverride } from './strings.js';
export type * from './events.js';
export { formatElapsed } from './controllers/elapsed-clock.js';
