import { expect } from '@esm-bundle/chai';
import { SaveGuard } from '../../../src/recorder/save-guard.js';
import type { SaveState } from '../../../src/recorder/engine.js';

/** Whether closing the page now would be held by a `beforeunload` prompt. */
function closingIsHeld(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('SaveGuard (X10: closing is guarded while part of the recording is only in memory)', () => {
  it('holds closing while in memory, lets it go once journaled or saved, and says each change', () => {
    const seen: SaveState[] = [];
    const guard = new SaveGuard((s) => seen.push(s));
    expect(closingIsHeld()).to.equal(false);
    guard.set({ where: 'in-memory', unsavedBytes: 1000 });
    expect(closingIsHeld()).to.equal(true);
    guard.set({ where: 'in-memory', unsavedBytes: 1000 });
    guard.set({ where: 'in-memory', unsavedBytes: 2000 });
    expect(closingIsHeld()).to.equal(true);
    guard.set({ where: 'on-device', unsavedBytes: 2000 });
    expect(closingIsHeld(), 'everything journaled: the next visit uploads it').to.equal(false);
    guard.set({ where: 'saved', unsavedBytes: 0 });
    expect(closingIsHeld()).to.equal(false);
    expect(seen.map((s) => `${s.where}:${s.unsavedBytes}`)).to.deep.equal([
      'in-memory:1000',
      'in-memory:2000',
      'on-device:2000',
      'saved:0',
    ]);
    guard.set({ where: 'in-memory', unsavedBytes: 1 });
    guard.dispose();
    expect(closingIsHeld(), 'a disposed guard holds nothing').to.equal(false);
  });
});
