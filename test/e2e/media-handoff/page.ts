// The page that makes the continued file in Chromium for handoff.test.ts: the same two
// recordings as the browser test's (test/browser/media/handoff-fixture.ts), handed to Node.
import { FIRST, recordHandoff, SECOND } from '../../browser/media/handoff-fixture.js';

/**
 * What the page hands back: the file (base64), where its parts meet (seconds), and the stage
 * colour of each recording.
 */
export interface MadeHandoff {
  base64: string;
  switchSec: number;
  resumeSec: number;
  durationSec: number;
  first: readonly number[];
  second: readonly number[];
}

declare global {
  interface Window {
    makeHandoff(): Promise<MadeHandoff>;
  }
}

window.makeHandoff = async () => {
  const h = await recordHandoff();
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('reading the file failed'));
    reader.readAsDataURL(new Blob([h.file as BlobPart]));
  });
  return {
    base64: url.slice(url.indexOf(',') + 1),
    switchSec: h.switchSec,
    resumeSec: h.resumeSec,
    durationSec: h.durationSec,
    first: FIRST.colour,
    second: SECOND.colour,
  };
};
