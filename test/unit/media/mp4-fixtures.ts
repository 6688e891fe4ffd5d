/** Synthetic packets and sinks for the MP4 unit tests (no WebCodecs in Node). */
import type { Fragment, FragmentSink } from '../../../src/media/types.js';
import type { EncodedChunkLike } from '../../../src/media/mp4/writer.js';
import { type BoxRef, childBoxes, listBoxes } from '../../../src/media/mp4/boxes.js';

/** Follows a path of types from the top level, e.g. `['moov', 'mvex', 'mehd']`. */
export function findBox(bytes: Uint8Array, path: readonly string[]): BoxRef | undefined {
  let boxes = listBoxes(bytes);
  let found: BoxRef | undefined;
  for (const [i, type] of path.entries()) {
    // Only containers are descended into: a leaf's payload is not a list of boxes.
    if (i > 0) boxes = childBoxes(bytes, found!);
    found = boxes.find((b) => b.type === type);
    if (!found) return undefined;
  }
  return found;
}

/** Every box of `type` that is a direct child of `parent`, or at the top level. */
export function findAll(bytes: Uint8Array, type: string, parent?: BoxRef): BoxRef[] {
  const boxes = parent ? childBoxes(bytes, parent) : listBoxes(bytes);
  return boxes.filter((b) => b.type === type);
}

/** A chunk-like object with `size` bytes of a recognisable pattern. */
export function fakeChunk(
  type: 'key' | 'delta',
  timestamp: number,
  size: number,
  duration: number | null = null,
): EncodedChunkLike {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (timestamp + i) & 0xff;
  return {
    type,
    timestamp,
    duration,
    byteLength: size,
    copyTo(dest: AllowSharedBufferSource) {
      const out = ArrayBuffer.isView(dest)
        ? new Uint8Array(dest.buffer, dest.byteOffset, dest.byteLength)
        : new Uint8Array(dest);
      out.set(data);
    },
  };
}

/** avcC of H.264 High 4.0 with one tiny SPS and PPS (content is never decoded here). */
export const AVCC = new Uint8Array([
  1, 100, 0, 40, 0xff, 0xe1, 0, 4, 0x67, 100, 0, 40, 1, 0, 2, 0x68, 0xce,
]);

export const VIDEO_META: EncodedVideoChunkMetadata = {
  decoderConfig: { codec: 'avc1.640028', codedWidth: 1920, codedHeight: 1080, description: AVCC },
};

export const OPUS_META: EncodedAudioChunkMetadata = {
  decoderConfig: { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 },
};

/** A sink that keeps everything in memory, in the order it came. */
export class MemorySink implements FragmentSink {
  header: Uint8Array | null = null;
  fragments: Fragment[] = [];
  headerCalls = 0;
  writeHeader(header: Uint8Array): Promise<void> {
    this.headerCalls++;
    this.header = header;
    return Promise.resolve();
  }
  writeFragment(fragment: Fragment): Promise<void> {
    this.fragments.push(fragment);
    return Promise.resolve();
  }
  /** The stream exactly as written (header, then fragments). */
  stream(): Uint8Array {
    const parts = [this.header ?? new Uint8Array(0), ...this.fragments.map((f) => f.bytes)];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let pos = 0;
    for (const p of parts) {
      out.set(p, pos);
      pos += p.length;
    }
    return out;
  }
}
