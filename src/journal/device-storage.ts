/**
 * The origin's storage as the recorder sees it: persistence, how much is left (X4, X5),
 * and what a full disk looks like when the journal writes.
 */

/** Space the browser grants this origin, in bytes. */
export interface StorageEstimate {
  quota: number;
  usage: number;
  /** quota - usage, never negative. */
  available: number;
}

/**
 * Asks the browser to keep this origin's storage under pressure, so a journal is not
 * evicted before it is uploaded. Resolves false when refused or unsupported; it never throws.
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return false;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

/**
 * The quota, usage and space left for the pre-flight (X4) and the host's health (X5);
 * null when the browser does not say.
 */
export async function storageEstimate(): Promise<StorageEstimate | null> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.estimate) return null;
  try {
    const { quota, usage } = await storage.estimate();
    if (quota === undefined || usage === undefined) return null;
    return { quota, usage, available: Math.max(0, quota - usage) };
  } catch {
    return null;
  }
}

/** Whether an error (or a transaction's error) is the browser refusing a write for space. */
export function isQuotaExceeded(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'QuotaExceededError'
  );
}

/**
 * The browser refused to store more of a recording: the disk or the origin's quota is full.
 * Everything written before stays in the journal; the recording should stop gracefully
 * and be uploaded from what was kept.
 */
export class StorageFullError extends Error {
  constructor(
    readonly recordingId: string,
    /** Bytes of the original stream the journal still has for this recording, if known. */
    readonly bytesKept: number | null,
    options?: { cause?: unknown },
  ) {
    super(
      `Storage is full: the browser refused to store more of recording ${recordingId} ` +
        '(QuotaExceededError). ' +
        (bytesKept === null
          ? 'Everything written before is kept in the journal. '
          : `The ${bytesKept} bytes written before are kept in the journal. `) +
        'Stop the recording so what was kept can be uploaded, and free space on this device ' +
        "(or clear other sites' data) before recording again.",
      options,
    );
    this.name = 'StorageFullError';
  }
}
