/** Test doubles for the controller's unit tests: an in-memory room and an engine that records nothing. */
import type {
  EngineEvents,
  PreflightResult,
  RecordingEngine,
  RecordingMeta,
  StoredRecording,
} from '../../../src/recorder/engine.js';
import { CallbackRoom, type SenderInfo } from '../../../src/room/index.js';
import type { StopCause } from '../../../src/session/types.js';

/** Rooms wired to each other in memory, each delivering with its sender as a server would. */
export function roomBus() {
  const rooms: Array<{ room: CallbackRoom; self: SenderInfo }> = [];
  return (self: SenderInfo) => {
    const room: CallbackRoom = new CallbackRoom({
      self,
      send: (data) => {
        for (const other of rooms) if (other.room !== room) other.room.receive(data, self);
      },
    });
    rooms.push({ room, self });
    return room;
  };
}

/** An engine that records nothing but keeps the contract's order of events. */
export class ScriptedEngine implements RecordingEngine {
  started: RecordingMeta | null = null;
  stops: StopCause[] = [];
  readonly listeners: { [K in keyof EngineEvents]: Array<EngineEvents[K]> } = {
    health: [],
    fault: [],
    recovered: [],
    save: [],
  };
  constructor(private readonly preflightResult: PreflightResult = { ok: true, problems: [] }) {}
  async preflight() {
    return this.preflightResult;
  }
  async start(meta: RecordingMeta) {
    this.started = meta;
    return { elapsedMs: 0 };
  }
  updateSources() {}
  async stop(cause: StopCause) {
    this.stops.push(cause);
  }
  async whenStored(): Promise<StoredRecording> {
    const m = this.started!;
    return {
      recordingId: m.recordingId,
      objectKey: m.objectKey,
      fileName: m.fileName,
      bytes: 1,
      durationSec: 1,
      url: 'https://x/y.mp4',
    };
  }
  async recover() {
    return [];
  }
  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]) {
    (this.listeners[event] as Array<EngineEvents[K]>).push(listener);
    return () => undefined;
  }
  async dispose() {}
}
