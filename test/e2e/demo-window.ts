/** What the demo page exposes to the tests and the headless run (`window.__rr`, demo/main.ts). */

export interface RecordedWebcam {
  id: string;
  userId: string;
  kind: 'camera' | 'remote' | 'stand-in';
  width: number;
  height: number;
}

declare global {
  interface Window {
    __rr: {
      controller: {
        view: {
          phase: string;
          startedAtMonotonic: number | null;
          lastRecording: {
            recordingId: string;
            url: string;
            objectKey: string;
            durationSec: number;
            framesEncoded?: number;
            framesDropped?: number;
          } | null;
          canStart: { ok: boolean; reason?: string };
          preflight: { ok: boolean; problems: string[] } | null;
          health: {
            framesEncoded: number;
            bytesWritten: number;
            fps: number;
            encoderQueue: number;
            framesDropped: number;
          } | null;
          indicator: { shown: boolean; stop: boolean };
        };
        monotonicNow(): number;
        requestStart(): { ok: boolean; reason?: string };
        confirmStart(): Promise<{ ok: boolean; reason?: string }>;
        requestStop(): { ok: boolean; reason?: string };
        confirmStop(): Promise<{ ok: boolean; reason?: string }>;
      };
      notices: string[];
      room: {
        channel: 'websocket' | 'tabs';
        peers(): Array<{ peerId: string; userId: string; camera: boolean; connection: string }>;
        recorded(): {
          stage: { width: number; height: number } | null;
          webcams: RecordedWebcam[];
        };
        timeline: Record<string, number>;
      };
    };
  }
}
