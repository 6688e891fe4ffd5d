// `npm run demo`: the demo room with an embedded local S3 server and its room server, ready
// to record. `--host` (or `--bind ADDR`) lets other devices on the LAN join; `--https` serves
// it with a self-signed certificate so they may use their camera there.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAll } from './lib/ensure.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    // Where the demo listens: 127.0.0.1 by default; --host is --bind 0.0.0.0 (every interface).
    bind: { type: 'string' },
    host: { type: 'boolean', default: false },
    https: { type: 'boolean', default: false },
    participants: { type: 'string' },
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
    'handoff-at': { type: 'string' },
    kill: { type: 'boolean', default: false },
    fault: { type: 'string' },
    uplink: { type: 'string' },
  },
  strict: true,
});

if ((values.fault || values.uplink) && (!values.headless || values['handoff-at'] !== undefined)) {
  console.error('--fault and --uplink apply to a headless run (--headless) without --handoff-at.');
  process.exit(2);
}

ensureAll({ ffmpeg: values.headless, firefox: false });

const { startS3Server } = await import('./lib/s3-server.mjs');
const { buildDemo, startDemoServer } = await import('./lib/demo-server.mjs');

// IndexedDB belongs to an origin, port included: a kept profile must meet the same port
// again for --recover to find its journal, so the port is remembered in the profile.
const portFile = values.profile ? join(resolve(values.profile), '.rr-demo-port') : null;
const port = Number(
  values.port ?? (portFile && existsSync(portFile) ? readFileSync(portFile, 'utf8') : 5173),
);
if (!values['skip-build']) buildDemo();

const s3Options = values['s3-dir'] ? { directory: values['s3-dir'] } : {};
let s3 = await startS3Server({ port: Number(values['s3-port']), ...s3Options });
/** Stops the S3 server's process and starts it again on the same port and data (`--fault`). */
const s3Control = {
  down: () => s3.stop(),
  up: async () => {
    s3 = await startS3Server({ port: s3.port, ...s3Options });
  },
};
const bind = values.bind ?? (values.host ? '0.0.0.0' : '127.0.0.1');
let tls;
if (values.https) {
  const { selfSignedCertificate } = await import('./lib/tls.mjs');
  tls = selfSignedCertificate();
}
const demo = await startDemoServer({
  port,
  s3Endpoint: s3.endpoint,
  bind,
  tls,
  log: values.headless ? undefined : (line) => console.log(line),
});
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
  const { runHeadlessHandoff } = await import('./lib/headless-handoff.mjs');
  const run = values['handoff-at'] !== undefined ? runHeadlessHandoff : runHeadless;
  try {
    const result = await run({ ...values, demoUrl: demo.url, s3Endpoint: s3.endpoint, s3Control });
    console.log(JSON.stringify(result));
    await stop(0);
  } catch (err) {
    console.error(`demo --headless failed: ${err instanceof Error ? err.message : err}`);
    await stop(1);
  }
} else {
  const room = values.room ?? 'demo-room';
  const link = (base, query) => `${base}?${new URLSearchParams({ ...query, room })}`;
  const host = link(demo.url, { role: 'host', user: 'host-1' });
  console.log(`\nRoom Recorder demo (room "${room}")`);
  console.log(`  host:                ${host}`);
  console.log(`  participant:         ${link(demo.url, { role: 'participant', user: 'guest-1' })}`);
  for (const base of demo.lanUrls) {
    console.log(`  from another device: ${link(base, { role: 'participant', user: 'guest-2' })}`);
    console.log(
      `  mobile participant:  ${link(base, { role: 'participant', user: 'phone-1', mobile: '1' })}`,
    );
  }
  if (!demo.lanUrls.length) {
    console.log(
      `  mobile participant:  ${link(demo.url, { role: 'participant', user: 'phone-1', mobile: '1' })}`,
    );
    console.log(`  (this machine only; --host lets other devices on the LAN join)`);
  } else if (!tls) {
    console.log(
      `  (over plain http another device is not a secure context: it joins, sees and hears the\n` +
        `   room, but its browser will not open its camera or microphone; add --https for that)`,
    );
  } else {
    console.log(`  (self-signed certificate: accept the browser's warning once on each device)`);
  }
  console.log(`  local S3:            ${s3.endpoint} (data in .data/s3)`);
  console.log(`Record from the host link on this machine. Press Ctrl-C to stop.\n`);
}
