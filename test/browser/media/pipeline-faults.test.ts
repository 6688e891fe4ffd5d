import { expect } from '@esm-bundle/chai';
import { ffmpegDecodeErrors, ffmpegFrame, ffprobe, saveFile } from '../helpers.js';
import { PipelineError } from '../../../src/media/errors.js';
import { MediaPipeline } from '../../../src/media/pipeline.js';
import type { Fragment, PipelineHealth } from '../../../src/media/types.js';
import {
  at,
  buildFile,
  COLOURS,
  h264Supported,
  MemorySink,
  near,
  pixels,
  playIn,
  stopSynthetic,
  syntheticCanvas,
  toneTrack,
} from './fixtures.js';

async function rejection(p: Promise<unknown>): Promise<PipelineError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(PipelineError);
    return e as PipelineError;
  }
  throw new Error('expected a rejection');
}

describe('MediaPipeline: bad input and failures', function () {
  this.timeout(240_000);
  before(async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
  });
  afterEach(() => stopSynthetic());

  it('refuses to start with no sources at all', async () => {
    const sink = new MemorySink();
    const p = new MediaPipeline({ sources: { stage: null, webcams: [], audio: [] }, sink });
    const e = await rejection(p.start());
    expect(e.code).to.equal('no-sources');
    expect(e.message).to.match(/no stage, no webcam and no audio/);
    expect(sink.header).to.equal(null);
  });

  it('refuses an unsupported codec config with a clear error', async () => {
    const stage = syntheticCanvas(320, 180, COLOURS.stage);
    for (const video of [{ codec: 'avc1.FFFFFF' }, { width: 100_000, height: 100_000 }]) {
      const p = new MediaPipeline({
        sources: { stage, webcams: [], audio: [] },
        sink: new MemorySink(),
        video,
        audio: false,
      });
      const e = await rejection(p.start());
      expect(e.code).to.equal('unsupported-video-config');
      expect(e.message).to.match(/avc1|100000/);
    }
  });

  it('with audio but no picture, records black frames and the audio (documented fallback)', async () => {
    const tone = toneTrack();
    const sink = new MemorySink();
    const p = new MediaPipeline({
      sources: { stage: null, webcams: [], audio: [tone.track] },
      sink,
      clock: { mode: 'deterministic', frames: 30 },
    });
    await p.start();
    await p.whenFramesDone();
    const result = await p.stop();
    await tone.close();
    const { path } = await saveFile('audio-only.mp4', buildFile(sink, result));
    const probe = await ffprobe(path, ['-count_frames']);
    expect(probe.streams.map((s) => s.codec_type).sort()).to.deep.equal(['audio', 'video']);
    expect(probe.streams.find((s) => s.codec_type === 'video')!.nb_read_frames).to.equal('30');
    const img = await pixels(await ffmpegFrame(path, 0.5));
    expect(near(at(img, 960, 540), [0, 0, 0], 20)).to.equal(true);
  });

  it('leaves a zero-size source out of the layout and records the rest', async () => {
    const stage = syntheticCanvas(1920, 1080, COLOURS.stage);
    const empty = document.createElement('canvas');
    empty.width = 0;
    empty.height = 0;
    const sink = new MemorySink();
    const p = new MediaPipeline({
      sources: { stage, webcams: [{ id: 'empty', source: empty }], audio: [] },
      sink,
      audio: false,
      clock: { mode: 'deterministic', frames: 30 },
    });
    await p.start();
    await p.whenFramesDone();
    const result = await p.stop();
    const { path } = await saveFile('zero-size.mp4', buildFile(sink, result));
    const probe = await ffprobe(path, ['-count_frames']);
    expect(probe.streams[0]!.nb_read_frames).to.equal('30');
    // With the empty webcam left out, the stage fills the whole frame, right edge included.
    const img = await pixels(await ffmpegFrame(path, 0.5));
    expect(near(at(img, 1800, 540), COLOURS.stage)).to.equal(true);
  });

  it('an encoder error mid-stream ends the recording with a clear fault; what was written plays', async () => {
    const stage = syntheticCanvas(1920, 1080, COLOURS.stage);
    const tone = toneTrack();
    const sink = new MemorySink();
    const faults: PipelineError[] = [];
    let faulted!: () => void;
    const fault = new Promise<void>((resolve) => (faulted = resolve));
    const p = new MediaPipeline({
      sources: { stage, webcams: [], audio: [tone.track] },
      sink,
      clock: { mode: 'deterministic', frames: 150 },
      faults: { videoEncoderErrorAtFrame: 75 },
      onFault: (e, fatal) => {
        if (!fatal) return;
        faults.push(e);
        faulted();
      },
    });
    await p.start();
    await fault;
    const result = await p.stop().catch((e: Error) => {
      throw new Error(`stop() must resolve with what was written, not fail with: ${e.message}`);
    });
    await tone.close();
    expect(faults.map((f) => f.code)).to.deep.equal(['video-encoder-error']);
    expect(faults[0]!.message).to.match(/video encoder/);
    expect(result.fragments.length).to.be.at.least(1);
    const file = buildFile(sink, result);
    const { path, url } = await saveFile('encoder-error.mp4', file);
    const probe = await ffprobe(path, ['-count_frames']);
    const duration = Number(probe.format.duration);
    // The frames before the fault (75 given to the encoder, some lost in it), not one after.
    const frames = Number(probe.streams.find((s) => s.codec_type === 'video')!.nb_read_frames);
    expect(frames).to.be.within(45, 75);
    expect(duration).to.be.within(1.5, 5);
    expect(await ffmpegDecodeErrors(path)).to.equal('');
    const played = await playIn(url, 1);
    expect(Math.abs(played.duration - duration)).to.be.at.most(0.1);
  });

  it('a failing sink ends the recording with a writer error, and the sink keeps what it had', async () => {
    const stage = syntheticCanvas(1920, 1080, COLOURS.stage);
    class FailingSink extends MemorySink {
      override async writeFragment(fragment: Fragment): Promise<void> {
        if (fragment.index === 1) throw new Error('disk full');
        return super.writeFragment(fragment);
      }
    }
    const sink = new FailingSink();
    const faults: PipelineError[] = [];
    let faulted!: () => void;
    const fault = new Promise<void>((resolve) => (faulted = resolve));
    const p = new MediaPipeline({
      sources: { stage, webcams: [], audio: [] },
      sink,
      audio: false,
      clock: { mode: 'deterministic', frames: 150 },
      onFault: (e) => {
        faults.push(e);
        faulted();
      },
    });
    await p.start();
    await fault;
    const e = await rejection(p.stop());
    expect(e.code).to.equal('writer-error');
    expect(e.message).to.match(/disk full/);
    expect(faults.map((f) => f.code)).to.include('writer-error');
    // What the sink had before the failure: the header and the first fragment.
    expect(sink.header).to.not.equal(null);
    expect(sink.fragments.map((f) => f.index)).to.deep.equal([0]);
  });

  it('records in real time (a recording happens at all)', async () => {
    const stage = syntheticCanvas(1920, 1080, COLOURS.stage);
    const cam = syntheticCanvas(640, 360, COLOURS.cam0);
    const tone = toneTrack();
    const sink = new MemorySink();
    const healths: PipelineHealth[] = [];
    const p = new MediaPipeline({
      sources: { stage, webcams: [{ id: 'a', source: cam }], audio: [tone.track] },
      sink,
      onHealth: (h) => healths.push(h),
    });
    await p.start();
    await new Promise((r) => setTimeout(r, 3000));
    const result = await p.stop();
    await tone.close();
    expect(result.stats.framesEncoded).to.be.greaterThan(10);
    expect(healths.length).to.be.at.least(1);
    const { path } = await saveFile('realtime.mp4', buildFile(sink, result));
    const probe = await ffprobe(path);
    expect(Number(probe.format.duration)).to.be.greaterThan(1);
    expect(probe.streams.map((s) => s.codec_type).sort()).to.deep.equal(['audio', 'video']);
  });
});
