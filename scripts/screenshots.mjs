#!/usr/bin/env node
// Photographs every state of every rr-* element into docs/screenshots/*.png.
// Usage: node scripts/screenshots.mjs [state-name-filter]
// The page is docs/screenshots/gallery.ts, bundled with esbuild and loaded in Debian's
// Chromium through playwright-core; nothing is served, nothing is left running.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs/screenshots');
const filter = process.argv[2] ?? '';

/** Viewport per kind of state: small for the pieces, a room-sized one for the whole. */
function viewportFor(name) {
  if (name.startsWith('menu')) return { width: 420, height: 260 };
  if (name.startsWith('confirm')) return { width: 560, height: 300 };
  if (name.startsWith('toasts'))
    return { width: 460, height: name.endsWith('problems') ? 280 : 160 };
  if (name.startsWith('indicator')) return { width: 420, height: 90 };
  if (name.startsWith('recordings'))
    return { width: 860, height: name.endsWith('list') || name.endsWith('dark') ? 270 : 140 };
  return { width: 900, height: 520 };
}

const bundle = await build({
  entryPoints: [join(root, 'docs/screenshots/gallery.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  write: false,
  tsconfig: join(root, 'tsconfig.json'),
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
const script = bundle.outputFiles[0].text;

const page_html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rr gallery</title>
<style>
  html, body { margin: 0; font-family: system-ui, sans-serif; }
  body { background: #eef1f4; min-height: 100vh; }
  body.dark { background: #121316; color: #eee; }
  main { padding: 16px; }
  .toolbar { display: flex; align-items: center; justify-content: space-between; gap: 8px;
    padding: 8px 12px; background: #fff; border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  body.dark .toolbar { background: #1c1d21; }
  .room { font-weight: 600; }
  rr-recordings { padding: 16px; border-radius: 10px; }
</style></head><body></body></html>`;

await mkdir(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const written = [];
try {
  const page = await browser.newPage({ deviceScaleFactor: 1, reducedMotion: 'reduce' });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.setContent(page_html);
  await page.addScriptTag({ type: 'module', content: script });
  await page.waitForFunction(() => Array.isArray(window.rrStates));
  const names = await page.evaluate(() => window.rrStates);
  for (const name of names.filter((n) => n.includes(filter))) {
    const dark = name.includes('dark') || name.endsWith('problems');
    await page.setViewportSize(viewportFor(name));
    await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light', reducedMotion: 'reduce' });
    await page.evaluate(([n, d]) => window.rrShow(n, d), [name, dark]);
    await page.waitForTimeout(150);
    const file = join(outDir, `${name}.png`);
    await page.screenshot({ path: file });
    written.push(file);
  }
} finally {
  await browser.close();
}
for (const f of written) console.log(f.slice(root.length + 1));
