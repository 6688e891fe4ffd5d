import { expect } from '@esm-bundle/chai';
import { ffmpegDecodeErrors, ffmpegFrame, ffprobe, saveFile } from '../helpers.js';
import { MediaPipeline, type PipelineStats } from '../../../src/media/pipeline.js';
import {
  audioCaughtUp,
  audioRms,
  buildFile,
  COLOURS,
  countNear,
  h264Supported,
  LABEL_RGB,
  MemorySink,
  pixels,
  playIn,
  sidxSizes,
  stopSynthetic,
  syntheticCanvas,
  toneTrack,
  topBoxes,
  webcamTile,
} from './fixtures.js';

describe('MediaPipeline: 5 s of a room (deterministic clock)', function () {
  this.timeout(240_000);
  let file: Uint8Array;
  let path: string;
  let url: string;
  let sink: MemorySink;
  let audio: MediaPipeline['audio'];
  let stats: PipelineStats;
  let healths = 0;

  let driftMs = -Infinity;
  before(async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    const stage = syntheticCanvas(1920, 1080, COLOURS.stage);
    const cams = [COLOURS.cam0, COLOURS.cam1, COLOURS.cam2].map((c) =>
      syntheticCanvas(640, 360, c),
    );
    cams.forEach((c, i) => webcamTile(c, `Participant ${i}`));
    const tone = toneTrack();
    sink = new MemorySink();
    const pipeline = new MediaPipeline({
      sources: {
        stage,
        webcams: cams.map((source, i) => ({ id: `p${i}`, source })),
        audio: [tone.track],
      },
      sink,
      clock: { mode: 'deterministic', frames: 150 },
      onHealth: (health) => {
        healths++;
        driftMs = health.avDriftMs;
      },
    });
    await tone.sounding;
    await pipeline.start();
    audio = pipeline.audio;
    await pipeline.whenFramesDone();
    // Only a report from now on counts: the last frames are out by then.
    driftMs = -Infinity;
    await audioCaughtUp(() => driftMs);
    const result = await pipeline.stop();
    await tone.close();
    stopSynthetic();
    stats = result.stats;
    expect(result.stats.framesComposed).to.equal(150);
    file = buildFile(sink, result);
    ({ path, url } = await saveFile('room-5s.mp4', file));
  });

  it('is H.264 High 1920x1080 at 30 fps with 150 frames (within 2 %)', async () => {
    const probe = await ffprobe(path, ['-count_frames']);
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(v.codec_name).to.equal('h264');
    expect(v.profile).to.equal('High');
    expect([v.width, v.height]).to.deep.equal([1920, 1080]);
    const [num, den] = v.r_frame_rate!.split('/').map(Number);
    expect(Math.abs(num! / den! - 30)).to.be.at.most(1);
    expect(Math.abs(Number(v.nb_read_frames) - 150)).to.be.at.most(3);
    expect(await ffmpegDecodeErrors(path)).to.equal('');
  });

  it('has an AAC-LC 48 kHz stereo track (the WASM encoder where the browser has none), not silent', async () => {
    // Debian's Chromium has no AAC encoder of its own: the WASM one makes it (X12).
    expect(audio).to.deep.equal({ codec: 'aac', encoder: 'wasm-aac' });
    expect([stats.audioCodec, stats.audioEncoder]).to.deep.equal(['aac', 'wasm-aac']);
    const probe = await ffprobe(path);
    const a = probe.streams.find((s) => s.codec_type === 'audio');
    expect(a?.codec_name).to.equal('aac');
    expect(a?.profile).to.equal('LC');
    expect(a?.sample_rate).to.equal('48000');
    expect(a?.channels).to.equal(2);
    const { rms, seconds } = await audioRms(file);
    expect(seconds).to.be.greaterThan(1);
    // A 0.5-amplitude sine has an RMS of 0.35; silence is 0.
    expect(rms).to.be.greaterThan(0.05);
  });

  it('shows a duration of 5 s in ffprobe and in <video>, and seeks to 4 s', async () => {
    const probe = await ffprobe(path);
    expect(Math.abs(Number(probe.format.duration) - 5)).to.be.at.most(0.1);
    const played = await playIn(url, 4);
    expect(Math.abs(played.duration - 5)).to.be.at.most(0.1);
    expect(Math.abs(played.landed - 4)).to.be.at.most(0.5);
  });

  it('has a sidx right after the header covering every fragment', () => {
    const boxes = topBoxes(file).map((b) => b.type);
    expect(boxes.slice(0, 4)).to.deep.equal(['ftyp', 'moov', 'sidx', 'moof']);
    const sizes = sidxSizes(file);
    const fragBytes = sink.fragments.reduce((n, f) => n + f.bytes.length, 0);
    expect(sink.fragments.length).to.be.at.least(2);
    expect(sizes.length).to.be.at.least(sink.fragments.length - 1);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(fragBytes);
  });

  it('hands the sink one header and every fragment in order, contiguous', () => {
    expect(sink.headerWrites).to.equal(1);
    let offset = sink.header!.length;
    sink.fragments.forEach((f, i) => {
      expect(f.index).to.equal(i);
      expect(f.offset).to.equal(offset);
      offset += f.bytes.length;
    });
  });

  it('never records the names drawn over the webcams (B4)', async () => {
    for (const t of [0.5, 2.5, 4.5]) {
      const img = await pixels(await ffmpegFrame(path, t));
      expect(img.width).to.equal(1920);
      // The sources are there (the detector sees colours)...
      expect(countNear(img, COLOURS.stage), `stage at ${t}s`).to.be.greaterThan(100_000);
      expect(countNear(img, COLOURS.cam1), `webcam at ${t}s`).to.be.greaterThan(10_000);
      // ...and the label colour, covering each tile in the page, is nowhere.
      expect(countNear(img, LABEL_RGB), `label colour at ${t}s`).to.equal(0);
    }
  });

  it('reported health while recording', () => {
    expect(healths).to.be.greaterThan(0);
  });
});
