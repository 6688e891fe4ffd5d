/** Writes a synthetic recording stream (header, then fragments) into a journal. */
import type { Journal } from '../../../src/journal/types.js';
import { patternBytes } from './memory-journal.js';

export interface WrittenStream {
  header: Uint8Array;
  /** The whole original stream: header + fragments. */
  bytes: Uint8Array;
}

/**
 * Appends fragments of `fragmentBytes` until the stream holds `totalBytes`, calling
 * `onFragment(total)` after each one is journaled (as the recorder notifies the uploader).
 */
export async function writeStream(
  journal: Journal,
  id: string,
  totalBytes: number,
  opts: { headerBytes?: number; fragmentBytes?: number; seed?: number } = {},
  onFragment?: (total: number) => void,
): Promise<WrittenStream> {
  const headerBytes = opts.headerBytes ?? 1234;
  const fragmentBytes = opts.fragmentBytes ?? 3 * 1024 * 1024 + 17;
  const bytes = patternBytes(totalBytes, opts.seed ?? 7);
  const sink = journal.sink(id);
  await sink.writeHeader(bytes.subarray(0, headerBytes));
  let offset = headerBytes;
  let index = 0;
  while (offset < totalBytes) {
    const end = Math.min(totalBytes, offset + fragmentBytes);
    await sink.writeFragment({
      index,
      offset,
      bytes: bytes.subarray(offset, end),
      startUs: index * 2_000_000,
      durationUs: 2_000_000,
      startsWithKeyframe: true,
    });
    index++;
    offset = end;
    onFragment?.(offset);
  }
  return { header: bytes.slice(0, headerBytes), bytes };
}

/** What the stored object must hold: the rewritten header, then the stream after the original header. */
export function expectedObject(written: WrittenStream, rewritten: Uint8Array): Uint8Array {
  const rest = written.bytes.subarray(written.header.byteLength);
  const out = new Uint8Array(rewritten.byteLength + rest.byteLength);
  out.set(rewritten);
  out.set(rest, rewritten.byteLength);
  return out;
}

/** Waits until `check` holds (polling), or fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
