/**
 * The demo room: a stage, four webcams with names drawn over them in the page, audio, and
 * `<rr-recorder>`. The role and user come from the URL:
 * `?role=host|moderator|participant&user=ID&mobile=1&title=...&room=...`.
 */
import {
  BroadcastChannelRoom,
  BrowserRecordingEngine,
  PresignedLibrary,
  RR_STRINGS,
  interpolate,
  createRecorderController,
  type RecorderController,
  type RrRecorder,
  type RrRecordings,
  type Role,
  type WebcamSource,
} from '../src/index.js';
import { renderHealth } from './health.js';
import { createCanvasWebcam, createSlideDeck, createToneTrack, openCamera } from './sources.js';

const params = new URLSearchParams(location.search);
const role = (
  ['host', 'moderator', 'participant'].includes(params.get('role') ?? '')
    ? params.get('role')
    : 'participant'
) as Role;
const userId = params.get('user') ?? `${role}-1`;
const mobile = params.get('mobile') === '1';
const title = params.get('title') ?? 'Weekly class';
const roomId = params.get('room') ?? 'demo-room';
const storage = { kind: 'presigned', baseUrl: '/api/s3' } as const;

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson'];

async function main(): Promise<void> {
  document.getElementById('room-title')!.textContent = title;
  document.getElementById('whoami')!.textContent =
    `${userId} · ${role}${mobile ? ' · mobile' : ''}`;

  // The stage: a slide deck on a canvas.
  const deck = createSlideDeck();
  const stageBox = document.getElementById('stage')!;
  stageBox.prepend(deck.canvas);

  // Webcams: the camera (fake in tests) for this user, animated canvases for the others.
  const audioContext = new AudioContext();
  const camera = await openCamera();
  const tiles = document.getElementById('webcams')!;
  const webcams: WebcamSource[] = [];
  const audio: MediaStreamTrack[] = [];
  PEOPLE.forEach((name, i) => {
    let source: HTMLVideoElement | HTMLCanvasElement;
    if (i === 0 && camera) {
      const video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.srcObject = camera;
      void video.play();
      source = video;
      audio.push(...camera.getAudioTracks());
    } else {
      source = createCanvasWebcam(40 + i * 80).canvas;
      audio.push(createToneTrack(audioContext, 220 + i * 110));
    }
    const tile = document.createElement('figure');
    tile.className = 'tile';
    tile.append(source);
    // The name is page UI drawn over the tile: never in the recording (B4).
    const label = document.createElement('figcaption');
    label.className = 'name';
    label.textContent = i === 0 ? `${name} (${userId})` : name;
    tile.append(label);
    tiles.append(tile);
    webcams.push({ id: `cam-${i}`, source });
  });
  // Audio contexts start suspended until the page is used.
  document.addEventListener('pointerdown', () => void audioContext.resume(), { once: true });

  // The recorder. The one-tag way is `<rr-recorder>` with attributes and a `storage`
  // property (see examples/plain.html); here the controller is built explicitly to show the
  // npm API and to feed the health panel.
  const recorder = document.createElement('rr-recorder') as RrRecorder;
  const channel = new BroadcastChannelRoom({ roomId, self: { userId, role } });
  const canRecord = (role === 'host' || role === 'moderator') && !mobile;
  const engine = canRecord ? new BrowserRecordingEngine({ storage, roomId }) : null;
  const library = engine?.library ?? new PresignedLibrary({ baseUrl: storage.baseUrl });
  const controller: RecorderController = createRecorderController({
    roomId,
    roomType: 'single',
    userId,
    role,
    mobile,
    meetingTitle: title,
    owners: { mediaOwnerId: userId },
    channel,
    engine,
    library,
    sources: () => ({ stage: deck.canvas, webcams, audio }),
  });
  recorder.controller = controller;
  document.getElementById('toolbar')!.append(recorder);

  // The Recordings panel: the room's folder with playback (B12, B13).
  const panel = document.getElementById('recordings') as RrRecordings;
  panel.resolveLink = (entry, purpose) => controller.linkTo(entry, purpose);
  const refresh = async () => {
    panel.state = 'loading';
    try {
      panel.entries = await controller.listRecordings();
      panel.state = 'ready';
    } catch (e) {
      console.warn('[demo] listing recordings failed', e);
      panel.state = 'error';
    }
  };
  panel.addEventListener('rr-recordings-retry', () => void refresh());
  void refresh();
  // The notices as shown, in order (the headless run reports them).
  const notices: string[] = [];
  controller.onNotice((n) => {
    notices.push(interpolate(RR_STRINGS[`notice.${n.id}`], n.params ?? {}));
    if (n.id === 'recording-available') void refresh();
  });

  // Health for the host (X5).
  const health = document.getElementById('health')!;
  health.hidden = !canRecord;
  controller.subscribe((view) => renderHealth(health, view));
  renderHealth(health, controller.view);

  // A participant view in another tab hears this one through the BroadcastChannel.
  const link = document.getElementById('open-participant') as HTMLAnchorElement;
  link.href = `?role=participant&user=guest-${Math.floor(Math.random() * 1000)}&room=${encodeURIComponent(roomId)}&title=${encodeURIComponent(title)}`;

  // A screen share replaces the slides on the stage, when the browser allows one.
  const share = document.getElementById('share') as HTMLButtonElement;
  share.hidden = !canRecord || !navigator.mediaDevices?.getDisplayMedia;
  share.addEventListener('click', async () => {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = stream.getVideoTracks()[0]!;
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      void video.play();
      stageBox.replaceChildren(video);
      controller.sourcesChanged();
      track.addEventListener('ended', () => {
        stageBox.replaceChildren(deck.canvas);
        controller.sourcesChanged();
      });
    } catch (e) {
      console.warn('[demo] screen share refused', e);
    }
  });

  // For the headless run and the e2e tests.
  Object.assign(window, { __rr: { controller, recorder, notices } });
  document.body.dataset.ready = 'true';
}

void main();
