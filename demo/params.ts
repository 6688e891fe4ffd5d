/**
 * What the demo's link says: `?role=host|moderator|participant&user=ID&room=ID&title=...`,
 * plus `mobile=1` (a phone: no one starts or stops there, B1), `channel=tabs` (the tabs of
 * one browser over a BroadcastChannel instead of the WebSocket room), `standins=0` (no
 * synthetic people in the host's empty seats), and shorter time limits, in seconds, for
 * trying them (and for the tests) without waiting hours: `maxRecordingSec=20` (B11: a
 * recording stops by itself after 20 s; default and most 24 hours) and `hostAwaySec=30` (B9:
 * it stops 30 s after the last host or moderator left; default and most 15 minutes). They go
 * to the recorder's `maxRecordingMs` and `hostAwayTimeoutMs`, which refuse a value out of
 * range (the page then says why), and into the links made for other people.
 *
 * Demo only: the role comes from the link, and the room server believes it. A real room takes
 * it from its own sign-in.
 */
import type { Role } from '../src/index.js';

export interface DemoParams {
  role: Role;
  userId: string;
  mobile: boolean;
  title: string;
  roomId: string;
  /** How the pages of the room talk: the demo's room server, or tabs of one browser. */
  channel: 'websocket' | 'tabs';
  /** Synthetic people fill the host's empty webcam seats, up to four tiles. */
  standins: boolean;
  /** The page that shows the stage (slides or a screen share) to the room: the host's. */
  presenter: boolean;
  /** `maxRecordingSec` in milliseconds, for the recorder's `maxRecordingMs` (B11); absent: 24 h. */
  maxRecordingMs?: number;
  /** `hostAwaySec` in milliseconds, for the recorder's `hostAwayTimeoutMs` (B9); absent: 15 min. */
  hostAwayTimeoutMs?: number;
}

/** Seconds from the link as milliseconds; absent stays absent, anything else is the recorder's to judge. */
function secondsParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null || value.trim() === '') return undefined;
  return Number(value) * 1000;
}

const ROLES: readonly Role[] = ['host', 'moderator', 'participant'];

export function readParams(search: string): DemoParams {
  const params = new URLSearchParams(search);
  const asked = params.get('role') ?? '';
  const role = (ROLES as readonly string[]).includes(asked) ? (asked as Role) : 'participant';
  const maxRecordingMs = secondsParam(params, 'maxRecordingSec');
  const hostAwayTimeoutMs = secondsParam(params, 'hostAwaySec');
  return {
    role,
    userId: params.get('user') || `${role}-1`,
    mobile: params.get('mobile') === '1',
    title: params.get('title') ?? 'Weekly class',
    roomId: params.get('room') || 'demo-room',
    channel: params.get('channel') === 'tabs' ? 'tabs' : 'websocket',
    standins: params.get('standins') !== '0',
    presenter: role === 'host',
    ...(maxRecordingMs !== undefined ? { maxRecordingMs } : {}),
    ...(hostAwayTimeoutMs !== undefined ? { hostAwayTimeoutMs } : {}),
  };
}

/** A link to this room for another person, keeping the room, title and channel. */
export function linkFor(
  p: DemoParams,
  who: { role: Role; userId: string; mobile?: boolean },
  base: string = location.href,
): string {
  const url = new URL(base);
  const q = new URLSearchParams({
    role: who.role,
    user: who.userId,
    room: p.roomId,
    title: p.title,
  });
  if (who.mobile) q.set('mobile', '1');
  if (p.channel === 'tabs') q.set('channel', 'tabs');
  // Whoever may continue the recording (X9) keeps the room's limits.
  if (p.maxRecordingMs !== undefined) q.set('maxRecordingSec', String(p.maxRecordingMs / 1000));
  if (p.hostAwayTimeoutMs !== undefined) q.set('hostAwaySec', String(p.hostAwayTimeoutMs / 1000));
  url.search = q.toString();
  url.hash = '';
  return url.href;
}
