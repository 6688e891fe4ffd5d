/**
 * The MP4 writer and the header rewrite with real WebCodecs packets, judged by ffprobe,
 * ffmpeg and Chromium's <video> served with range support.
 */
import { expect } from '@esm-bundle/chai';
import { ffmpegDecodeErrors, ffprobe, saveFile, throttle } from '../helpers.js';
import { concatBytes } from '../../../src/media/mp4/boxes.js';
import { rewriteHeader } from '../../../src/media/mp4/header-rewrite.js';
import {
  FPS,
  MemorySink,
  closeVideo,
  encode,
  newWriter,
  openVideo,
  seek,
  sidxOf,
} from './mp4-fixture.js';

describe('Mp4FragmentWriter with WebCodecs packets', function () {
  this.timeout(300_000);

  afterEach(async () => {
    await throttle(null);
  });

  it('writes a 6-s 1080p H.264 + audio file that ffprobe, ffmpeg and <video> accept, with its true duration', async () => {
    const enc = await encode(6);
    const sink = new MemorySink();
    const writer = newWriter(sink, enc.audioCodec);
    // Interleaved as an encoder pair would deliver them: by timestamp.
    const all = [
      ...enc.video.map((v) => ({
        t: v.chunk.timestamp,
        add: () => writer.addVideoChunk(v.chunk, v.meta),
      })),
      ...enc.audio.map((a) => ({
        t: a.chunk.timestamp,
        add: () => writer.addAudioChunk(a.chunk, a.meta),
      })),
    ].sort((a, b) => a.t - b.t);
    await Promise.all(all.map((x) => x.add()));
    const result = await writer.finish();

    expect(enc.video.length).to.equal(180);
    expect(result.fragments.length).to.be.within(3, 4);
    expect(result.fragments.every((f) => f.startsWithKeyframe)).to.equal(true);
    expect(result.fragments[0]!.offset).to.equal(sink.header!.length);

    const header = rewriteHeader(result.header, result.fragments, {
      streamBytes: result.bytesWritten,
    });
    const file = concatBytes([header, ...sink.fragments.map((f) => f.bytes)]);
    const saved = await saveFile('mp4-writer-6s.mp4', file);

    // What a player gets over HTTP is byte-for-byte the rewritten header and the sink's fragments.
    const served = new Uint8Array(await (await fetch(saved.url)).arrayBuffer());
    expect(served.length).to.equal(file.length);
    expect(served.length).to.equal(result.bytesWritten - result.header.length + header.length);
    let same = true;
    for (let i = 0; i < file.length; i++)
      if (served[i] !== file[i]) ((same = false), (i = file.length));
    expect(same, 'served bytes equal header + fragments').to.equal(true);

    const sidx = sidxOf(header);
    expect(sidx.isLast).to.equal(true);
    expect(sidx.timescale).to.equal(FPS);
    expect(sidx.sizes).to.deep.equal(sink.fragments.map((f) => f.bytes.length));
    expect(sidx.sizes.reduce((n, s) => n + s, 0)).to.equal(file.length - header.length);

    const probe = await ffprobe(saved.path, ['-count_frames']);
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    const a = probe.streams.find((s) => s.codec_type === 'audio')!;
    expect(v.codec_name).to.equal('h264');
    expect(v.profile).to.equal('High');
    expect([v.width, v.height]).to.deep.equal([1920, 1080]);
    expect(v.r_frame_rate).to.equal('30/1');
    expect(Number(v.nb_read_frames)).to.equal(180);
    expect(a.codec_name).to.equal(enc.audioCodec);
    expect(Number(probe.format.duration)).to.be.closeTo(6, 0.1);
    expect(await ffmpegDecodeErrors(saved.path)).to.equal('');

    const { video, loaded, duration } = await openVideo(saved.url, 10_000);
    expect(loaded, 'loadedmetadata').to.equal(true);
    expect(duration).to.be.closeTo(6, 0.1);
    await seek(video, 4);
    expect(video.currentTime).to.be.closeTo(4, 0.5);
    closeVideo(video);
  });
});
