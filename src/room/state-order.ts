/** Which of two room states is newer: pure, so it can be tested on its own. */

/** The fields of a `state` message that order it. */
export interface StateStamp {
  /** The publishing page instance. */
  source: string;
  /** Per-page counter. */
  seq: number;
  /** Epoch ms on the publisher's clock. */
  sentAt: number;
}

/**
 * Whether `candidate` should replace `current`. Within one page the counter decides, so
 * a clock step backwards cannot reorder its states; between pages (a reload, another
 * device) the send time does, assuming clocks roughly agree. Ties keep what is there, so a
 * duplicate or an echo changes nothing.
 */
export function isNewerState(candidate: StateStamp, current: StateStamp | null): boolean {
  if (current === null) return true;
  if (candidate.source === current.source) return candidate.seq > current.seq;
  return candidate.sentAt > current.sentAt;
}
