/**
 * The typed events of the controls. Each is a `CustomEvent` that bubbles and is composed, so a
 * page listening on `<rr-recorder>` (or on `document`) hears what its inner elements say.
 */
import type { LibraryEntry } from '../library/types.js';
import type { Notice } from '../session/types.js';

/** Which confirm a dialog asks. */
export type ConfirmKind = 'start' | 'stop';

export type RecordRequestDetail = Record<string, never>;
export interface StopRequestDetail {
  /** Where Stop was chosen: the three-dots menu or the indicator's square. */
  source: 'menu' | 'indicator';
}
export type OpenRecordingsDetail = Record<string, never>;
export interface ConfirmDetail {
  kind: ConfirmKind;
}
export interface ToastDetail {
  /** The toast's id in its queue. */
  toastId: number;
  /** The notice it shows, when it shows one. */
  notice: Notice | null;
  /** The strings-table key of its text. */
  key: string;
}
export interface ToastDismissDetail extends ToastDetail {
  reason: 'user' | 'timeout' | 'superseded';
}
export interface RecordingActionDetail {
  entry: LibraryEntry;
  /** The time-limited link used for the action. */
  url: string;
}
export type RecordingsRetryDetail = Record<string, never>;

/** Every event name the controls dispatch, with its detail type. */
export interface RrEventMap {
  'rr-record-request': CustomEvent<RecordRequestDetail>;
  'rr-stop-request': CustomEvent<StopRequestDetail>;
  'rr-open-recordings': CustomEvent<OpenRecordingsDetail>;
  'rr-confirm': CustomEvent<ConfirmDetail>;
  'rr-cancel': CustomEvent<ConfirmDetail>;
  'rr-toast-show': CustomEvent<ToastDetail>;
  'rr-toast-dismiss': CustomEvent<ToastDismissDetail>;
  'rr-recording-play': CustomEvent<RecordingActionDetail>;
  'rr-recording-download': CustomEvent<RecordingActionDetail>;
  'rr-recording-share': CustomEvent<RecordingActionDetail>;
  'rr-recordings-retry': CustomEvent<RecordingsRetryDetail>;
}

type DetailOf<K extends keyof RrEventMap> = RrEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Dispatches a typed, bubbling, composed event from `target`. */
export function emit<K extends keyof RrEventMap>(
  target: EventTarget,
  name: K,
  detail: DetailOf<K>,
): boolean {
  return target.dispatchEvent(
    new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: false }),
  );
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends RrEventMap {}
}
