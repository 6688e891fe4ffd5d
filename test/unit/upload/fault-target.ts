/** An UploadTarget wrapper that records calls and injects faults, for Node-side tests. */
import type { CompletedPart, ObjectMetadata, UploadTarget } from '../../../src/upload/types.js';

export type Call =
  | { op: 'create' }
  | { op: 'part'; partNumber: number; bytes: number }
  | { op: 'complete'; parts: number[] }
  | { op: 'abort' }
  | { op: 'head' }
  | { op: 'put' };

/** Return an error to throw it instead of (or, `after`, after) the real call. */
export type Fault = (call: Call, index: number) => { error: unknown; after?: boolean } | null;

export class FaultTarget implements UploadTarget {
  readonly calls: Call[] = [];
  fault: Fault = () => null;
  /** Overrides the size HeadObject reports (to test verification). */
  headSize: number | null = null;

  constructor(private readonly inner: UploadTarget) {}

  /** Part numbers of every UploadPart attempt, in order. */
  get partCalls(): number[] {
    return this.calls.flatMap((c) => (c.op === 'part' ? [c.partNumber] : []));
  }

  private async run<T>(call: Call, real: () => Promise<T>): Promise<T> {
    this.calls.push(call);
    const f = this.fault(call, this.calls.length - 1);
    if (f && !f.after) throw f.error;
    const out = await real();
    if (f?.after) throw f.error;
    return out;
  }

  createMultipartUpload(key: string, contentType: string, metadata: ObjectMetadata) {
    return this.run({ op: 'create' }, () =>
      this.inner.createMultipartUpload(key, contentType, metadata),
    );
  }
  uploadPart(key: string, uploadId: string, n: number, body: Uint8Array, signal?: AbortSignal) {
    return this.run({ op: 'part', partNumber: n, bytes: body.byteLength }, () =>
      this.inner.uploadPart(key, uploadId, n, body, signal),
    );
  }
  completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]) {
    return this.run({ op: 'complete', parts: parts.map((p) => p.partNumber) }, () =>
      this.inner.completeMultipartUpload(key, uploadId, parts),
    );
  }
  abortMultipartUpload(key: string, uploadId: string) {
    return this.run({ op: 'abort' }, () => this.inner.abortMultipartUpload(key, uploadId));
  }
  async headObject(key: string) {
    const head = await this.run({ op: 'head' }, () => this.inner.headObject(key));
    return head && this.headSize !== null ? { ...head, size: this.headSize } : head;
  }
  putObject(key: string, body: Uint8Array, contentType: string, metadata?: ObjectMetadata) {
    return this.run({ op: 'put' }, () => this.inner.putObject(key, body, contentType, metadata));
  }
  probe() {
    return this.inner.probe();
  }
  getObject(key: string) {
    return this.inner.getObject(key);
  }
  deleteObject(key: string) {
    return this.inner.deleteObject(key);
  }
  listObjects(prefix: string, token?: string) {
    return this.inner.listObjects(prefix, token);
  }
}
