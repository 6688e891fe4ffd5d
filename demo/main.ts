/**
 * The demo room: a stage, webcams with names drawn over them in the page, audio, and
 * `<rr-recorder>`. Who this page is comes from the link (see params.ts). By default the pages
 * of a room meet on the demo's room server and send each other their media over WebRTC, so
 * the host's recorder records remote tracks as in any real room; `?channel=tabs` makes it a
 * room of one browser's tabs instead.
 */
import {
  BrowserRecordingEngine,
  PresignedLibrary,
  createRecorderController,
  noticeText,
  type RecorderController,
  type RrRecorder,
  type RrRecordings,
} from '../src/index.js';
import { renderHealth } from './health.js';
import { linkFor, readParams } from './params.js';
import type { DemoRoom } from './room-view.js';
import { openCamera } from './sources.js';
import { createTabsRoom } from './tabs-room.js';
import { createWebRtcRoom } from './webrtc-room.js';

const p = readParams(location.search);
const storage = { kind: 'presigned', baseUrl: '/api/s3' } as const;

async function main(): Promise<void> {
  const { role, userId, mobile, title, roomId } = p;
  document.getElementById('room-title')!.textContent = title;
  document.getElementById('whoami')!.textContent =
    `${userId} · ${role}${mobile ? ' · mobile' : ''}`;

  // Audio contexts start suspended until the page is used.
  const audioContext = new AudioContext();
  document.addEventListener('pointerdown', () => void audioContext.resume(), { once: true });
  const canRecord = (role === 'host' || role === 'moderator') && !mobile;
  const camera = await openCamera(
    canRecord || p.channel === 'tabs' ? { width: 1280, height: 720 } : { width: 640, height: 360 },
  );
  const els = {
    stage: document.getElementById('stage')!,
    webcams: document.getElementById('webcams')!,
    status: document.getElementById('room-status')!,
  };
  const room: DemoRoom =
    p.channel === 'tabs'
      ? createTabsRoom(p, els, camera, audioContext)
      : createWebRtcRoom(p, els, camera, audioContext);

  // The recorder. The one-tag way is `<rr-recorder>` with attributes and a `storage`
  // property (see examples/plain.html); here the controller is built explicitly to show the
  // npm API and to feed the health panel.
  const recorder = document.createElement('rr-recorder') as RrRecorder;
  const engine = canRecord ? new BrowserRecordingEngine({ storage, roomId }) : null;
  const library = engine?.library ?? new PresignedLibrary({ baseUrl: storage.baseUrl });
  let controller: RecorderController;
  try {
    controller = createRecorderController({
      roomId,
      roomType: 'single',
      userId,
      role,
      mobile,
      meetingTitle: title,
      owners: { mediaOwnerId: userId },
      channel: room.channel,
      engine,
      library,
      sources: () => room.sources(),
      // The link's maxRecordingSec and hostAwaySec (params.ts); absent: the product's limits.
      ...(p.maxRecordingMs !== undefined ? { maxRecordingMs: p.maxRecordingMs } : {}),
      ...(p.hostAwayTimeoutMs !== undefined ? { hostAwayTimeoutMs: p.hostAwayTimeoutMs } : {}),
    });
  } catch (e) {
    // A limit out of range in the link: say which, rather than record with another.
    els.status.textContent = `No recorder: ${(e as Error).message}`;
    throw e;
  }
  // Someone's camera came or went, or the stage changed: recorded from the next frame.
  room.onChange(() => controller.sourcesChanged());
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
    notices.push(noticeText(n));
    if (n.id === 'recording-available') void refresh();
  });

  // Health for the host (X5).
  const health = document.getElementById('health')!;
  health.hidden = !canRecord;
  controller.subscribe((view) => renderHealth(health, view));
  renderHealth(health, controller.view);

  // Another person for this room: in a new tab, or sent to another device.
  const link = document.getElementById('open-participant') as HTMLAnchorElement;
  link.href = linkFor(p, {
    role: 'participant',
    userId: `guest-${Math.floor(Math.random() * 1000)}`,
  });

  // A screen share replaces the slides on the stage, when the browser allows one.
  const share = document.getElementById('share') as HTMLButtonElement;
  // In the WebSocket room the host's page is the one that shows the stage to the others.
  share.hidden =
    !canRecord ||
    (p.channel === 'websocket' && !p.presenter) ||
    !navigator.mediaDevices?.getDisplayMedia;
  share.addEventListener('click', async () => {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const track = stream.getVideoTracks()[0]!;
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      void video.play();
      room.showOnStage(video);
      track.addEventListener('ended', () => room.showOnStage(null));
    } catch (e) {
      console.warn('[demo] screen share refused', e);
    }
  });

  // Leave: a recording made on this page goes on on another host's or moderator's page (X9);
  // when no one can continue it, it goes on here, and stops by itself once no host or
  // moderator has been in the room for the host-away time (B9).
  const leave = document.getElementById('leave') as HTMLButtonElement;
  const goodbye = () => {
    room.leave();
    const back = document.createElement('a');
    back.href = location.href;
    back.textContent = 'Join again';
    const note = document.createElement('p');
    note.append('You left the room. ', back);
    document.body.replaceChildren(note);
  };
  leave.addEventListener('click', async () => {
    leave.disabled = true;
    try {
      await recorder.leaveRoom({ keepRecording: true });
    } catch (e) {
      alert(`Leaving failed: ${(e as Error).message}. The recording goes on on this page.`);
      leave.disabled = false;
      return;
    }
    // Handed over (X9), or nothing was recording here: this page is done.
    if (!controller.view.recordsHere) {
      goodbye();
      return;
    }
    // The room's media and channel stay open for the recording, which this page still makes.
    // Its own line: the room's status goes on counting the others, whose media is still recorded.
    leave.hidden = true;
    const left = document.getElementById('left-note')!;
    left.textContent =
      'You left the room. This page goes on recording until the recording stops: keep it open.';
    left.hidden = false;
    const unsubscribe = controller.subscribe((view) => {
      if (view.recordsHere) return;
      unsubscribe();
      // After the notices of the end, which the controller gives after the view.
      setTimeout(goodbye, 0);
    });
  });

  // For the headless run and the e2e tests.
  const timeline = room.probe.timeline;
  const mark = (event: string) => (timeline[event] ??= Math.round(performance.now()));
  controller.subscribe((view) => view.indicator.shown && mark('indicator-shown'));
  Object.assign(window, { __rr: { controller, recorder, notices, room: room.probe } });
  mark('ready');
  document.body.dataset.ready = 'true';
}

void main();
