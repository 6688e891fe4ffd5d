/**
 * What the demo page needs of a room, whichever way its pages talk (the WebSocket room with
 * WebRTC media, or tabs of one browser), and the pieces both build on: a tile with a name
 * over it, and a meter of each source's frames.
 */
import type { RecordingSources, Role, RoomChannel } from '../src/index.js';

/** What a recorded webcam is, for the tests and the headless run. */
export type WebcamKind = 'camera' | 'remote' | 'stand-in';

export interface RecordedWebcam {
  id: string;
  userId: string;
  kind: WebcamKind;
  width: number;
  height: number;
}

export interface PeerView {
  peerId: string;
  userId: string;
  role: Role;
  mobile: boolean;
  /** The RTCPeerConnection's state. */
  connection: RTCPeerConnectionState;
  /** Its camera's picture has arrived. */
  camera: boolean;
  /** It shows a stage to the room. */
  stage: boolean;
}

/**
 * Frames each source delivered so far, by webcam id (and `stage`): a camera's track, a remote
 * camera's decoder, a drawn canvas's draws.
 */
export interface FrameCounts {
  [id: string]: number;
}

/** What the tests and the headless run read of the room (`window.__rr.room`). */
export interface RoomProbe {
  channel: 'websocket' | 'tabs';
  peers(): PeerView[];
  /** What the recorder is given now, with the sizes it lays out. */
  recorded(): { stage: { width: number; height: number } | null; webcams: RecordedWebcam[] };
  frames(): Promise<FrameCounts>;
  /** When things first happened, in ms since the page started loading (`performance.now()`). */
  timeline: Record<string, number>;
}

export interface DemoRoom {
  readonly channel: RoomChannel;
  /** What to record now. */
  sources(): RecordingSources;
  /** Calls `listener` whenever the sources change (someone's camera came or went). */
  onChange(listener: () => void): void;
  /** Puts a screen share on the stage (the presenter's page); null: the slides again. */
  showOnStage(video: HTMLVideoElement | null): void;
  /** This page leaves: its media and its room connection close, the others see it go. */
  leave(): void;
  readonly probe: RoomProbe;
}

/** A webcam tile: the picture, and the name drawn over it as page UI (never recorded, B4). */
export function makeTile(picture: HTMLElement, name: string): HTMLElement {
  const tile = document.createElement('figure');
  tile.className = 'tile';
  tile.append(picture);
  const label = document.createElement('figcaption');
  label.className = 'name';
  label.textContent = name;
  tile.append(label);
  return tile;
}

/** A muted, inline `<video>` playing a stream. */
export function playStream(stream: MediaStream): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  video.srcObject = stream;
  void video.play().catch(() => undefined);
  return video;
}

/** Resolves once a video knows its picture's size. */
export function whenSized(video: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => {
    if (video.videoWidth > 0) return resolve();
    const check = () => {
      if (video.videoWidth > 0) {
        video.removeEventListener('resize', check);
        video.removeEventListener('loadedmetadata', check);
        resolve();
      }
    };
    video.addEventListener('resize', check);
    video.addEventListener('loadedmetadata', check);
  });
}

/**
 * Counts each source's frames without touching the page's rendering: a camera by its track's
 * delivered frames, a remote camera by its WebRTC receiver's decoded frames, a drawn canvas by
 * its own count. (Counting presented frames with `requestVideoFrameCallback` would make the
 * page render every video frame on its main thread, which the recorder needs for itself.)
 */
export class FrameMeter {
  readonly #counters = new Map<string, () => number | Promise<number>>();

  /** A camera track's delivered frames, where the browser counts them (`track.stats`). */
  track(id: string, track: MediaStreamTrack | undefined): void {
    const stats = () =>
      (track as (MediaStreamTrack & { stats?: { deliveredFrames: number } }) | undefined)?.stats;
    if (stats()) this.#counters.set(id, () => stats()!.deliveredFrames);
  }

  /** Frames a WebRTC receiver decoded. */
  receiver(id: string, receiver: RTCRtpReceiver): void {
    this.#counters.set(id, async () => {
      let decoded = 0;
      (await receiver.getStats()).forEach((s: { type: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp' && typeof s.framesDecoded === 'number')
          decoded = s.framesDecoded;
      });
      return decoded;
    });
  }

  counter(id: string, frames: () => number): void {
    this.#counters.set(id, frames);
  }

  remove(id: string): void {
    this.#counters.delete(id);
  }

  async counts(): Promise<FrameCounts> {
    const out: FrameCounts = {};
    for (const [id, frames] of this.#counters) out[id] = await frames();
    return out;
  }
}
