import { expect } from '@esm-bundle/chai';
import { ffmpegDecodeErrors, ffmpegFrame, ffprobe, saveFile } from '../helpers.js';
import { computeLayout, type Tile } from '../../../src/media/layout.js';
import { MediaPipeline } from '../../../src/media/pipeline.js';
import type { VisualSource, WebcamSource } from '../../../src/recorder/engine.js';
import {
  at,
  buildFile,
  COLOURS,
  h264Supported,
  MemorySink,
  near,
  pixels,
  stopSynthetic,
  syntheticCanvas,
  toneTrack,
  type Rgb,
} from './fixtures.js';
import type { PipelineHealth } from '../../../src/media/types.js';

const centre = (t: Tile): [number, number] => [
  t.draw.x + t.draw.width / 2,
  t.draw.y + t.draw.height / 2,
];

describe('MediaPipeline: sources changing mid-recording', function () {
  this.timeout(240_000);

  it('a webcam leaving at 2 s and the stage (a track) ending at 3 s change the layout there; the file stays valid', async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    const stageCanvas = syntheticCanvas(1920, 1080, COLOURS.stage);
    const stageTrack = stageCanvas.captureStream(30).getVideoTracks()[0]!;
    const cams: WebcamSource[] = [COLOURS.cam0, COLOURS.cam1, COLOURS.cam2].map((c, i) => ({
      id: `p${i}`,
      source: syntheticCanvas(640, 360, c),
    }));
    const ended: VisualSource[] = [];
    const sink = new MemorySink();
    const pipeline: MediaPipeline = new MediaPipeline({
      sources: { stage: stageTrack, webcams: cams, audio: [] },
      sink,
      audio: false,
      clock: {
        mode: 'deterministic',
        frames: 150,
        beforeFrame: async (n) => {
          if (n === 60)
            pipeline.updateSources({ stage: stageTrack, webcams: cams.slice(0, 2), audio: [] });
          if (n === 90) {
            // The share ends (the page stops its track); the pipeline notices by itself.
            stageTrack.stop();
            await new Promise((r) => setTimeout(r, 100));
          }
        },
      },
      onSourceEnded: (s) => ended.push(s),
    });
    await pipeline.start();
    await pipeline.whenFramesDone();
    const result = await pipeline.stop();
    stopSynthetic();
    expect(ended).to.deep.equal([stageTrack]);

    const { path } = await saveFile('changes.mp4', buildFile(sink, result));
    const probe = await ffprobe(path, ['-count_frames']);
    expect(Math.abs(Number(probe.streams[0]!.nb_read_frames) - 150)).to.be.at.most(3);
    expect(Math.abs(Number(probe.format.duration) - 5)).to.be.at.most(0.1);
    expect(await ffmpegDecodeErrors(path)).to.equal('');

    const cam = { width: 640, height: 360 };
    const phases: Array<{ t: number; stage: boolean; cams: Rgb[] }> = [
      { t: 1.0, stage: true, cams: [COLOURS.cam0, COLOURS.cam1, COLOURS.cam2] },
      { t: 2.5, stage: true, cams: [COLOURS.cam0, COLOURS.cam1] },
      { t: 4.5, stage: false, cams: [COLOURS.cam0, COLOURS.cam1] },
    ];
    for (const phase of phases) {
      const layout = computeLayout({
        stage: phase.stage ? { width: 1920, height: 1080 } : null,
        webcams: phase.cams.map((_, i) => ({ id: `p${i}`, ...cam })),
      });
      const img = await pixels(await ffmpegFrame(path, phase.t));
      if (layout.stage) {
        const [x, y] = centre(layout.stage);
        expect(
          near(at(img, x, y), COLOURS.stage),
          `stage at ${phase.t}s: ${at(img, x, y).join(',')}`,
        ).to.equal(true);
      }
      layout.webcams.forEach((tile, i) => {
        const [x, y] = centre(tile);
        const got = at(img, x, y);
        expect(near(got, phase.cams[i]!), `webcam ${i} at ${phase.t}s: ${got.join(',')}`).to.equal(
          true,
        );
      });
    }
  });
});

describe('MediaPipeline: every source gone mid-recording', function () {
  this.timeout(120_000);

  it('the stage, the webcam and the microphone all end: the recording goes on, black and silent, and the file stays whole', async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    const stageTrack = syntheticCanvas(1920, 1080, COLOURS.stage)
      .captureStream(30)
      .getVideoTracks()[0]!;
    const camTrack = syntheticCanvas(640, 360, COLOURS.cam0).captureStream(30).getVideoTracks()[0]!;
    const tone = toneTrack();
    const ended: VisualSource[] = [];
    const healths: PipelineHealth[] = [];
    const waiters: Array<() => void> = [];
    const sink = new MemorySink();
    const pipeline = new MediaPipeline({
      sources: {
        stage: stageTrack,
        webcams: [{ id: 'cam', source: camTrack }],
        audio: [tone.track],
      },
      sink,
      onSourceEnded: (s) => ended.push(s),
      onHealth: (h) => {
        healths.push(h);
        for (const w of waiters.splice(0)) w();
      },
    });
    const framesAtLeast = async (n: number) => {
      while ((healths.at(-1)?.framesEncoded ?? 0) < n) {
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    await pipeline.start();
    await framesAtLeast(60);
    // The share ends, the camera is unplugged, the microphone is removed: all at once.
    stageTrack.stop();
    camTrack.stop();
    tone.track.stop();
    const endedAt = healths.at(-1)!.framesEncoded;
    await framesAtLeast(endedAt + 90);
    const result = await pipeline.stop();
    await tone.close();
    stopSynthetic();
    expect(ended).to.have.members([stageTrack, camTrack]);

    const { path } = await saveFile('all-gone.mp4', buildFile(sink, result));
    const probe = await ffprobe(path, ['-count_frames']);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    const duration = Number(probe.format.duration);
    console.log(
      `[all-gone] ${duration.toFixed(2)} s, ${video.nb_read_frames} frames, audio ${Number(audio.duration).toFixed(2)} s; sources gone after ${endedAt} frames`,
    );
    // Every tick is in the file or counted as dropped, however fast the machine.
    const { framesEncoded, framesDropped } = result.stats;
    console.log(`[all-gone] ${framesEncoded} frames encoded, ${framesDropped} dropped`);
    expect(Number(video.nb_read_frames)).to.equal(framesEncoded);
    expect(Math.abs(framesEncoded + framesDropped - duration * 30)).to.be.below(30);
    expect(Math.abs(Number(audio.duration) - duration)).to.be.below(0.3);
    expect(await ffmpegDecodeErrors(path)).to.equal('');
    // The stage before its end: frame endedAt - 15 is at least (endedAt - 15) / 30 s into the
    // file (a drop only delays it) and was composed before the tracks ended. Not 0.5 s: under
    // load the stage's first frame can reach the worker after the first composites (black).
    const beforeAt = Math.max(0.5, (endedAt - 15) / 30);
    const before = await pixels(await ffmpegFrame(path, beforeAt));
    const after = await pixels(await ffmpegFrame(path, duration - 0.5));
    expect(near(at(before, 960, 400), COLOURS.stage), `the stage at ${beforeAt} s`).to.equal(true);
    expect(
      near(at(after, 960, 540), [0, 0, 0], 20),
      `black after: ${at(after, 960, 540).join(',')}`,
    ).to.equal(true);
  });
});
