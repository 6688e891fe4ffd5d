/**
 * The presigned target: the page holds no storage credentials. The integrator's server
 * (see `demo/server/presign.mjs`) starts, completes and aborts the multipart upload and signs
 * one URL per part; the page PUTs the bytes straight to storage.
 *
 * Protocol (JSON bodies, relative to `baseUrl`):
 * - `POST create {key, contentType, metadata}` -> `{uploadId}`
 * - `POST part {key, uploadId, partNumber}` -> `{url}`; the page PUTs the part to `url`
 * - `POST complete {key, uploadId, parts}`, `POST abort {key, uploadId}`
 * - `POST head {key}` -> `{object: {size, metadata} | null}`
 * - `POST put-url {key, contentType, metadata}` -> `{url, headers}`
 * - `POST list {prefix, continuationToken}` -> `{objects, nextToken}`
 * - `POST link {key, expiresInSec, contentDisposition}` -> `{url}`
 * - `POST delete {key}` -> `{}` (a handoff's working objects, once the file is stored)
 * - `GET health` -> `{ok}`
 *
 * Errors answer with the storage's HTTP status and `{error, code}`. Metadata values are
 * percent-encoded here, so the server passes ASCII through.
 */
import { decodeMetadata, encodeMetadata } from './metadata-codec.js';
import { httpError, toUploadError } from './errors.js';
import { assertSafeKey } from './key-rules.js';
import { requestBody } from './request-body.js';
import { UploadError, httpRange } from './types.js';
import type { ByteSpan, CompletedPart, ObjectMetadata, UploadTarget } from './types.js';
import type { ListPage } from './types.js';

export interface PresignedTargetConfig {
  /** The integrator's endpoint, e.g. `/api/s3`. */
  baseUrl: string;
  /** Cookies for the integrator's endpoint (its session); default `same-origin`. */
  credentials?: RequestCredentials;
  /** Extra headers for the integrator's endpoint (e.g. a bearer token), fresh on each call. */
  headers?: Record<string, string> | (() => Promise<Record<string, string>>);
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** `UploadTarget` over an integrator's signing endpoint. */
export class PresignedTarget implements UploadTarget {
  private readonly base: string;

  constructor(readonly config: PresignedTargetConfig) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  async createMultipartUpload(
    key: string,
    contentType: string,
    metadata: ObjectMetadata,
  ): Promise<string> {
    assertSafeKey(key);
    const out = await this.call<{ uploadId?: string }>('create', {
      key,
      contentType,
      metadata: encodeMetadata(metadata),
    });
    if (typeof out.uploadId !== 'string' || out.uploadId === '') {
      throw new UploadError(
        `The signing endpoint ${this.base}/create answered without an uploadId; it must answer { "uploadId": "..." }`,
        false,
      );
    }
    return out.uploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    signal?: AbortSignal,
  ): Promise<string> {
    assertSafeKey(key);
    const { url } = await this.call<{ url: string }>('part', { key, uploadId, partNumber }, signal);
    const what = `UploadPart ${partNumber}`;
    let res: Response;
    try {
      res = await this.fetch(url, { method: 'PUT', body: requestBody(body) as BodyInit, signal });
    } catch (e) {
      throw toUploadError(what, e);
    }
    if (!res.ok) throw httpError(what, res.status, await s3ErrorCode(res));
    const etag = res.headers.get('ETag');
    if (!etag) throw new UploadError(`${what} returned no ETag (is ETag exposed by CORS?)`, false);
    return etag;
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: CompletedPart[],
  ): Promise<void> {
    await this.call('complete', { key, uploadId, parts });
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.call('abort', { key, uploadId });
  }

  async headObject(key: string): Promise<{ size: number; metadata: ObjectMetadata } | null> {
    const out = await this.call<{ object: { size: number; metadata: ObjectMetadata } | null }>(
      'head',
      { key },
    );
    return out.object
      ? { size: out.object.size, metadata: decodeMetadata(out.object.metadata) }
      : null;
  }

