/**
 * The demo room's media: a WebRTC mesh over the room server's signalling socket. Every page
 * sends its microphone, its camera and (the host's) the stage to every other page, and
 * receives theirs.
 *
 * A mesh suits a demo of up to about five people: each page encodes its camera once per other
 * page. A real room puts an SFU in the middle (each page sends once, the server forwards, with
 * simulcast layers), and the recording page then receives the same remote tracks it receives
 * here.
 *
 * Negotiation has no glare by construction: the page that joins offers to everyone already
 * there, the others only answer. Each connection has three transceivers in a fixed order
 * (microphone, camera, stage), so a receiver knows what a track is by its transceiver's
 * position; a page without a camera or a stage sends nothing on that one, and a change of
 * stage (slides to a screen share) is a `replaceTrack`, never a renegotiation.
 *
 * On one machine or one LAN, the host candidates connect the pages directly; no STUN server
 * is needed. Between networks (NAT) a real room needs STUN and a TURN relay, which the room
 * server can hand out in its `welcome` (`iceServers`).
 */
import type { Role } from '../src/index.js';

/** What a transceiver carries, by its position. */
export type Slot = 'mic' | 'camera' | 'stage';
export const SLOTS: readonly Slot[] = ['mic', 'camera', 'stage'];

/** Someone in the room, as the room server stamped them. */
export interface PeerInfo {
  peerId: string;
  userId: string;
  role: Role;
  mobile?: boolean;
}

/** Another page of the room and what it sends. */
export interface RemotePeer extends PeerInfo {
  readonly pc: RTCPeerConnection;
  /** Remote tracks by slot, once negotiated (a track may stay muted: nothing sent there). */
  readonly tracks: Partial<Record<Slot, MediaStreamTrack>>;
}

export interface MeshEvents {
  /** A page joined the room (no media yet). */
  joined: (peer: RemotePeer) => void;
  /** A remote track arrived (it unmutes when its first media comes). */
  track: (peer: RemotePeer, slot: Slot, track: MediaStreamTrack) => void;
  /** A page left (or this page lost the room server). */
  left: (peer: RemotePeer) => void;
}

export interface MeshOptions {
  /** The signalling socket's URL (`/room/<id>/signal?user=&role=`). */
  url: string;
  /** What this page sends; `stage` can change later with {@link Mesh.setStage}. */
  local: {
    mic: MediaStreamTrack | null;
    camera: MediaStreamTrack | null;
    stage: MediaStreamTrack | null;
  };
}

/**
 * Webcams are drawn as tiles of at most about 460x260 in a 1080p recording (and smaller in
 * the page): 360p is plenty, and a fraction of a 720p encode per connection.
 */
const CAMERA_HEIGHT = 360;
const CAMERA_ENCODING: RTCRtpEncodingParameters = { maxBitrate: 800_000 };
/**
 * The participants' view of the slides: the page sends a half-size copy (see
 * `createPreview`) at 10 fps, what meetings send for a screen share; the host records its own
 * full-size canvas.
 */
export const STAGE_FPS = 10;
const STAGE_ENCODING: RTCRtpEncodingParameters = {
  maxBitrate: 1_500_000,
  maxFramerate: STAGE_FPS,
};
/** How a track is sent: a camera scaled down to 360p, the stage as it is, sound as it is. */
function encodingFor(slot: Slot, track: MediaStreamTrack | null): RTCRtpEncodingParameters | null {
  if (slot === 'mic') return null;
  if (slot === 'stage') return STAGE_ENCODING;
  const height = track?.getSettings().height ?? CAMERA_HEIGHT;
  return { ...CAMERA_ENCODING, scaleResolutionDownBy: Math.max(1, height / CAMERA_HEIGHT) };
}

type Signal =
  | { kind: 'offer'; sdp: string }
  | { kind: 'answer'; sdp: string }
  | { kind: 'candidate'; candidate: RTCIceCandidateInit };

