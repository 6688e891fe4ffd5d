/** The Recordings folder (B12, B13): keys, metadata, the per-owner index and links. */
export type { LibraryEntry, RecordingLibrary } from './types.js';
export { ObjectLibrary, MAX_LINK_EXPIRES_SEC } from './object-library.js';
export type { LibraryOptions, LibraryStore } from './object-library.js';
export { S3Library } from './s3-library.js';
export { PresignedLibrary } from './presigned-library.js';
export {
  fileNameOf,
  ownerIndexFolder,
  ownerIndexKey,
  prefixPath,
  roomFolder,
} from './folder-keys.js';
export { META, entryFromObject, recordingMetadata } from './recording-metadata.js';
export type { RecordingFacts } from './recording-metadata.js';
export { parseOwnerIndex, writeOwnerIndex } from './owner-index.js';
export type { OwnerIndexRecord } from './owner-index.js';
export { asciiFallback, contentDisposition, rfc5987 } from './content-disposition.js';
