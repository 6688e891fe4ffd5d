// Photographs the demo room while the host records, for the README:
//   node scripts/demo-screenshot.mjs  ->  docs/screenshots/demo-host-recording.png
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAll, chromiumPath, root } from './lib/ensure.mjs';

ensureAll({ ffmpeg: false });
const { chromium } = await import('playwright-core');
const { startS3Server } = await import('./lib/s3-server.mjs');
const { buildDemo, startDemoServer } = await import('./lib/demo-server.mjs');
const { CHROMIUM_ARGS } = await import('./lib/chromium.mjs');

buildDemo();
const s3dir = mkdtempSync(join(tmpdir(), 'rr-shot-'));
const s3 = await startS3Server({ directory: s3dir });
const demo = await startDemoServer({ port: 0, s3Endpoint: s3.endpoint });
const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(`${demo.url}?role=host&user=host-1&room=screenshot&title=Physics, week 3`);
  await page.waitForFunction(() => window.__rr?.controller.view.canStart.ok, null, {
    timeout: 60_000,
  });
  await page.getByRole('button', { name: 'More options' }).click();
  await page.getByRole('menuitem', { name: 'Record' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();
  await page.waitForFunction(() => window.__rr.controller.view.phase === 'recording');
  await page.waitForTimeout(3500);
  const out = join(root, 'docs', 'screenshots', 'demo-host-recording.png');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
  await page.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop recording' }).click();
  await page.waitForFunction(() => window.__rr.controller.view.phase === 'available', null, {
    timeout: 60_000,
  });
} finally {
  await browser.close();
  await demo.stop();
  await s3.stop();
  rmSync(s3dir, { recursive: true, force: true });
}
