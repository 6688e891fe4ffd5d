// `npm run demo`: the demo room with an embedded local S3 server, ready to record.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAll } from './lib/ensure.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    's3-port': { type: 'string', default: '4569' },
    's3-dir': { type: 'string' },
    room: { type: 'string' },
    headless: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    title: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'string' },
    recover: { type: 'boolean', default: false },
  },
  strict: true,
});

ensureAll({ ffmpeg: values.headless });

const { startS3Server } = await import('./lib/s3-server.mjs');
const { buildDemo, startDemoServer } = await import('./lib/demo-server.mjs');

// IndexedDB belongs to an origin, port included: a kept profile must meet the same port
// again for --recover to find its journal, so the port is remembered in the profile.
const portFile = values.profile ? join(resolve(values.profile), '.rr-demo-port') : null;
const port = Number(
  values.port ?? (portFile && existsSync(portFile) ? readFileSync(portFile, 'utf8') : 5173),
);
if (!values['skip-build']) buildDemo();

const s3 = await startS3Server({
  port: Number(values['s3-port']),
  ...(values['s3-dir'] ? { directory: values['s3-dir'] } : {}),
});
const demo = await startDemoServer({ port, s3Endpoint: s3.endpoint });
if (portFile) {
  mkdirSync(dirname(portFile), { recursive: true });
  writeFileSync(portFile, String(demo.port));
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await demo.stop().catch(() => {});
  await s3.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));

if (values.headless) {
  const { runHeadless } = await import('./lib/headless-run.mjs');
  try {
    const result = await runHeadless({ ...values, demoUrl: demo.url, s3Endpoint: s3.endpoint });
    console.log(JSON.stringify(result));
    await stop(0);
  } catch (err) {
    console.error(`demo --headless failed: ${err instanceof Error ? err.message : err}`);
    await stop(1);
  }
} else {
  console.log(`\nRoom Recorder demo`);
  console.log(`  host:        ${demo.url}?role=host&user=host-1`);
  console.log(`  participant: ${demo.url}?role=participant&user=guest-1`);
  console.log(`  local S3:    ${s3.endpoint} (data in .data/s3)`);
  console.log(`Press Ctrl-C to stop.\n`);
}
