/** Starts the real local S3 server (s3rver) for a test file, in a fresh directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script without type declarations
import { startS3Server, LOCAL_S3 } from '../../../scripts/lib/s3-server.mjs';
import { S3ClientTarget } from '../../../src/upload/s3-target.js';
import type { S3TargetConfig } from '../../../src/upload/s3-target.js';

export interface S3Fixture {
  endpoint: string;
  config: S3TargetConfig;
  target: S3ClientTarget;
  stop(): Promise<void>;
}

export const LOCAL = LOCAL_S3 as {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
};

export async function startS3(): Promise<S3Fixture> {
  const directory = mkdtempSync(join(tmpdir(), 'rr-s3-unit-'));
  const server = (await startS3Server({ directory, quiet: true })) as {
    endpoint: string;
    stop(): Promise<void>;
  };
  const config: S3TargetConfig = {
    endpoint: server.endpoint,
    region: LOCAL.region,
    bucket: LOCAL.bucket,
    credentials: { accessKeyId: LOCAL.accessKeyId, secretAccessKey: LOCAL.secretAccessKey },
    forcePathStyle: true,
  };
  return {
    endpoint: server.endpoint,
    config,
    target: new S3ClientTarget(config),
    async stop() {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
