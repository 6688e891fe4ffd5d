/** The room's Recordings folder as the UI sees it (B12, B13). */

/** One stored recording. */
export interface LibraryEntry {
  /** Object key in storage. */
  key: string;
  /** File name shown, e.g. `Rec - 2026-11-26 14:03:00 - Weekly class.mp4`. */
  fileName: string;
  title: string;
  roomId: string;
  ownerId: string;
  initiatorId: string;
  /** Epoch ms when recording started. */
  startedAt: number;
  durationSec: number;
  bytes: number;
}

/** Reads the Recordings folder and makes links to its files. */
export interface RecordingLibrary {
  /** The room's recordings visible to `viewerId` (its owner's only, B13), newest first. */
  listRoom(roomId: string, viewerId: string): Promise<LibraryEntry[]>;
  /** Every recording `ownerId` owns, across rooms ("My Media"). */
  listOwned(ownerId: string): Promise<LibraryEntry[]>;
  /** A time-limited link to play (inline) or download (attachment) the file. */
  link(
    entry: LibraryEntry,
    purpose: 'play' | 'download' | 'share',
    expiresInSec?: number,
  ): Promise<string>;
}
