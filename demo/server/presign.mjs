// The integrator's side of the presigned target (src/upload/presigned-target.ts), for the demo
// and the tests: it holds the storage credentials, starts, completes and aborts multipart
// uploads, and signs one URL per part, per small object and per GET link. The page never sees
// a credential, only URLs that expire.
//
//   const handle = createPresignHandler({ endpoint, region, bucket, credentials,
//     basePath: '/api/s3', allowKeyPrefix: 'rooms/' });
//   http.createServer((req, res) => { if (!handle(req, res)) serveOtherThings(req, res); });
//
// A real integrator also checks who is asking (its own session) before signing.
import {
  S3Client,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  GetObjectCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

// The demo and the tests run this on Node 20. Constructing an S3Client there makes the SDK
// (@aws-sdk/core, emitWarningIfUnsupportedVersion) print a NodeVersionSupportWarning once per
// process: SDK versions published after January 2027 will want Node 22. package-lock.json pins
// the SDK these processes use, so the notice says nothing about a run, yet it reads like an
// error in every demo and test log. The SDK's own switch for exactly this warning is this
// variable (read when a client is constructed); every other warning still prints. An explicit
// setting, e.g. AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false, is left alone.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MAX_BODY_BYTES = 1024 * 1024;
/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRES_SEC = 7 * 24 * 3600;
const PART_URL_EXPIRES_SEC = 3600;

class HttpError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {{
 *   endpoint?: string, region: string, bucket: string,
 *   credentials: {accessKeyId: string, secretAccessKey: string, sessionToken?: string},
 *   basePath?: string, allowKeyPrefix?: string, forcePathStyle?: boolean,
 * }} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean}
 *   true when the request was for this handler (it then answers it).
 */
