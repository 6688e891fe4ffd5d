/**
 * The fragment sink across the worker boundary. The sink (the journal) lives on the page; the
 * writer in the worker sends it each header and fragment and waits for the page's answer
 * before its promise settles, so the sink's pace is the writer's backpressure.
 */
import type { Fragment, FragmentSink } from './types.js';

/** A write for the page's sink, as the worker posts it. */
export type SinkRequest =
  | { type: 'sink-header'; id: number; bytes: Uint8Array }
  | { type: 'sink-fragment'; id: number; fragment: Fragment };

/** The page's answer to a {@link SinkRequest}: done, or the sink's error message. */
export interface SinkAck {
  type: 'sink-ack';
  id: number;
  error?: string;
}

/** The worker's side: a {@link FragmentSink} whose writes are carried out by the page. */
export class SinkPort implements FragmentSink {
  private readonly waits = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private seq = 0;

  constructor(private readonly post: (request: SinkRequest) => void) {}

  writeHeader(bytes: Uint8Array): Promise<void> {
    return this.call({ type: 'sink-header', id: ++this.seq, bytes });
  }

  writeFragment(fragment: Fragment): Promise<void> {
    return this.call({ type: 'sink-fragment', id: ++this.seq, fragment });
  }

  /** Settles the write the page answered. */
  answer(ack: SinkAck): void {
    const w = this.waits.get(ack.id);
    this.waits.delete(ack.id);
    if (ack.error !== undefined) w?.reject(new Error(ack.error));
    else w?.resolve();
  }

  private call(request: SinkRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waits.set(request.id, { resolve, reject });
      this.post(request);
    });
  }
}

/** The page's side: carries out one request on `sink` and answers it through `send`. */
export function serveSinkRequest(
  sink: FragmentSink,
  request: SinkRequest,
  send: (ack: SinkAck) => void,
): void {
  const done =
    request.type === 'sink-header'
      ? sink.writeHeader(request.bytes)
      : sink.writeFragment(request.fragment);
  done.then(
    () => send({ type: 'sink-ack', id: request.id }),
    (e: unknown) =>
      send({ type: 'sink-ack', id: request.id, error: String((e as Error)?.message ?? e) }),
  );
}
