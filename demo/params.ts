/**
 * What the demo's link says: `?role=host|moderator|participant&user=ID&room=ID&title=...`,
 * plus `mobile=1` (a phone: no one starts or stops there, B1), `channel=tabs` (the tabs of
 * one browser over a BroadcastChannel instead of the WebSocket room) and `standins=0` (no
 * synthetic people in the host's empty seats).
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
}

const ROLES: readonly Role[] = ['host', 'moderator', 'participant'];

export function readParams(search: string): DemoParams {
  const params = new URLSearchParams(search);
  const asked = params.get('role') ?? '';
  const role = (ROLES as readonly string[]).includes(asked) ? (asked as Role) : 'participant';
  return {
    role,
    userId: params.get('user') || `${role}-1`,
    mobile: params.get('mobile') === '1',
    title: params.get('title') ?? 'Weekly class',
    roomId: params.get('room') || 'demo-room',
    channel: params.get('channel') === 'tabs' ? 'tabs' : 'websocket',
    standins: params.get('standins') !== '0',
    presenter: role === 'host',
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
  url.search = q.toString();
  url.hash = '';
  return url.href;
}
