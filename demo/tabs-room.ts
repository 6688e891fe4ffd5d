/**
 * `?channel=tabs`: the room of one browser. Each tab draws the same stage and four webcams
 * (the camera for this user, animated stand-ins for the others) and hears the others over a
 * BroadcastChannel; no media goes between tabs.
 */
import { BroadcastChannelRoom, type WebcamSource } from '../src/index.js';
import type { DemoParams } from './params.js';
import { FrameMeter, makeTile, playStream, type DemoRoom, type WebcamKind } from './room-view.js';
import { createCanvasWebcam, createSlideDeck, createToneTrack } from './sources.js';

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson'];

export function createTabsRoom(
  p: DemoParams,
  els: { stage: HTMLElement; webcams: HTMLElement },
  camera: MediaStream | null,
  audioContext: AudioContext,
): DemoRoom {
  const deck = createSlideDeck();
  els.stage.prepend(deck.canvas);
  let stage: HTMLCanvasElement | HTMLVideoElement = deck.canvas;
  const meter = new FrameMeter();
  meter.counter('stage', deck.frames);

  const webcams: Array<WebcamSource & { kind: WebcamKind }> = [];
  const audio: MediaStreamTrack[] = [];
  PEOPLE.forEach((name, i) => {
    const id = `cam-${i}`;
    let source: HTMLVideoElement | HTMLCanvasElement;
    let kind: WebcamKind;
    if (i === 0 && camera) {
      source = playStream(camera);
      meter.track(id, camera.getVideoTracks()[0]);
      audio.push(...camera.getAudioTracks());
      kind = 'camera';
    } else {
      const drawn = createCanvasWebcam(40 + i * 80);
      source = drawn.canvas;
      meter.counter(id, drawn.frames);
      audio.push(createToneTrack(audioContext, 220 + i * 110));
      kind = 'stand-in';
    }
    // The name is page UI drawn over the tile: never in the recording (B4).
    els.webcams.append(makeTile(source, i === 0 ? `${name} (${p.userId})` : name));
    webcams.push({ id, source, kind });
  });

  const listeners = new Set<() => void>();
  const size = (s: HTMLCanvasElement | HTMLVideoElement) =>
    s instanceof HTMLVideoElement
      ? { width: s.videoWidth, height: s.videoHeight }
      : { width: s.width, height: s.height };
  const channel = new BroadcastChannelRoom({
    roomId: p.roomId,
    self: { userId: p.userId, role: p.role },
  });
  return {
    channel,
    leave: () => channel.close(),
    sources: () => ({ stage, webcams: webcams.map(({ id, source }) => ({ id, source })), audio }),
    onChange: (listener) => void listeners.add(listener),
    showOnStage(video) {
      stage = video ?? deck.canvas;
      els.stage.replaceChildren(stage);
      for (const l of listeners) l();
    },
    probe: {
      channel: 'tabs',
      peers: () => [],
      recorded: () => ({
        stage: size(stage),
        webcams: webcams.map((w, i) => ({
          id: w.id,
          userId: i === 0 ? p.userId : PEOPLE[i]!,
          kind: w.kind,
          ...size(w.source as HTMLCanvasElement | HTMLVideoElement),
        })),
      }),
      timeline: {},
      frames: () => meter.counts(),
    },
  };
}
