/**
 * One recorder per room on a device (X7), with the Web Locks API: the lock is held for as
 * long as the recording runs, by whichever tab or worker started it, and the browser
 * releases it by itself when that page dies.
 */

/** Why a room lock was refused. */
export type RoomLockRefusal =
  /** Another tab or worker of this origin is recording this room. */
  | 'locked-elsewhere'
  /** The Web Locks API is missing (an insecure context, or an old browser). */
  | 'unsupported';

/** A room's recorder lock, held until `release()` or until the page goes away. */
export interface RoomLock {
  readonly roomId: string;
  /** Lets another tab record the room. Calling it again does nothing. */
  release(): void;
  /** Resolves once the lock is no longer held (released, or taken with `steal`). */
  readonly released: Promise<void>;
}

/** Refusal to record a room on this device, with the reason for the UI. */
export class RoomLockedError extends Error {
  constructor(
    readonly roomId: string,
    readonly reason: RoomLockRefusal,
  ) {
    super(
      reason === 'locked-elsewhere'
        ? `Room ${roomId} is already being recorded in another tab or window of this browser.`
        : 'This browser cannot make sure a room is recorded only once (no Web Locks API).',
    );
    this.name = 'RoomLockedError';
  }
}

/** The lock name of a room; one namespace per library. */
export function roomLockName(roomId: string): string {
  return `room-recorder:room:${roomId}`;
}

function locks(roomId: string): LockManager {
  const manager = globalThis.navigator?.locks;
  if (!manager) throw new RoomLockedError(roomId, 'unsupported');
  return manager;
}

/**
 * Takes the room's recorder lock if no one holds it.
 *
 * @returns the lock, or null when another tab holds it ('locked-elsewhere').
 * @throws RoomLockedError with reason 'unsupported' when Web Locks are missing.
 */
export async function acquireRoomLock(roomId: string): Promise<RoomLock | null> {
  const manager = locks(roomId);
  let release!: () => void;
  const releasing = new Promise<void>((resolve) => (release = resolve));
  return new Promise<RoomLock | null>((resolve, reject) => {
    const held = manager.request(roomLockName(roomId), { ifAvailable: true }, async (lock) => {
      if (!lock) {
        resolve(null);
        return;
      }
      resolve({ roomId, release, released });
      // The lock is held for as long as this callback's promise is pending.
      await releasing;
    });
    // Rejects when the request itself fails, or when another holder steals the lock.
    const released = held.then(
      () => undefined,
      () => undefined,
    );
    held.catch(reject);
  });
}

/** Like acquireRoomLock, but throws a RoomLockedError ('locked-elsewhere') instead of null. */
export async function acquireRoomLockOrThrow(roomId: string): Promise<RoomLock> {
  const lock = await acquireRoomLock(roomId);
  if (!lock) throw new RoomLockedError(roomId, 'locked-elsewhere');
  return lock;
}

/**
 * Whether another holder (or this page) has the room's lock, for the pre-flight (X4).
 * False when Web Locks are missing: then nothing can be known.
 */
export async function isRoomLocked(roomId: string): Promise<boolean> {
  const manager = globalThis.navigator?.locks;
  if (!manager) return false;
  const { held = [] } = await manager.query();
  const name = roomLockName(roomId);
  return held.some((lock) => lock.name === name);
}
