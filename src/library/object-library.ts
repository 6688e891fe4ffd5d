/**
 * The Recordings folder over any object store that can list, head, read and sign links.
 * `S3Library` and `PresignedLibrary` only supply that store.
 */
import { DEFAULT_KEY_PREFIX, downloadFileName } from '../session/naming.js';
import type { ListPage, ObjectMetadata } from '../upload/types.js';
import { contentDisposition } from './content-disposition.js';
import { ownerIndexFolder, ownerIndexKey, roomFolder } from './folder-keys.js';
import { mapLimit } from '../shared/limiter.js';
import { entryFromObject, recordingIdOf } from './recording-metadata.js';
import { parseOwnerIndex } from './owner-index.js';
import type { OwnerIndexRecord } from './owner-index.js';
import type { LibraryEntry, RecordingLibrary } from './types.js';

/** What the library needs of storage. Metadata comes back decoded. */
export interface LibraryStore {
  list(prefix: string, continuationToken?: string): Promise<ListPage>;
  head(key: string): Promise<{ size: number; metadata: ObjectMetadata } | null>;
  /** A whole small object, or null when absent. */
  read(key: string): Promise<Uint8Array | null>;
  /** A signed GET link. */
  link(key: string, expiresInSec: number, contentDisposition: string): Promise<string>;
}

export interface LibraryOptions {
  /** Key prefix, as given to the recorder; default `rooms`. */
  prefix?: string;
  /** Requests in flight at once when reading metadata; default 8. */
  concurrency?: number;
  /** Lifetime of play and download links; default 1 hour. */
  linkExpiresInSec?: number;
  /** Lifetime of share links; default 24 hours (SigV4 allows at most 7 days). */
  shareExpiresInSec?: number;
}

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_LINK_EXPIRES_SEC = 7 * 24 * 3600;

/** `RecordingLibrary` over a `LibraryStore`. */
export class ObjectLibrary implements RecordingLibrary {
  readonly prefix: string;
  private readonly concurrency: number;
  private readonly linkExpires: number;
  private readonly shareExpires: number;

  constructor(
    protected readonly store: LibraryStore,
    options: LibraryOptions = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
    this.concurrency = options.concurrency ?? 8;
    this.linkExpires = options.linkExpiresInSec ?? 3600;
    this.shareExpires = options.shareExpiresInSec ?? 24 * 3600;
  }

  async listRoom(roomId: string, viewerId: string): Promise<LibraryEntry[]> {
    const objects = await this.listAll(roomFolder(this.prefix, roomId));
    const heads = await mapLimit(objects, this.concurrency, async (o) => {
      const head = await this.store.head(o.key);
      return head ? { key: o.key, ...head } : null;
    });
    const mine = heads.flatMap((h) => {
      if (!h) return [];
      const entry = entryFromObject(h.key, h.size, h.metadata);
      // B13: a recording is visible to its owner only.
      return entry && entry.ownerId === viewerId
        ? [
            {
              entry,
              recordingId: recordingIdOf(h.metadata) ?? '',
              hasDuration: 'duration' in h.metadata,
            },
          ]
        : [];
    });
    // The duration is known only at Stop, after the object's metadata was set; the owner
    // index written then has it.
    const entries = await mapLimit(mine, this.concurrency, async (m) => {
      if (m.hasDuration || !m.recordingId) return m.entry;
      const indexed = await this.readIndex(
        ownerIndexKey(this.prefix, viewerId, m.recordingId),
        viewerId,
      );
      return indexed && indexed.key === m.entry.key
        ? { ...m.entry, durationSec: indexed.durationSec }
        : m.entry;
    });
    return newestFirst(entries);
  }

  async listOwned(ownerId: string): Promise<LibraryEntry[]> {
    const objects = await this.listAll(ownerIndexFolder(this.prefix, ownerId));
    const records = await mapLimit(objects, this.concurrency, (o) =>
      this.readIndex(o.key, ownerId),
    );
    const found = await mapLimit(records, this.concurrency, async (r) => {
      if (!r) return null;
      // An index entry may outlive its recording (deleted by hand): only what exists counts.
      const head = await this.store.head(r.key);
      return head ? toEntry({ ...r, bytes: head.size }) : null;
    });
    return newestFirst(found.filter((e): e is LibraryEntry => e !== null));
  }

  async link(
    entry: LibraryEntry,
    purpose: 'play' | 'download' | 'share',
    expiresInSec?: number,
  ): Promise<string> {
    const expires = Math.min(
      MAX_LINK_EXPIRES_SEC,
      Math.max(
        1,
        Math.round(expiresInSec ?? (purpose === 'share' ? this.shareExpires : this.linkExpires)),
      ),
    );
    const kind = purpose === 'download' ? 'attachment' : 'inline';
    // The download name is portable (no `:`), the key keeps the product's name (B12).
    return this.store.link(
      entry.key,
      expires,
      contentDisposition(kind, downloadFileName(entry.fileName)),
    );
  }

  /** Every object under `prefix`, page after page (S3 pages hold at most 1,000 keys). */
  async listAll(prefix: string): Promise<ListPage['objects']> {
    const all: ListPage['objects'] = [];
    let token: string | undefined;
    do {
      const page = await this.store.list(prefix, token);
      all.push(...page.objects);
      token = page.nextToken;
    } while (token);
    return all;
  }

  private async readIndex(key: string, ownerId: string): Promise<OwnerIndexRecord | null> {
    const bytes = await this.store.read(key);
    return bytes ? parseOwnerIndex(bytes, ownerId) : null;
  }
}

function toEntry(r: OwnerIndexRecord): LibraryEntry {
  const { recordingId: _recordingId, ...entry } = r;
  return entry;
}

function newestFirst(entries: LibraryEntry[]): LibraryEntry[] {
  return entries.sort((a, b) => b.startedAt - a.startedAt || a.key.localeCompare(b.key));
}
