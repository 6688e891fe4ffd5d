/** A stored recording as a user gets it: downloaded, probed, and the room's folder listed. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, inject } from 'vitest';

const run = promisify(execFile);

/**
 * Downloads `stored` (a page's `lastRecording`) into `dir` as `<room>.mp4`; returns its
 * duration and video packets (ffprobe) and every key in the room's Recordings folder.
 */
export async function downloadStored(stored: { url: string }, room: string, dir: string) {
  const res = await fetch(stored.url);
  expect(res.ok).toBe(true);
  const file = join(dir, `${room}.mp4`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v', '-count_packets'],
    ...['-show_entries', 'format=duration:stream=nb_read_packets', '-of', 'csv=p=0', file],
  ]);
  const [packets, duration] = stdout.trim().split(/\s+/).map(Number);
  const list = await fetch(
    `${inject('s3Endpoint')}/room-recorder?list-type=2&prefix=${encodeURIComponent(`rooms/${room}/Recordings/`)}`,
  );
  const keys = [...(await list.text()).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
  return { file, durationSec: duration!, packets: packets!, keys };
}
