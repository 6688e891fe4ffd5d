/** The journal: IndexedDB store of recordings, recovery, storage and the room lock. */
export type {
  CompletedPart,
  Journal,
  JournalFragment,
  JournalState,
  NewRecording,
  RecordingRecord,
} from './types.js';
export { IndexedDbJournal } from './idb-journal.js';
export type { IndexedDbJournalOptions } from './idb-journal.js';
export { DB_NAME, DB_VERSION } from './schema.js';
export { JournalError, MissingBytesError } from './errors.js';
export type { JournalErrorCode } from './errors.js';
export { MAX_CHUNK_BYTES } from './chunks.js';
export {
  DEFAULT_PART_PLAN,
  LEGACY_PART_PLAN,
  MAX_PARTS,
  PartPlan,
  partPlanOf,
} from './part-plan.js';
export type { ByteRange, PartPlanSpec } from './part-plan.js';
export {
  StorageFullError,
  isQuotaExceeded,
  requestPersistence,
  storageEstimate,
} from './device-storage.js';
export type { StorageEstimate } from './device-storage.js';
export { cutAtLastCompleteFragment, planRecovery } from './recovery-plan.js';
export type { RecoveredFragment, RecoveryPlan } from './recovery-plan.js';
export {
  RoomLockedError,
  acquireRoomLock,
  acquireRoomLockOrThrow,
  isRoomLocked,
  roomLockName,
} from './room-lock.js';
export type { RoomLock, RoomLockRefusal } from './room-lock.js';
