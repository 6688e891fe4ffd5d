/**
 * The integrator's signing endpoint (`/api/s3/*`, the protocol of PresignedTarget), played
 * by msw inside the page for browser tests: the test server cannot host
 * demo/server/presign.mjs (that one is tested in Node, test/unit/upload). The local s3rver
 * accepts unsigned requests, so the "signed" URLs here are plain ones; every byte still goes
 * to the real s3rver.
 */
import { http, HttpResponse } from 'msw';
import type { LocalS3 } from './fixtures.js';
import { objectUrl } from './fixtures.js';

const EXPOSED_META = [
  'owner',
  'initiator',
  'title',
  'duration',
  'started-at',
  'room',
  'recording-id',
];

interface Body {
  key: string;
  uploadId?: string;
  partNumber?: number;
  contentType?: string;
  metadata?: Record<string, string>;
  parts?: Array<{ partNumber: number; etag: string }>;
}

async function s3Error(res: Response) {
  const text = await res.text();
  return HttpResponse.json(
    { error: text.slice(0, 200), code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] },
    { status: res.status },
  );
}

/** What pages asked the link endpoint for, newest last. */
export const linkRequests: Array<{
  key: string;
  contentDisposition?: string;
  expiresInSec?: number;
}> = [];

export function integratorHandlers(s3: LocalS3, base = '/api/s3') {
  return [
    http.get(`${base}/health`, () => HttpResponse.json({ ok: true })),
    http.post(`${base}/create`, async ({ request }) => {
      const b = (await request.json()) as Body;
      const headers: Record<string, string> = { 'Content-Type': b.contentType ?? 'video/mp4' };
      for (const [k, v] of Object.entries(b.metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
      const res = await fetch(objectUrl(s3, b.key, '?uploads'), { method: 'POST', headers });
      if (!res.ok) return s3Error(res);
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await res.text())?.[1];
      return HttpResponse.json({ uploadId });
    }),
    http.post(`${base}/part`, async ({ request }) => {
      const b = (await request.json()) as Body;
      const q = `?partNumber=${b.partNumber}&uploadId=${encodeURIComponent(b.uploadId ?? '')}`;
      return HttpResponse.json({ url: objectUrl(s3, b.key, q) });
    }),
    http.post(`${base}/complete`, async ({ request }) => {
      const b = (await request.json()) as Body;
      const xml =
        '<CompleteMultipartUpload>' +
        (b.parts ?? [])
          .map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${p.etag}</ETag></Part>`)
          .join('') +
        '</CompleteMultipartUpload>';
      const q = `?uploadId=${encodeURIComponent(b.uploadId ?? '')}`;
      const res = await fetch(objectUrl(s3, b.key, q), { method: 'POST', body: xml });
      return res.ok ? HttpResponse.json({}) : s3Error(res);
    }),
    http.post(`${base}/abort`, async ({ request }) => {
      const b = (await request.json()) as Body;
      const q = `?uploadId=${encodeURIComponent(b.uploadId ?? '')}`;
      const res = await fetch(objectUrl(s3, b.key, q), { method: 'DELETE' });
      return res.ok ? HttpResponse.json({}) : s3Error(res);
    }),
    http.post(`${base}/head`, async ({ request }) => {
      const b = (await request.json()) as Body;
      const res = await fetch(objectUrl(s3, b.key), { method: 'HEAD' });
      if (res.status === 404) return HttpResponse.json({ object: null });
      if (!res.ok) return s3Error(res);
      const metadata: Record<string, string> = {};
      for (const name of EXPOSED_META) {
        const v = res.headers.get(`x-amz-meta-${name}`);
        if (v !== null) metadata[name] = v;
      }
      return HttpResponse.json({
        object: { size: Number(res.headers.get('content-length')), metadata },
      });
    }),
    http.post(`${base}/put-url`, async ({ request }) => {
      const b = (await request.json()) as Body;
      const headers: Record<string, string> = {
        'Content-Type': b.contentType ?? 'application/octet-stream',
      };
      for (const [k, v] of Object.entries(b.metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
      return HttpResponse.json({ url: objectUrl(s3, b.key), headers });
    }),
    http.post(`${base}/list`, async ({ request }) => {
      const b = (await request.json()) as { prefix: string; continuationToken?: string };
      let q = `?list-type=2&prefix=${encodeURIComponent(b.prefix)}`;
      if (b.continuationToken)
        q += `&continuation-token=${encodeURIComponent(b.continuationToken)}`;
      const res = await fetch(`${s3.endpoint}/${s3.bucket}${q}`);
      if (!res.ok) return s3Error(res);
      const xml = await res.text();
      const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => ({
        key: unescapeXml(/<Key>([^<]*)<\/Key>/.exec(m[1]!)?.[1] ?? ''),
        size: Number(/<Size>(\d+)<\/Size>/.exec(m[1]!)?.[1] ?? 0),
        lastModified: Date.parse(/<LastModified>([^<]*)<\/LastModified>/.exec(m[1]!)?.[1] ?? ''),
      }));
      const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
      const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
      return HttpResponse.json({
        objects,
        nextToken: truncated ? unescapeXml(next ?? '') : undefined,
      });
    }),
    http.post(`${base}/link`, async ({ request }) => {
      const b = (await request.json()) as Body & {
        contentDisposition?: string;
        expiresInSec?: number;
      };
      linkRequests.push({
        key: b.key,
        contentDisposition: b.contentDisposition,
        expiresInSec: b.expiresInSec,
      });
      // s3rver honours response-content-disposition on signed requests only (see the Node
      // tests of demo/server/presign.mjs); this stand-in hands out the plain URL.
      return HttpResponse.json({ url: objectUrl(s3, b.key) });
    }),
  ];
}

/** XML text: the five named entities and numeric references (s3rver writes `'` as `&#x27;`). */
function unescapeXml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
