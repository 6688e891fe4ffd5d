/**
 * The recording worker's entry: composes, encodes and muxes off the page's main thread, on a
 * timer that keeps running when the tab is hidden (X6). Started by pipeline.ts with
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */
import { PipelineError } from './errors.js';
import { Mp4FragmentWriter } from './mp4/writer.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { Recording } from './recording.js';
import { warmUp } from './warm-up.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: FromWorker, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let recording: Recording | null = null;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'prepare') {
    warmUp(m.video, m.audio);
    return;
  }
  if (m.type !== 'start') {
    recording?.onMessage(m);
    return;
  }
  if (recording) {
    post({ type: 'fault', code: 'invalid-state', message: 'Already recording', fatal: true });
    return;
  }
  const rec = new Recording(m, post, (setup) => new Mp4FragmentWriter(setup));
  recording = rec;
  rec.start(m.sources, m.streams, m.audioStream).catch((err: unknown) => {
    const pe =
      err instanceof PipelineError
        ? err
        : new PipelineError('worker-error', `Starting failed: ${(err as Error).message}`);
    post({ type: 'fault', code: pe.code, message: pe.message, fatal: true });
    post({ type: 'stopped', result: null, error: { code: pe.code, message: pe.message } });
  });
};
