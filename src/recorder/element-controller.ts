/**
 * Builds the controller of an `<rr-recorder>` from its attributes and properties, so one tag
 * is a working recorder: the room channel defaults to a BroadcastChannel of the room, and a
 * host's or moderator's page with storage gets the browser engine.
 */
import { BroadcastChannelRoom } from '../room/index.js';
import { parseRole, parseRoomType } from '../session/parse.js';
import { hostAwayTimeoutMs, mayControl, recordingCapMs } from '../session/rules.js';
import { BrowserRecordingEngine } from './browser-engine.js';
import { RecorderController } from './controller.js';
import type { RecorderElementConfig } from './controller-types.js';
import type { RecordingEngine } from './engine.js';
import type { RecordingLibrary } from '../library/types.js';
import { createStorage } from './remote-storage.js';
import type { StorageConfig } from './storage-config.js';

/**
 * @returns null (with a console error saying what is missing) when the element cannot be a
 *   recorder yet.
 */
export function controllerForElement(el: RecorderElementConfig): RecorderController | null {
  const missing = (['userId', 'roomId'] as const).filter((k) => !el[k]);
  if (missing.length) {
    console.error(
      `[room-recorder] <rr-recorder> needs ${missing.map((k) => (k === 'userId' ? 'user-id' : 'room-id')).join(' and ')}.`,
    );
    return null;
  }
  let limits: { maxRecordingMs: number; hostAwayTimeoutMs: number };
  try {
    limits = {
      maxRecordingMs: recordingCapMs(el.maxRecordingMs, 'max-recording-ms (maxRecordingMs)'),
      hostAwayTimeoutMs: hostAwayTimeoutMs(
        el.hostAwayTimeoutMs,
        'host-away-timeout-ms (hostAwayTimeoutMs)',
      ),
    };
  } catch (e) {
    // No recorder rather than one with another limit than the integrator's plan allows.
    console.error(`[room-recorder] <rr-recorder> ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  const role = parseRole(el.userRole);
  const roomType = parseRoomType(el.roomType);
  const storage = el.storage as StorageConfig | null;
  let engine: RecordingEngine | null = null;
  let library: RecordingLibrary | null = null;
  let keyPrefix: string | undefined;
  if (storage) {
    try {
      // Only a page that may record gets an engine (B1); the others list and play.
      if (mayControl({ role, mobile: el.mobile }).ok) {
        const browserEngine = new BrowserRecordingEngine({ storage, roomId: el.roomId });
        engine = browserEngine;
        library = browserEngine.library;
        keyPrefix = browserEngine.keyPrefix;
      } else {
        const s = createStorage(storage);
        library = s.library;
        keyPrefix = s.keyPrefix;
      }
    } catch (e) {
      // A bad storage config is said at once, and Record shows why it is off; the rest of
      // the element (notices, indicator) still works for this participant.
      console.error(`[room-recorder] ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return new RecorderController({
    roomId: el.roomId,
    roomType,
    userId: el.userId,
    role,
    mobile: el.mobile,
    meetingTitle: el.meetingTitle,
    owners: {
      ...(el.channelOwnerId ? { channelOwnerId: el.channelOwnerId } : {}),
      ...(el.galleryOwnerId ? { galleryOwnerId: el.galleryOwnerId } : {}),
      ...(el.mediaOwnerId ? { mediaOwnerId: el.mediaOwnerId } : {}),
    },
    channel:
      el.channel ??
      new BroadcastChannelRoom({ roomId: el.roomId, self: { userId: el.userId, role } }),
    engine,
    library,
    sources: () => ({ stage: el.stage, webcams: el.webcams, audio: el.audioTracks }),
    ...limits,
    ...(el.timeZone ? { timeZone: el.timeZone } : {}),
    ...(keyPrefix ? { keyPrefix } : {}),
  });
}
