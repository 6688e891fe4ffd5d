/** An in-memory room for tests: CallbackRooms wired to each other, delivering synchronously. */
import { CallbackRoom } from '../../../src/room/index.js';
import type { SenderInfo } from '../../../src/room/index.js';

export interface TestBus {
  join(self: SenderInfo): CallbackRoom;
  /** Every frame sent, with its sender, in order. */
  sent: Array<{ data: string; from: SenderInfo }>;
}

export function createBus(): TestBus {
  const members: Array<{ room: CallbackRoom; self: SenderInfo }> = [];
  const sent: TestBus['sent'] = [];
  return {
    sent,
    join(self) {
      const room: CallbackRoom = new CallbackRoom({
        self,
        send: (data) => {
          sent.push({ data, from: self });
          for (const m of [...members]) if (m.room !== room) m.room.receive(data, self);
        },
      });
      members.push({ room, self });
      return room;
    },
  };
}
