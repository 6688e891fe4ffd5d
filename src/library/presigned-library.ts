/**
 * The Recordings folder through the integrator's signing endpoint (`demo/server/presign.mjs`):
 * the page lists, reads metadata and gets links without holding any credential.
 */
import { PresignedTarget } from '../upload/presigned-target.js';
import type { PresignedTargetConfig } from '../upload/presigned-target.js';
import { UploadError } from '../upload/types.js';
import { ObjectLibrary } from './object-library.js';
import type { LibraryOptions, LibraryStore } from './object-library.js';

/** `RecordingLibrary` over presigned URLs. */
export class PresignedLibrary extends ObjectLibrary {
  readonly target: PresignedTarget;

  constructor(target: PresignedTarget | PresignedTargetConfig, options: LibraryOptions = {}) {
    const t = target instanceof PresignedTarget ? target : new PresignedTarget(target);
    super(presignedStore(t), options);
    this.target = t;
  }
}

function presignedStore(target: PresignedTarget): LibraryStore {
  const fetchFn = (input: string, init?: RequestInit) =>
    (target.config.fetch ?? globalThis.fetch)(input, init);
  return {
    list: (prefix, token) => target.listObjects(prefix, token),
    head: (key) => target.headObject(key),
    async read(key) {
      const res = await fetchFn(await target.link(key, 60));
      if (res.status === 404) return null;
      if (!res.ok)
        throw new UploadError(
          `GET ${key} failed: HTTP ${res.status}`,
          res.status >= 500,
          res.status,
        );
      return new Uint8Array(await res.arrayBuffer());
    },
    link: (key, expiresInSec, disposition) => target.link(key, expiresInSec, disposition),
  };
}