type ServerMessage =
  | { type: 'welcome'; peerId: string; peers: PeerInfo[]; iceServers?: RTCIceServer[] }
  | { type: 'peer-joined'; peer: PeerInfo }
  | { type: 'peer-left'; peerId: string }
  | { type: 'signal'; from: PeerInfo; data: Signal };

interface Peer extends RemotePeer {
  /** This page offers (it joined after the other). */
  offerer: boolean;
  /** Candidates that came before the remote description. */
  pending: RTCIceCandidateInit[];
}

type Listeners = { [K in keyof MeshEvents]: Set<MeshEvents[K]> };

export class Mesh {
  readonly #url: string;
  readonly #local: MeshOptions['local'];
  readonly #peers = new Map<string, Peer>();
  readonly #listeners: Listeners = { joined: new Set(), track: new Set(), left: new Set() };
  #socket: WebSocket | null = null;
  #iceServers: RTCIceServer[] = [];
  #attempt = 0;
  #closed = false;
  #selfId: string | null = null;

  constructor(options: MeshOptions) {
    this.#url = options.url;
    this.#local = { ...options.local };
    this.#connect();
  }

  /** This page's id in the room, once the room server welcomed it. */
  get selfId(): string | null {
    return this.#selfId;
  }

  /** The other pages, in the order they became known. */
  peers(): RemotePeer[] {
    return [...this.#peers.values()];
  }

  on<K extends keyof MeshEvents>(event: K, listener: MeshEvents[K]): () => void {
    (this.#listeners[event] as Set<MeshEvents[K]>).add(listener);
    return () => (this.#listeners[event] as Set<MeshEvents[K]>).delete(listener);
  }

  /** Shows another stage to the room (slides, a screen share), without renegotiating. */
  setStage(track: MediaStreamTrack | null): void {
    this.#local.stage = track;
    for (const peer of this.#peers.values()) {
      const sender = peer.pc.getTransceivers()[SLOTS.indexOf('stage')]?.sender;
      sender?.replaceTrack(track).catch((e: unknown) => console.warn('[demo] replaceTrack', e));
    }
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close();
    this.#dropAll();
  }

  #emit<K extends keyof MeshEvents>(event: K, ...args: Parameters<MeshEvents[K]>): void {
    for (const listener of this.#listeners[event]) {
      try {
        (listener as (...a: Parameters<MeshEvents[K]>) => void)(...args);
      } catch (e) {
        console.error('[demo] a mesh listener threw', e);
      }
    }
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => (this.#attempt = 0);
    socket.onmessage = (event) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      void this.#onMessage(msg).catch((e: unknown) => console.warn('[demo] signalling', e));
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      // Everyone else will see this page leave; it joins again as a newcomer.
      this.#dropAll();
      if (this.#closed) return;
      const delay = Math.min(10_000, 500 * 2 ** this.#attempt++);
      setTimeout(() => this.#connect(), delay);
    };
  }

  #send(to: string, data: Signal): void {
    if (this.#socket?.readyState === WebSocket.OPEN)
      this.#socket.send(JSON.stringify({ to, data }));
  }

  async #onMessage(msg: ServerMessage): Promise<void> {
    switch (msg.type) {
      case 'welcome':
        this.#selfId = msg.peerId;
        this.#iceServers = msg.iceServers ?? [];
        // The newcomer calls everyone already here.
        for (const info of msg.peers) this.#call(info);
        return;
      case 'peer-joined':
        this.#peer(msg.peer, false);
        return;
      case 'peer-left': {
        const peer = this.#peers.get(msg.peerId);
        if (peer) this.#drop(peer);
        return;
      }
      case 'signal':
        return this.#onSignal(msg.from, msg.data);
    }
  }

  #peer(info: PeerInfo, offerer: boolean): Peer {
    const known = this.#peers.get(info.peerId);
    if (known) return known;
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    const peer: Peer = { ...info, pc, tracks: {}, offerer, pending: [] };
    this.#peers.set(info.peerId, peer);
    pc.onicecandidate = (e) => {
      if (e.candidate)
        this.#send(peer.peerId, { kind: 'candidate', candidate: e.candidate.toJSON() });
    };
    pc.ontrack = (e) => {
      const slot = SLOTS[pc.getTransceivers().indexOf(e.transceiver)];
      if (!slot) return;
      peer.tracks[slot] = e.track;
      this.#emit('track', peer, slot, e.track);
    };
    // Only the offerer negotiates: at first, and again after an ICE restart.
    pc.onnegotiationneeded = async () => {
      if (!peer.offerer || pc.signalingState !== 'stable') return;
      try {
        await pc.setLocalDescription();
        this.#send(peer.peerId, { kind: 'offer', sdp: pc.localDescription!.sdp });
      } catch (e) {
        console.warn('[demo] offer failed', e);
      }
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && peer.offerer) pc.restartIce();
    };
    this.#emit('joined', peer);
    return peer;
  }

  /** Offers to a page that was here first: three transceivers, in slot order. */
  #call(info: PeerInfo): void {
    const peer = this.#peer(info, true);
    for (const slot of SLOTS) {
      const track = this.#local[slot];
      const encoding = encodingFor(slot, track);
      peer.pc.addTransceiver(track ?? (slot === 'mic' ? 'audio' : 'video'), {
        direction: 'sendrecv',
        ...(encoding ? { sendEncodings: [encoding] } : {}),
      });
    }
  }

  async #onSignal(from: PeerInfo, data: Signal): Promise<void> {
    if (data.kind === 'offer') {
      const peer = this.#peer(from, false);
      const { pc } = peer;
      await pc.setRemoteDescription({ type: 'offer', sdp: data.sdp });
      const transceivers = pc.getTransceivers();
      for (const [i, slot] of SLOTS.entries()) {
        const t = transceivers[i];
        if (!t) continue;
        t.direction = 'sendrecv';
        const track = this.#local[slot];
        if (track && t.sender.track !== track) await t.sender.replaceTrack(track);
      }
      await pc.setLocalDescription();
      this.#send(peer.peerId, { kind: 'answer', sdp: pc.localDescription!.sdp });
      await this.#flush(peer);
      await this.#limit(peer);
      return;
    }
    const peer = this.#peers.get(from.peerId);
    if (!peer) return;
    if (data.kind === 'answer') {
      await peer.pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
      await this.#flush(peer);
    } else if (data.kind === 'candidate') {
      if (peer.pc.remoteDescription) await peer.pc.addIceCandidate(data.candidate);
      else peer.pending.push(data.candidate);
    }
  }

  async #flush(peer: Peer): Promise<void> {
    for (const candidate of peer.pending.splice(0)) {
      await peer.pc.addIceCandidate(candidate).catch((e: unknown) => console.warn('[demo] ICE', e));
    }
  }

  /** The answering side's send limits (the offerer set them with its transceivers). */
  async #limit(peer: Peer): Promise<void> {
    const transceivers = peer.pc.getTransceivers();
    for (const [i, slot] of SLOTS.entries()) {
      const encoding = encodingFor(slot, this.#local[slot]);
      const sender = transceivers[i]?.sender;
      if (!encoding || !sender) continue;
      const params = sender.getParameters();
      if (!params.encodings?.length) continue;
      params.encodings = params.encodings.map((e) => ({ ...e, ...encoding }));
      await sender.setParameters(params).catch((e: unknown) => console.warn('[demo] limits', e));
    }
  }

  #drop(peer: Peer): void {
    this.#peers.delete(peer.peerId);
    peer.pc.close();
    this.#emit('left', peer);
  }

  #dropAll(): void {
    for (const peer of [...this.#peers.values()]) this.#drop(peer);
    this.#selfId = null;
  }
}
