// The demo's room server: WebSocket rooms by id, on the demo server's own port.
//
// Two paths per room, both stamped with the sender the server knows:
//
//   /room/<roomId>/recorder?user=<id>&role=<role>   the recorder's messages (`WebSocketRoom`):
//       each envelope `{ from, message, origin }` goes to every other recorder connection of
//       the room with `from` replaced by `{ userId, role }` of the connection.
//   /room/<roomId>/signal?user=<id>&role=<role>     WebRTC signalling for the mesh: the server
//       gives each connection a peer id, tells it who is already there (`welcome`) and the
//       others who came and went (`peer-joined`, `peer-left`), and passes `{ to, data }` to
//       that one peer as `{ type: 'signal', from: { peerId, userId, role }, data }`.
//
// DEMO ONLY: the role comes from the link (`?role=host`), so anyone who edits the link is a
// host. A real room server takes the user and the role from its own authentication (a session
// cookie, a signed token) and stamps that; the stamping below is the part to copy.
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const ROLES = new Set(['host', 'moderator', 'participant']);
/** Largest message accepted: room messages are at most 16 kB, an SDP offer a few kB. */
const MAX_PAYLOAD = 64 * 1024;
const PATH = /^\/room\/([^/]{1,256})\/(recorder|signal)$/;
/** Connections that answer no ping for this long are cut (a phone that went to sleep). */
const PING_MS = 20_000;

/**
 * Who a connection is, from its URL. Demo only: see the header.
 *
 * @returns {{ roomId: string, path: 'recorder' | 'signal', userId: string, role: string,
 *   mobile: boolean } | null}
 */
export function identify(url) {
  const u = new URL(url, 'http://room');
  const m = PATH.exec(u.pathname);
  if (!m) return null;
  const userId = u.searchParams.get('user') ?? '';
  if (!userId || userId.length > 256) return null;
  const asked = u.searchParams.get('role') ?? '';
  return {
    roomId: decodeURIComponent(m[1]),
    path: /** @type {'recorder' | 'signal'} */ (m[2]),
    userId,
    // The page does the same: an unknown role is a participant.
    role: ROLES.has(asked) ? asked : 'participant',
    mobile: u.searchParams.get('mobile') === '1',
  };
}

/**
 * The room server. Attach it to an HTTP(S) server with
 * `server.on('upgrade', (req, socket, head) => rooms.handleUpgrade(req, socket, head) || socket.destroy())`.
 *
 * @param {{ iceServers?: RTCIceServer[], log?: (line: string) => void }} [opts]
 */
export function createRoomServer(opts = {}) {
  const log = opts.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  /** @type {Map<string, { recorder: Set<import('ws').WebSocket>, peers: Map<string, { socket: import('ws').WebSocket, info: { peerId: string, userId: string, role: string, mobile: boolean } }> }>} */
  const rooms = new Map();
  const room = (id) => {
    let r = rooms.get(id);
    if (!r) {
      r = { recorder: new Set(), peers: new Map() };
      rooms.set(id, r);
    }
    return r;
  };
  const forget = (id) => {
    const r = rooms.get(id);
    if (r && r.recorder.size === 0 && r.peers.size === 0) rooms.delete(id);
  };
  const send = (socket, value) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(value));
  };
  const parse = (data, isBinary) => {
    if (isBinary) return null;
    try {
      const value = JSON.parse(String(data));
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  };

  /**
   * The recorder's channel: stamp, then pass to everyone else in the room. When a connection
   * closes, the pages it announced are said to have left (`presence` 'left', stamped as the
   * connection's), so the room hears at once of a browser killed or cut off (X9 then starts
   * within seconds rather than after the missed heartbeats).
   */
  function recorder(socket, who) {
    const r = room(who.roomId);
    r.recorder.add(socket);
    const from = { userId: who.userId, role: who.role };
    /** The page ids this connection announced in its presence messages. */
    const pages = new Set();
    const relay = (envelope, except) => {
      // Whatever the page claimed, the server says who sent it.
      const text = JSON.stringify({ ...envelope, from });
      for (const other of r.recorder) {
        if (other !== except && other.readyState === other.OPEN) other.send(text);
      }
    };
    socket.on('message', (data, isBinary) => {
      const envelope = parse(data, isBinary);
      if (!envelope || !('message' in envelope)) return;
      const m = envelope.message;
      if (m?.kind === 'presence' && typeof m.page === 'string' && pages.size < 16) {
        if (m.status === 'left') pages.delete(m.page);
        else pages.add(m.page);
      }
      relay(envelope, socket);
    });
    socket.on('close', () => {
      r.recorder.delete(socket);
      for (const page of pages) {
        const message = {
          v: 1,
          kind: 'presence',
          userId: who.userId,
          role: who.role,
          status: 'left',
          page,
        };
        relay({ message, origin: `relay-${page}` }, null);
      }
      forget(who.roomId);
    });
  }

  /** WebRTC signalling: peer ids, who is here, and messages to one peer. */
  function signal(socket, who) {
    const r = room(who.roomId);
    const info = { peerId: randomUUID(), userId: who.userId, role: who.role, mobile: who.mobile };
    send(socket, {
      type: 'welcome',
      peerId: info.peerId,
      peers: [...r.peers.values()].map((p) => p.info),
      iceServers: opts.iceServers ?? [],
    });
    for (const p of r.peers.values()) send(p.socket, { type: 'peer-joined', peer: info });
    r.peers.set(info.peerId, { socket, info });
    log(`[room] ${who.roomId}: ${info.userId} (${info.role}) joined, ${r.peers.size} in the room`);
    socket.on('message', (data, isBinary) => {
      const msg = parse(data, isBinary);
      if (!msg || typeof msg.to !== 'string') return;
      const target = r.peers.get(msg.to);
      if (!target) return;
      send(target.socket, {
        type: 'signal',
        from: { peerId: info.peerId, userId: info.userId, role: info.role },
        data: msg.data,
      });
    });
    socket.on('close', () => {
      r.peers.delete(info.peerId);
      for (const p of r.peers.values()) send(p.socket, { type: 'peer-left', peerId: info.peerId });
      log(`[room] ${who.roomId}: ${info.userId} left, ${r.peers.size} in the room`);
      forget(who.roomId);
    });
  }

  const alive = new WeakSet();
  const pinger = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, PING_MS);
  pinger.unref();

  return {
    /** Takes a WebSocket upgrade for a room path; false for any other path. */
    handleUpgrade(req, socket, head) {
      const who = identify(req.url ?? '/');
      if (!who) return false;
      wss.handleUpgrade(req, socket, head, (ws) => {
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        ws.on('error', () => ws.terminate());
        if (who.path === 'recorder') recorder(ws, who);
        else signal(ws, who);
      });
      return true;
    },
    /** Users in each room's mesh, for logs and tests. */
    rooms() {
      return Object.fromEntries(
        [...rooms].map(([id, r]) => [id, [...r.peers.values()].map((p) => p.info)]),
      );
    },
    close() {
      clearInterval(pinger);
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    },
  };
}
