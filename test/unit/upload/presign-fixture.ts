/** The demo's presign handler in a Node http server, in front of the local s3rver. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error: a plain .mjs module without type declarations
import { createPresignHandler } from '../../../demo/server/presign.mjs';
import { LOCAL } from './s3-fixture.js';

export interface PresignServer {
  baseUrl: string;
  /** Every JSON body the server answered, to check what reaches the page. */
  answers: string[];
  close(): Promise<void>;
}

export async function startPresignServer(
  endpoint: string,
  allowKeyPrefix = 'rooms/',
): Promise<PresignServer> {
  const handle = createPresignHandler({
    endpoint,
    region: LOCAL.region,
    bucket: LOCAL.bucket,
    credentials: { accessKeyId: LOCAL.accessKeyId, secretAccessKey: LOCAL.secretAccessKey },
    basePath: '/api/s3',
    allowKeyPrefix,
  }) as (req: unknown, res: unknown) => boolean;
  const answers: string[] = [];
  const server = createServer((req, res) => {
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') answers.push(chunk);
      return end(chunk as never, ...(rest as []));
    }) as typeof res.end;
    if (!handle(req, res)) {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/s3`,
    answers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
