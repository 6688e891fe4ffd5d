import { expect } from '@esm-bundle/chai';
import {
  RoomLockedError,
  acquireRoomLock,
  acquireRoomLockOrThrow,
  isRoomLocked,
} from '../../../src/journal/room-lock.js';

describe('room lock (X7)', () => {
  it('refuses a second holder, then lets it in once released', async () => {
    const room = `room-${crypto.randomUUID().slice(0, 8)}`;
    expect(await isRoomLocked(room)).to.equal(false);
    const first = await acquireRoomLock(room);
    expect(first).to.not.equal(null);
    expect(await isRoomLocked(room)).to.equal(true);

    expect(await acquireRoomLock(room)).to.equal(null);
    let refusal: unknown = null;
    try {
      await acquireRoomLockOrThrow(room);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).to.be.instanceOf(RoomLockedError);
    expect((refusal as RoomLockedError).reason).to.equal('locked-elsewhere');
    expect((refusal as RoomLockedError).message).to.contain('another tab');

    // Another room is independent.
    const other = await acquireRoomLock(`${room}-other`);
    expect(other).to.not.equal(null);
    other!.release();

    first!.release();
    first!.release(); // twice is harmless
    await first!.released;
    expect(await isRoomLocked(room)).to.equal(false);
    const second = await acquireRoomLockOrThrow(room);
    expect(await isRoomLocked(room)).to.equal(true);
    second.release();
    await second.released;
    expect(await isRoomLocked(room)).to.equal(false);
  });

  it('refuses a holder in another browsing context (an iframe)', async () => {
    const room = `room-frame-${crypto.randomUUID().slice(0, 8)}`;
    const frame = document.createElement('iframe');
    document.body.append(frame);
    try {
      const frameLocks = frame.contentWindow!.navigator.locks;
      let releaseFrame!: () => void;
      const granted = new Promise<void>((resolve) => {
        void frameLocks.request(`room-recorder:room:${room}`, () => {
          resolve();
          return new Promise<void>((r) => (releaseFrame = r));
        });
      });
      await granted;
      expect(await isRoomLocked(room)).to.equal(true);
      expect(await acquireRoomLock(room)).to.equal(null);
      // Removing the frame (its page going away) frees the lock.
      frame.remove();
      let lock = null;
      for (let i = 0; i < 50 && !lock; i++) {
        lock = await acquireRoomLock(room);
        if (!lock) await new Promise((r) => setTimeout(r, 50));
      }
      expect(lock).to.not.equal(null);
      lock!.release();
      releaseFrame?.();
    } finally {
      frame.remove();
    }
  });

  it('says unsupported when Web Locks are missing', async () => {
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
    try {
      let error: unknown = null;
      try {
        await acquireRoomLock('r');
      } catch (e) {
        error = e;
      }
      expect((error as RoomLockedError).reason).to.equal('unsupported');
      expect(await isRoomLocked('r')).to.equal(false);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).locks;
    }
    expect(navigator.locks).to.not.equal(undefined);
  });
});