  async putObject(
    key: string,
    body: Uint8Array,
    contentType: string,
    metadata: ObjectMetadata = {},
  ): Promise<string | null> {
    assertSafeKey(key);
    const { url, headers } = await this.call<{ url: string; headers: Record<string, string> }>(
      'put-url',
      { key, contentType, metadata: encodeMetadata(metadata) },
    );
    let res: Response;
    try {
      res = await this.fetch(url, { method: 'PUT', body: requestBody(body) as BodyInit, headers });
    } catch (e) {
      throw toUploadError('PutObject', e);
    }
    if (!res.ok) throw httpError('PutObject', res.status, await s3ErrorCode(res));
    return res.headers.get('ETag');
  }

  async probe(): Promise<boolean> {
    try {
      const res = await this.fetch(`${this.base}/health`, {
        credentials: this.config.credentials ?? 'same-origin',
        headers: await this.headers(),
      });
      return res.ok && ((await res.json()) as { ok?: boolean }).ok === true;
    } catch {
      return false;
    }
  }

  async getObject(key: string, range?: ByteSpan): Promise<Uint8Array | null> {
    assertSafeKey(key);
    const url = await this.link(key, 60);
    let res: Response;
    try {
      res = await this.fetch(url, range ? { headers: { Range: httpRange(range) } } : {});
    } catch (e) {
      throw toUploadError('GetObject', e);
    }
    if (res.status === 404) return null;
    if (res.status === 416) return new Uint8Array();
    if (!res.ok) throw httpError('GetObject', res.status, await s3ErrorCode(res));
    return new Uint8Array(await res.arrayBuffer());
  }

  async deleteObject(key: string): Promise<void> {
    assertSafeKey(key);
    await this.call('delete', { key });
  }

  /** One page of keys under `prefix`. */
  listObjects(prefix: string, continuationToken?: string): Promise<ListPage> {
    return this.call<ListPage>('list', { prefix, continuationToken });
  }

  /** A signed GET link; `contentDisposition` is applied to the response. */
  async link(key: string, expiresInSec: number, contentDisposition?: string): Promise<string> {
    return (await this.call<{ url: string }>('link', { key, expiresInSec, contentDisposition }))
      .url;
  }

  /** Calls one endpoint of the integrator's server. */
  async call<T = unknown>(op: string, body: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(`${this.base}/${op}`, {
        method: 'POST',
        credentials: this.config.credentials ?? 'same-origin',
        headers: { 'Content-Type': 'application/json', ...(await this.headers()) },
        body: JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (e instanceof UploadError || (e as Error)?.name === 'AbortError')
        throw toUploadError(op, e);
      throw new UploadError(
        `The signing endpoint ${this.base}/${op} could not be reached: ${(e as Error)?.message ?? e} (check storage.baseUrl and that your server is up)`,
        true,
      );
    }
    if (!res.ok) {
      const err = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
      const refused = res.status === 401 || res.status === 403;
      const mapped = httpError(`The signing endpoint ${this.base}/${op}`, res.status, err.code);
      const why = refused
        ? `The signing endpoint ${this.base}/${op} refused (HTTP ${res.status}${err.error ? `: ${err.error}` : ''}); is the page's session or token still valid?`
        : err.error
          ? `${mapped.message}: ${err.error}`
          : mapped.message;
      throw new UploadError(why, mapped.retryable && !refused, res.status);
    }
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new UploadError(
        `The signing endpoint ${this.base}/${op} answered something that is not JSON (${JSON.stringify(text.slice(0, 40))}); check storage.baseUrl points at your signing server`,
        false,
        res.status,
      );
    }
  }

  private fetch(input: string, init: RequestInit): Promise<Response> {
    return (this.config.fetch ?? globalThis.fetch)(input, init);
  }

  private async headers(): Promise<Record<string, string>> {
    const h = this.config.headers;
    return typeof h === 'function' ? await h() : (h ?? {});
  }
}

/** S3's error code from an XML error body (e.g. `SlowDown`), when there is one. */
async function s3ErrorCode(res: Response): Promise<string | undefined> {
  const text = await res.text().catch(() => '');
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}
