// Installs what the project needs on a fresh machine. Node built-ins only: this runs
// before `npm ci`, so nothing from node_modules may be imported here.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(cmd, args, opts = {}) {
  console.log(`[setup] ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    throw new Error(`[setup] "${cmd} ${args.join(' ')}" exited with ${r.status ?? r.signal}`);
  }
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** `npm ci` when node_modules is missing or older than the lock file. */
export function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

let aptUpdated = false;
function aptInstall(pkgs) {
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const cmd = sudo.length ? 'sudo' : 'apt-get';
  const pre = sudo.length ? ['apt-get'] : [];
  if (!aptUpdated) {
    run(cmd, [...pre, 'update', '-qq'], { env });
    aptUpdated = true;
  }
  run(cmd, [...pre, 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env });
}

/**
 * Debian's Chromium (every host in the tests), Debian's Firefox ESR (a participant of the
 * multi-browser room test, driven over WebDriver BiDi) and ffmpeg/ffprobe (to judge files).
 */
export function ensureSystemPackages({ chromium = true, firefox = true, ffmpeg = true } = {}) {
  const missing = [];
  if (chromium && !existsSync(chromiumPath)) missing.push('chromium', 'fonts-dejavu-core');
  if (firefox && !existsSync(firefoxPath)) missing.push('firefox-esr', 'fonts-dejavu-core');
  if (ffmpeg && !(hasCommand('ffprobe') && hasCommand('ffmpeg'))) missing.push('ffmpeg');
  // GStreamer judges files too (a continued recording, test/e2e/media-handoff.test.ts);
  // h264parse is in its "bad" set.
  if (ffmpeg && !hasCommand('gst-launch-1.0')) {
    missing.push(
      'gstreamer1.0-tools',
      'gstreamer1.0-plugins-base',
      'gstreamer1.0-plugins-good',
      'gstreamer1.0-plugins-bad',
      'gstreamer1.0-libav',
    );
  }
  if (missing.length) aptInstall([...new Set(missing)]);
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export function ensureAll(opts) {
  ensureNodeModules();
  ensureSystemPackages(opts);
}
