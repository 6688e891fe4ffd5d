/**
 * Room Recorder: session recording for any web video room, in the host's browser.
 * Importing this module defines every `rr-*` element and makes `<rr-recorder>` a working
 * recorder on its own.
 */
import { RrRecorder } from './ui/rr-recorder/rr-recorder.js';
import { controllerForElement } from './recorder/element-controller.js';

RrRecorder.controllerFactory ??= controllerForElement;

export * from './ui/index.js';

// The recorder: controller, engine and their contracts.
export { RecorderController, createRecorderController } from './recorder/controller.js';
export { BrowserRecordingEngine } from './recorder/browser-engine.js';
export type { BrowserEngineOptions } from './recorder/browser-engine.js';
export { controllerForElement } from './recorder/element-controller.js';
export { createStorage } from './recorder/remote-storage.js';
export type * from './recorder/engine.js';
export type * from './recorder/controller-types.js';
export type * from './recorder/options.js';
export type * from './recorder/storage-config.js';

// The room channel and its adapters.
export { BroadcastChannelRoom, CallbackRoom, WebSocketRoom, RoomSync } from './room/index.js';
export type { RoomChannel, RoomMessage, SenderInfo } from './room/index.js';

// The session rules an integrator may want directly.
export { objectKey, recordingFileName, recordingOwner, SessionMachine } from './session/index.js';
export type * from './session/types.js';

// Storage: targets and the Recordings folder.
export { S3ClientTarget, PresignedTarget, MultipartUpload, UploadError } from './upload/index.js';
export { S3Library, PresignedLibrary } from './library/index.js';
export type { LibraryEntry, RecordingLibrary } from './library/index.js';
export { IndexedDbJournal } from './journal/index.js';
