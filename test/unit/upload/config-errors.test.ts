/**
 * Issue 11, configuration: a wrong bucket, endpoint or credentials, and a signing endpoint
 * that refuses, fails or answers garbage, each reach the host as their own true reason with
 * what to do, and the ones retrying cannot fix are not retried.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import { S3ClientTarget } from '../../../src/upload/s3-target.js';
import { UploadError } from '../../../src/upload/types.js';
import { startS3, type S3Fixture } from './s3-fixture.js';

let s3: S3Fixture;
let signer: Server;
let signerUrl = '';
/** How the fake signing server answers /create, set by each test. */
let answer: { status: number; body: string; type?: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  s3 = await startS3();
  signer = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((r) => signer.listen(0, '127.0.0.1', r));
  const address = signer.address();
  signerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/s3`;
});
afterAll(async () => {
  await new Promise((r) => signer.close(r));
  await s3?.stop();
});

async function failure(p: Promise<unknown>): Promise<UploadError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UploadError);
  return e as UploadError;
}

const create = (target: {
  createMultipartUpload(k: string, t: string, m: object): Promise<string>;
}) => target.createMultipartUpload('rooms/r/Recordings/x.mp4', 'video/mp4', {});

describe('storage configuration errors say what is wrong and what to do', () => {
  it('a bucket that does not exist', async () => {
    const e = await failure(create(new S3ClientTarget({ ...s3.config, bucket: 'no-such-bucket' })));
    expect(e.message).toMatch(/NoSuchBucket .*check storage\.bucket/);
    expect(e.retryable).toBe(false);
  });

  it('an endpoint nothing answers on', async () => {
    const e = await failure(
      create(new S3ClientTarget({ ...s3.config, endpoint: 'http://127.0.0.1:9' })),
    );
    expect(e.message).toMatch(/storage could not be reached: check the network, the endpoint/);
  });

  it('a signing endpoint that refuses (403): not retried, the session named', async () => {
    answer = { status: 403, body: JSON.stringify({ error: 'not logged in' }) };
    const e = await failure(create(new PresignedTarget({ baseUrl: signerUrl })));
    expect(e.message).toBe(
      `The signing endpoint ${signerUrl}/create refused (HTTP 403: not logged in); is the page's session or token still valid?`,
    );
    expect(e.retryable).toBe(false);
  });

  it('a signing endpoint that fails (500): retried, said so', async () => {
    answer = { status: 500, body: 'oops', type: 'text/plain' };
    const e = await failure(create(new PresignedTarget({ baseUrl: signerUrl })));
    expect(e.message).toMatch(
      /signing endpoint .*\/create failed: HTTP 500 \(storage is failing or busy/,
    );
    expect(e.retryable).toBe(true);
  });

  it('a signing endpoint that answers garbage or no uploadId', async () => {
    answer = { status: 200, body: '<html>login</html>', type: 'text/html' };
    const garbage = await failure(create(new PresignedTarget({ baseUrl: signerUrl })));
    expect(garbage.message).toMatch(
      /answered something that is not JSON \("<html>login<\/html>"\)/,
    );
    expect(garbage.retryable).toBe(false);
    answer = { status: 200, body: '{"id": 5}' };
    const empty = await failure(create(new PresignedTarget({ baseUrl: signerUrl })));
    expect(empty.message).toMatch(/answered without an uploadId; it must answer \{ "uploadId"/);
  });

  it('a signing endpoint nothing answers on', async () => {
    const e = await failure(create(new PresignedTarget({ baseUrl: 'http://127.0.0.1:9/api/s3' })));
    expect(e.message).toMatch(/could not be reached: .*check storage\.baseUrl/);
  });
});

describe('storage that refuses the credentials or the region says which', () => {
  let refusing: Server;
  let endpoint = '';
  /** The S3 error the endpoint answers every request with. */
  let refusal = { status: 403, code: 'ExpiredToken' };

  beforeAll(async () => {
    refusing = createServer((req, res) => {
      req.resume();
      res.writeHead(refusal.status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${refusal.code}</Code><Message>refused</Message><RequestId>1</RequestId></Error>`,
      );
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const address = refusing.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise((r) => refusing.close(r)));

  const target = () => new S3ClientTarget({ ...s3.config, endpoint });

  it('expired credentials', async () => {
    refusal = { status: 403, code: 'ExpiredToken' };
    const e = await failure(create(target()));
    expect(e.message).toMatch(/ExpiredToken .*credentials have expired/);
    expect(e.retryable).toBe(false);
  });

  it('a key storage does not know', async () => {
    refusal = { status: 403, code: 'InvalidAccessKeyId' };
    const e = await failure(create(target()));
    expect(e.message).toMatch(/InvalidAccessKeyId .*check storage\.credentials/);
  });

  it('the wrong region', async () => {
    refusal = { status: 400, code: 'AuthorizationHeaderMalformed' };
    const e = await failure(create(target()));
    expect(e.message).toMatch(/AuthorizationHeaderMalformed .*set storage\.region/);
    expect(e.retryable).toBe(false);
  });
});
