import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain ESM scripts without types
import { startS3Server } from '../../scripts/lib/s3-server.mjs';
// @ts-expect-error: plain ESM scripts without types
import { buildDemo, startDemoServer } from '../../scripts/lib/demo-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    demoUrl: string;
    s3Endpoint: string;
  }
}

/** Starts the local S3 server (unless `npm test` already did) and the demo server once. */
export default async function setup(project: TestProject) {
  let s3Endpoint = process.env.RR_S3_ENDPOINT;
  let stopS3: (() => Promise<void>) | null = null;
  let s3dir: string | null = null;
  if (!s3Endpoint) {
    s3dir = mkdtempSync(join(tmpdir(), 'rr-e2e-s3-'));
    const s3 = await startS3Server({ directory: s3dir, quiet: true });
    s3Endpoint = s3.endpoint as string;
    stopS3 = s3.stop;
  }
  // `npm test` builds before this suite; run alone, it builds what it serves.
  if (!process.env.RR_BUILT) buildDemo();
  const demo = await startDemoServer({ port: 0, s3Endpoint });
  project.provide('demoUrl', demo.url);
  project.provide('s3Endpoint', s3Endpoint);
  return async () => {
    await demo.stop();
    await stopS3?.();
    if (s3dir) rmSync(s3dir, { recursive: true, force: true });
  };
}
