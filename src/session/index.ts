/**
 * The session rules (no DOM, no media): who may record, the state machine every page runs,
 * the notices, the timers, the file names and the owner of a recording.
 */
export type * from './types.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export {
  ACTIVE_PHASES,
  CONTROLLING_ROLES,
  RESTING_PHASES,
  HOST_AWAY_TIMEOUT_MS,
  RECORDING_CAP_MS,
  RECORDING_PHASES,
  ROOM_SESSION_MAX_MS,
  hostAwayTimeoutMs,
  isHostRole,
  mayControl,
  recordingCapMs,
  recordOffer,
  seesElapsed,
  stopOffer,
} from './rules.js';
export {
  PHASES,
  ROLES,
  ROOM_TYPES,
  STOP_CAUSES,
  parseLocalUser,
  parsePhase,
  parseRole,
  parseRoomType,
  parseSnapshot,
  parseStopCause,
  parseUserId,
} from './parse.js';
export { describeLimit, limitInUnits } from './duration.js';
export type { LimitInUnits, LimitUnit } from './duration.js';
export { noticesFor } from './notices.js';
export type { NoticeLimits } from './notices.js';
export { SessionMachine } from './machine.js';
export type {
  AutomaticStopCause,
  RemoteActor,
  SessionMachineOptions,
  SessionState,
} from './machine.js';
export {
  DEFAULT_FILE_NAME_TEMPLATE,
  DEFAULT_KEY_PREFIX,
  downloadFileName,
  FILE_NAME_TOKENS,
  MAX_ROOM_ID_BYTES,
  MAX_TEMPLATE_BYTES,
  MAX_TITLE_BYTES,
  RECORDINGS_FOLDER,
  RECORDING_EXTENSION,
  UNTITLED_MEETING,
  formatDateTime,
  objectKey,
  recordingFileName,
  titleForName,
  validateTemplate,
} from './naming.js';
export type { FileNameOptions, RecordingName } from './naming.js';
export { portableFileName, sanitizeSegment, truncateUtf8, utf8Length } from './sanitize.js';
export { recordingOwner } from './owner.js';
export { chooseSuccessor } from './succession.js';
export type { RecorderCandidate, SuccessionPolicy } from './succession.js';
export type { OwnerInput } from './owner.js';
