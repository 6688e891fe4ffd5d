/**
 * The demo's default room: pages in any browser, on any device, join the room server over a
 * WebSocket and send each other their camera, microphone and (the host) the stage over WebRTC.
 * The recorder hears the room through `WebSocketRoom` and records what arrives: the remote
 * cameras as webcams, every microphone in the mix, the stage.
 */
import { WebSocketRoom, type WebcamSource } from '../src/index.js';
import { Mesh, STAGE_FPS, type RemotePeer } from './mesh.js';
import type { DemoParams } from './params.js';
import {
  FrameMeter,
  makeTile,
  playStream,
  whenSized,
  type DemoRoom,
  type RecordedWebcam,
  type WebcamKind,
} from './room-view.js';
import {
  createCanvasWebcam,
  createPreview,
  createSlideDeck,
  createToneTrack,
  type DrawnSource,
} from './sources.js';

/** Seats the host's page fills with stand-ins while fewer people are there. */
const SEATS = 4;
const STAND_INS = [
  { name: 'Grace Hopper', hue: 120, tone: 330 },
  { name: 'Alan Turing', hue: 200, tone: 440 },
  { name: 'Katherine Johnson', hue: 280, tone: 550 },
  { name: 'Ada Lovelace', hue: 40, tone: 220 },
];

interface Seat {
  id: string;
  userId: string;
  kind: WebcamKind;
  /** What the recorder reads; null until the picture has a size. */
  source: HTMLVideoElement | HTMLCanvasElement | null;
  tile: HTMLElement;
}

interface RemoteSeat extends Seat {
  peer: RemotePeer;
  video: HTMLVideoElement;
  audio: HTMLAudioElement | null;
  stage: HTMLVideoElement | null;
  stageSized: boolean;
}

interface StandIn extends Seat {
  drawn: DrawnSource;
  tone: MediaStreamTrack;
}

/** The room server's URL for one of its paths, on this page's own host and port. */
export function roomUrl(p: DemoParams, path: 'recorder' | 'signal'): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const q = new URLSearchParams({ user: p.userId, role: p.role });
  if (p.mobile) q.set('mobile', '1');
  return `${scheme}://${location.host}/room/${encodeURIComponent(p.roomId)}/${path}?${q}`;
}

