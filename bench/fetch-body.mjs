/* global Blob, crypto -- inside page.evaluate: the browser's own */
// What handing an upload's body to fetch costs the page: a 5-MiB PUT to the local S3 server
// from headless Debian Chromium, its body a Uint8Array (as the upload sent it before
// 878858e) or a Blob (as now), alternating in one run. Prints and keeps, per try: how long
// fetch() itself blocked, the whole request, and the longest stall of a 5-ms page timer.
//
//   node bench/fetch-body.mjs [--tries 3]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startS3Server, LOCAL_S3 } from '../scripts/lib/s3-server.mjs';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/lib/chromium.mjs';
import { describeMachine, loadAverage } from './lib/machine.mjs';

const { values } = parseArgs({ options: { tries: { type: 'string', default: '3' } } });
const here = dirname(fileURLToPath(import.meta.url));
const s3 = await startS3Server({
  directory: mkdtempSync(join(tmpdir(), 'rr-fetch-body-')),
  quiet: true,
});
const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
const rows = [];
try {
  const page = await browser.newPage();
  // A page of the S3 server's own origin: the PUTs are same-origin, as with a CORS-enabled bucket.
  await page.goto(`${s3.endpoint}/${LOCAL_S3.bucket}?list-type=2`);
  for (let i = 0; i < Number(values.tries); i++) {
    for (const kind of ['uint8array', 'blob']) {
      const row = await page.evaluate(
        async ({ kind, base }) => {
          const bytes = new Uint8Array(5 * 1024 * 1024);
          for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i & 255;
          let stall = 0;
          let last = performance.now();
          const timer = setInterval(() => {
            const now = performance.now();
            stall = Math.max(stall, now - last);
            last = now;
          }, 5);
          await new Promise((r) => setTimeout(r, 50));
          const t0 = performance.now();
          const body = kind === 'blob' ? new Blob([bytes]) : bytes;
          const t1 = performance.now();
          const sent = fetch(`${base}/fetch-body-${kind}-${crypto.randomUUID()}`, {
            method: 'PUT',
            body,
          });
          const t2 = performance.now();
          const res = await sent;
          const t3 = performance.now();
          await new Promise((r) => setTimeout(r, 50));
          clearInterval(timer);
          const ms = (x) => Number(x.toFixed(1));
          return {
            kind,
            status: res.status,
            makeBodyMs: ms(t1 - t0),
            fetchCallMs: ms(t2 - t1),
            requestMs: ms(t3 - t1),
            longestStallMs: ms(stall),
          };
        },
        { kind, base: `${s3.endpoint}/${LOCAL_S3.bucket}` },
      );
      console.log(JSON.stringify(row));
      rows.push(row);
    }
  }
} finally {
  await browser.close();
  await s3.stop();
}
const out = join(
  here,
  'results',
  `fetch-body-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ machine: describeMachine(), loadAverage: loadAverage(), rows }, null, 2),
);
console.log(`kept in ${out}`);