export function createPresignHandler(options) {
  const basePath = (options.basePath ?? '/api/s3').replace(/\/+$/, '');
  const allow = options.allowKeyPrefix ?? '';
  const Bucket = options.bucket;
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    credentials: options.credentials,
    // Flexible checksums would be baked into presigned URLs and then not match the body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  const checkKey = (key) => {
    if (typeof key !== 'string' || key.length === 0) throw new HttpError(400, 'key is required');
    if (!key.startsWith(allow)) throw new HttpError(403, `key is outside ${allow}`);
    if (Buffer.byteLength(key) > 1024) throw new HttpError(400, 'key is too long');
    // URL paths resolve dot segments: "a/../b" would land outside the allowed prefix.
    if (key.split('/').some((s) => s === '.' || s === '..')) {
      throw new HttpError(400, 'key has a dot segment');
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(key)) throw new HttpError(400, 'key has control characters');
    return key;
  };
  const checkMetadata = (metadata) => {
    const out = {};
    for (const [name, value] of Object.entries(metadata ?? {})) {
      // The page percent-encodes values; anything else would not survive as a header.
      if (
        !/^[a-z0-9-]+$/i.test(name) ||
        typeof value !== 'string' ||
        !/^[\x20-\x7e]*$/.test(value)
      ) {
        throw new HttpError(400, `metadata ${name} is not ASCII-safe`);
      }
      out[name.toLowerCase()] = value;
    }
    return out;
  };
  const checkUploadId = (uploadId) => {
    if (typeof uploadId !== 'string' || uploadId.length === 0) {
      throw new HttpError(400, 'uploadId is required');
    }
    return uploadId;
  };

  const ops = {
    async create(b) {
      const out = await client.send(
        new CreateMultipartUploadCommand({
          Bucket,
          Key: checkKey(b.key),
          ContentType: String(b.contentType ?? 'application/octet-stream'),
          Metadata: checkMetadata(b.metadata),
        }),
      );
      return { uploadId: out.UploadId };
    },
    async part(b) {
      const partNumber = Number(b.partNumber);
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
        throw new HttpError(400, 'partNumber must be 1..10000');
      }
      const url = await getSignedUrl(
        client,
        new UploadPartCommand({
          Bucket,
          Key: checkKey(b.key),
          UploadId: checkUploadId(b.uploadId),
          PartNumber: partNumber,
        }),
        { expiresIn: PART_URL_EXPIRES_SEC },
      );
      return { url };
    },
    async complete(b) {
      if (!Array.isArray(b.parts) || b.parts.length === 0)
        throw new HttpError(400, 'parts required');
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: checkKey(b.key),
          UploadId: checkUploadId(b.uploadId),
          MultipartUpload: {
            Parts: b.parts.map((p) => ({ PartNumber: Number(p.partNumber), ETag: String(p.etag) })),
          },
        }),
      );
      return {};
    },
    async abort(b) {
      await client.send(
        new AbortMultipartUploadCommand({
          Bucket,
          Key: checkKey(b.key),
          UploadId: checkUploadId(b.uploadId),
        }),
      );
      return {};
    },
    async head(b) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: checkKey(b.key) }));
        return { object: { size: out.ContentLength ?? 0, metadata: out.Metadata ?? {} } };
      } catch (e) {
        if (e?.$metadata?.httpStatusCode === 404) return { object: null };
        throw e;
      }
    },
    async 'put-url'(b) {
      const metadata = checkMetadata(b.metadata);
      const contentType = String(b.contentType ?? 'application/octet-stream');
      const metaHeaders = Object.fromEntries(
        Object.entries(metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]),
      );
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket,
          Key: checkKey(b.key),
          ContentType: contentType,
          Metadata: metadata,
        }),
        // Signed as headers, so the page cannot change them, and S3 stores them as metadata.
        { expiresIn: PART_URL_EXPIRES_SEC, unhoistableHeaders: new Set(Object.keys(metaHeaders)) },
      );
      return { url, headers: { 'Content-Type': contentType, ...metaHeaders } };
    },
    async list(b) {
      const prefix = typeof b.prefix === 'string' ? b.prefix : '';
      if (!prefix.startsWith(allow)) throw new HttpError(403, `prefix is outside ${allow}`);
      const out = await client.send(
        new ListObjectsV2Command({
          Bucket,
          Prefix: prefix,
          ContinuationToken: b.continuationToken || undefined,
        }),
      );
      return {
        objects: (out.Contents ?? []).map((o) => ({
          key: o.Key,
          size: o.Size ?? 0,
          lastModified: o.LastModified?.getTime() ?? 0,
        })),
        nextToken: out.IsTruncated ? out.NextContinuationToken : undefined,
      };
    },
    async delete(b) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: checkKey(b.key) }));
      return {};
    },
    async link(b) {
      const expiresIn = Math.min(
        Math.max(Math.round(Number(b.expiresInSec) || 3600), 1),
        MAX_EXPIRES_SEC,
      );
      const disposition = b.contentDisposition;
      if (
        disposition !== undefined &&
        (typeof disposition !== 'string' ||
          !/^(inline|attachment)\b/.test(disposition) ||
          !/^[\x20-\x7e]*$/.test(disposition))
      ) {
        throw new HttpError(400, 'contentDisposition must be ASCII inline/attachment');
      }
      const url = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: checkKey(b.key),
          ResponseContentDisposition: disposition,
        }),
        { expiresIn },
      );
      return { url };
    },
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(`${basePath}/`)) return false;
    const op = path.slice(basePath.length + 1);
    handle(op, req, res).catch((e) => sendError(res, e));
    return true;
  };

  async function handle(op, req, res) {
    if (op === 'health') {
      try {
        await client.send(new ListObjectsV2Command({ Bucket, Prefix: allow, MaxKeys: 1 }));
        return send(res, 200, { ok: true });
      } catch (e) {
        return send(res, 503, { ok: false, error: e?.message ?? String(e) });
      }
    }
    const fn = Object.hasOwn(ops, op) ? ops[op] : undefined;
    if (!fn) throw new HttpError(404, `unknown operation ${op}`);
    if (req.method !== 'POST') throw new HttpError(405, `${op} expects POST`);
    const body = await readJson(req);
    send(res, 200, await fn(body));
  }
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body too large');
    chunks.push(c);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (value === null || typeof value !== 'object') throw new Error('not an object');
    return value;
  } catch {
    throw new HttpError(400, 'body is not a JSON object');
  }
}

function send(res, status, body) {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Passes storage's status and error code on, so the page knows what to retry. */
function sendError(res, e) {
  if (e instanceof HttpError) return send(res, e.status, { error: e.message, code: e.code });
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 400) {
    return send(res, status, { error: e.message, code: e.Code ?? e.name });
  }
  // No answer from storage at all: a gateway problem, worth retrying.
  send(res, 502, { error: e?.message ?? String(e), code: 'NetworkError' });
}