export function createWebRtcRoom(
  p: DemoParams,
  els: { stage: HTMLElement; webcams: HTMLElement; status: HTMLElement },
  camera: MediaStream | null,
  audioContext: AudioContext,
): DemoRoom {
  const meter = new FrameMeter();
  const timeline: Record<string, number> = {};
  const mark = (event: string) => (timeline[event] ??= Math.round(performance.now()));
  const listeners = new Set<() => void>();
  const changed = () => {
    fillSeats();
    for (const l of listeners) l();
    renderStatus();
  };

  // The stage: the host's slides (or screen share), sent to the room; the others show it.
  const deck = p.presenter ? createSlideDeck() : null;
  let shared: HTMLVideoElement | null = null;
  const waiting = document.createElement('p');
  waiting.className = 'stage-waiting';
  waiting.textContent = 'Waiting for the host’s stage…';
  if (deck) {
    els.stage.prepend(deck.canvas);
    meter.counter('stage', deck.frames);
  } else {
    els.stage.prepend(waiting);
  }
  // The room sees a half-size copy of the slides: a frame sent is a readback of the canvas on
  // this page's main thread, which the recorder needs for itself.
  const preview = deck ? createPreview(deck.canvas, 960, 540, STAGE_FPS) : null;
  const deckTrack = preview?.canvas.captureStream(STAGE_FPS).getVideoTracks()[0] ?? null;

  // This page's camera: the first tile.
  const seats: Seat[] = [];
  if (camera?.getVideoTracks().length) {
    const video = playStream(camera);
    meter.track('cam-self', camera.getVideoTracks()[0]);
    const seat: Seat = {
      id: 'cam-self',
      userId: p.userId,
      kind: 'camera',
      source: video,
      tile: makeTile(video, `${p.userId} (you)`),
    };
    seats.push(seat);
    els.webcams.append(seat.tile);
  } else {
    const note = document.createElement('p');
    note.className = 'no-camera';
    note.textContent = window.isSecureContext
      ? 'No camera'
      : 'No camera: this page is not a secure context (open it over https, or on localhost)';
    els.webcams.append(makeTile(note, `${p.userId} (you)`));
  }
  const localAudio = camera?.getAudioTracks() ?? [];

  const mesh = new Mesh({
    url: roomUrl(p, 'signal'),
    local: {
      mic: localAudio[0] ?? null,
      camera: camera?.getVideoTracks()[0] ?? null,
      stage: deckTrack,
    },
  });
  const remotes = new Map<string, RemoteSeat>();

  mesh.on('joined', (peer) => {
    mark('first-peer');
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    const label = `${peer.userId}${peer.role === 'participant' ? '' : ` · ${peer.role}`}${peer.mobile ? ' · mobile' : ''}`;
    const seat: RemoteSeat = {
      id: `cam-${peer.peerId}`,
      userId: peer.userId,
      kind: 'remote',
      source: null,
      tile: makeTile(video, label),
      peer,
      video,
      audio: null,
      stage: null,
      stageSized: false,
    };
    seat.tile.classList.add('connecting');
    remotes.set(peer.peerId, seat);
    // Before the stand-ins, whose seats the people take.
    els.webcams.insertBefore(seat.tile, standIns[0]?.tile ?? null);
    changed();
  });

  mesh.on('track', (peer, slot, track) => {
    const seat = remotes.get(peer.peerId);
    if (!seat) return;
    if (slot === 'camera') {
      seat.video.srcObject = new MediaStream([track]);
      void seat.video.play().catch(() => undefined);
      // Recorded once its picture has a size (a page without a camera never sends one).
      void whenSized(seat.video).then(() => {
        if (remotes.get(peer.peerId) !== seat) return;
        seat.tile.classList.remove('connecting');
        mark('first-remote-camera');
        seat.source = seat.video;
        const receiver = peer.pc
          .getTransceivers()
          .find((t) => t.receiver.track === track)?.receiver;
        if (receiver) meter.receiver(seat.id, receiver);
        changed();
      });
    } else if (slot === 'mic') {
      // Heard here through an element (Chromium mixes a remote track into Web Audio only
      // while an element plays it) and mixed into the recording from the track itself.
      const audio = document.createElement('audio');
      audio.autoplay = true;
      audio.srcObject = new MediaStream([track]);
      void audio.play().catch(() => waitForGesture(audio));
      seat.tile.append(audio);
      seat.audio = audio;
      changed();
    } else if (slot === 'stage' && !p.presenter) {
      const video = playStream(new MediaStream([track]));
      seat.stage = video;
      void whenSized(video).then(() => {
        seat.stageSized = true;
        showRemoteStage();
        changed();
      });
    }
  });

  mesh.on('left', (peer) => {
    const seat = remotes.get(peer.peerId);
    if (!seat) return;
    remotes.delete(peer.peerId);
    meter.remove(seat.id);
    seat.tile.remove();
    if (seat.stage && els.stage.contains(seat.stage)) showRemoteStage();
    changed();
  });

  /** A participant's stage: the first page that shows one. */
  let remoteStage: HTMLVideoElement | null = null;
  function showRemoteStage(): void {
    const next = [...remotes.values()].find((s) => s.stage && s.stageSized)?.stage ?? null;
    if (next === remoteStage) return;
    remoteStage = next;
    els.stage.replaceChildren(next ?? waiting);
  }

  // Stand-ins: on the host's page, synthetic people fill the empty seats (up to four tiles),
  // so a room of one browser still records like a room; real people take their seats.
  const standIns: StandIn[] = [];
  function fillSeats(): void {
    if (!p.presenter || !p.standins) return;
    const people = seats.length + [...remotes.values()].filter((s) => s.source).length;
    const wanted = Math.max(0, Math.min(STAND_INS.length, SEATS - people));
    while (standIns.length > wanted) {
      const s = standIns.pop()!;
      s.drawn.stop();
      s.tone.stop();
      s.tile.remove();
      meter.remove(s.id);
    }
    while (standIns.length < wanted) {
      const i = standIns.length;
      const who = STAND_INS[i]!;
      const drawn = createCanvasWebcam(who.hue);
      const s: StandIn = {
        id: `standin-${i}`,
        userId: who.name,
        kind: 'stand-in',
        source: drawn.canvas,
        tile: makeTile(drawn.canvas, who.name),
        drawn,
        tone: createToneTrack(audioContext, who.tone),
      };
      standIns.push(s);
      meter.counter(s.id, drawn.frames);
      els.webcams.append(s.tile);
    }
  }

  function renderStatus(): void {
    const n = remotes.size;
    els.status.textContent = mesh.selfId
      ? `${n} other${n === 1 ? '' : 's'} in the room`
      : 'connecting to the room…';
  }

  /** Webcams in seat order: this page's camera, the others as they joined, the stand-ins. */
  const recordedSeats = (): Seat[] => [
    ...seats,
    ...[...remotes.values()].filter((s) => s.source),
    ...standIns,
  ];
  const size = (s: HTMLCanvasElement | HTMLVideoElement | null) =>
    s instanceof HTMLVideoElement
      ? { width: s.videoWidth, height: s.videoHeight }
      : s
        ? { width: s.width, height: s.height }
        : { width: 0, height: 0 };
  const stageSource = () => (p.presenter ? (shared ?? deck?.canvas ?? null) : remoteStage);

  const channel = new WebSocketRoom({
    url: roomUrl(p, 'recorder'),
    self: { userId: p.userId, role: p.role },
    onStatusChange: (status) => mark(`recorder-channel-${status}`),
  });
  channel.subscribe((message) => mark(`first-${message.kind}`));
  fillSeats();
  renderStatus();
  const timer = setInterval(renderStatus, 1000);
  const closeMedia = () => {
    clearInterval(timer);
    mesh.close();
  };
  // The recorder's channel stays open through pagehide: the recorder tells the room there.
  window.addEventListener('pagehide', closeMedia);
  const leave = () => {
    closeMedia();
    channel.close();
  };

  return {
    channel,
    sources: () => ({
      stage: stageSource(),
      webcams: recordedSeats().map((s): WebcamSource => ({ id: s.id, source: s.source! })),
      audio: [
        ...localAudio,
        ...[...remotes.values()].flatMap((s) => (s.peer.tracks.mic ? [s.peer.tracks.mic] : [])),
        ...standIns.map((s) => s.tone),
      ],
    }),
    onChange: (listener) => void listeners.add(listener),
    leave,
    showOnStage(video) {
      if (!deck) return;
      shared = video;
      els.stage.replaceChildren(video ?? deck.canvas);
      const track =
        video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : null;
      mesh.setStage(track ?? deckTrack);
      changed();
    },
    probe: {
      channel: 'websocket',
      timeline,
      peers: () =>
        mesh.peers().map((peer) => ({
          peerId: peer.peerId,
          userId: peer.userId,
          role: peer.role,
          mobile: peer.mobile ?? false,
          connection: peer.pc.connectionState,
          camera: remotes.get(peer.peerId)?.source != null,
          stage: remotes.get(peer.peerId)?.stageSized ?? false,
        })),
      recorded: () => {
        const stage = stageSource();
        return {
          stage: stage ? size(stage) : null,
          webcams: recordedSeats().map((s): RecordedWebcam => ({
            id: s.id,
            userId: s.userId,
            kind: s.kind,
            ...size(s.source),
          })),
        };
      },
      frames: () => meter.counts(),
    },
  };
}

/** Plays an element the browser would not autoplay with sound, at the first click or tap. */
function waitForGesture(media: HTMLMediaElement): void {
  document.addEventListener('pointerdown', () => void media.play().catch(() => undefined), {
    once: true,
  });
}
