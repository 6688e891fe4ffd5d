/**
 * A recording page inside an iframe, driven by postMessage from the handoff test: another
 * "device" of the room, with its own journal database. Removing the iframe kills it as a
 * closed browser would (its worker, its room lock and its pipeline go at once).
 */
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { BrowserRecordingEngine } from '../../../src/recorder/browser-engine.js';
import type { RecordingMeta } from '../../../src/recorder/engine.js';
import { engineOptions, roomSources, type FrameSetup } from './handoff-setup.js';

export type FrameCommand =
  | { cmd: 'start'; meta: RecordingMeta }
  | { cmd: 'leave' }
  | { cmd: 'handoff-possible' }
  | { cmd: 'continue'; recordingId: string; elapsedMs: number }
  | { cmd: 'recover' }
  | { cmd: 'unfinished' };

let engine: BrowserRecordingEngine | null = null;
let journal: IndexedDbJournal | null = null;

async function handle(setup: FrameSetup, command: FrameCommand): Promise<unknown> {
  journal ??= await IndexedDbJournal.open({ name: setup.journalName });
  engine ??= new BrowserRecordingEngine({ ...engineOptions(setup), journal });
  switch (command.cmd) {
    case 'start':
      return engine.start(command.meta, roomSources(setup.colour, setup.frequency));
    case 'leave':
      return engine.leave();
    case 'handoff-possible':
      return engine.handoffPossible(true);
    case 'continue':
      return engine.continueRecording(
        command.recordingId,
        command.elapsedMs,
        roomSources(setup.colour, setup.frequency),
      );
    case 'recover':
      return engine.recover();
    case 'unfinished':
      return (await journal.unfinished()).length;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const { id, setup, command } = e.data as { id: number; setup: FrameSetup; command: FrameCommand };
  handle(setup, command).then(
    (value) => parent.postMessage({ id, ok: true, value }, '*'),
    (err: unknown) => parent.postMessage({ id, ok: false, error: String(err) }, '*'),
  );
});
parent.postMessage({ ready: true }, '*');
