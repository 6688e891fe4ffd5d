/**
 * The body of a PUT of `bytes`. In a browser, a Blob: `fetch` given a `Uint8Array` keeps the
 * page's main thread busy for the whole upload (measured in Debian's Chromium 156 on a 2-core
 * machine: 5 MiB to a local S3 took 1.4-1.8 s, every timer and frame of the page stalled that
 * long), while a Blob is copied once (about 30 ms) and sent by the browser (0.12-0.17 s, no
 * stall over 35 ms). Node's HTTP client (the SDK's, in the unit tests) takes only bytes.
 *
 * A Blob makes the SDK sign the request with an unsigned payload, which S3 accepts.
 */
export function requestBody(bytes: Uint8Array): Uint8Array | Blob {
  return inBrowser() ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : bytes;
}

function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return scope.document !== undefined || scope.WorkerGlobalScope !== undefined;
}
