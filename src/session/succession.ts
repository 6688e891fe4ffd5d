/**
 * X9: who continues a recording when the page that records it leaves or dies. Every page
 * runs this same rule on the same facts (who is present and able to record), so they agree
 * on one successor without asking each other.
 */
import { isHostRole } from './rules.js';
import type { Role } from './types.js';

/** A page that could continue the recording. */
export interface RecorderCandidate {
  userId: string;
  role: Role;
  /** The page instance (a user may have two tabs). */
  page: string;
  /** It has a recording engine that passed its pre-flight, and is not on a phone. */
  canRecord: boolean;
}

/** Who may take a recording over. */
export interface SuccessionPolicy {
  /**
   * Let a participant's page continue when no host or moderator can (default false): the
   * room must not go unrecorded, but a participant's device then holds the recording.
   */
  allowParticipants?: boolean;
}

/**
 * The page that takes over: able to record, a host or moderator first (a participant only
 * when the policy allows), then the smallest user id, then the smallest page id. Null when no
 * page can (the recording then ends where it was kept, X1).
 */
export function chooseSuccessor(
  candidates: readonly RecorderCandidate[],
  policy: SuccessionPolicy = {},
): RecorderCandidate | null {
  const able = candidates.filter(
    (c) => c.canRecord && (isHostRole(c.role) || policy.allowParticipants === true),
  );
  able.sort(
    (a, b) =>
      Number(!isHostRole(a.role)) - Number(!isHostRole(b.role)) ||
      compare(a.userId, b.userId) ||
      compare(a.page, b.page),
  );
  return able[0] ?? null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
