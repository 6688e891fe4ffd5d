import { expect } from '@esm-bundle/chai';

const config: VideoEncoderConfig = {
  codec: 'avc1.640028',
  width: 1920,
  height: 1080,
  bitrate: 6_000_000,
  framerate: 30,
  avc: { format: 'avc' },
  latencyMode: 'realtime',
};

describe('WebCodecs in Debian Chromium', () => {
  it('supports H.264 High 1080p encoding (fails loudly where it is expected)', async () => {
    const support = await VideoEncoder.isConfigSupported(config);
    expect(support.supported, 'VideoEncoder avc1.640028 1920x1080 must be supported').to.equal(
      true,
    );
  });

  it('encodes 30 real 1080p frames into H.264 chunks, the first a keyframe with an avcC description', async () => {
    const chunks: EncodedVideoChunk[] = [];
    let description: AllowSharedBufferSource | undefined;
    const encoder = new VideoEncoder({
      output: (chunk, meta) => {
        chunks.push(chunk);
        if (meta?.decoderConfig?.description) description = meta.decoderConfig.description;
      },
      error: (e) => {
        throw e;
      },
    });
    encoder.configure(config);
    const canvas = new OffscreenCanvas(1920, 1080);
    const ctx = canvas.getContext('2d')!;
    for (let i = 0; i < 30; i++) {
      ctx.fillStyle = `hsl(${i * 12}, 70%, 50%)`;
      ctx.fillRect(0, 0, 1920, 1080);
      ctx.fillStyle = '#fff';
      ctx.fillRect(i * 50, 400, 200, 200);
      const frame = new VideoFrame(canvas, { timestamp: (i * 1_000_000) / 30 });
      encoder.encode(frame, { keyFrame: i === 0 });
      frame.close();
    }
    await encoder.flush();
    encoder.close();
    expect(chunks.length).to.equal(30);
    expect(chunks[0]!.type).to.equal('key');
    // OpenH264 may add a keyframe on a scene change; most frames must still be deltas.
    expect(chunks.filter((c) => c.type === 'delta').length).to.be.greaterThan(24);
    expect(chunks[29]!.timestamp).to.equal(Math.floor((29 * 1_000_000) / 30));
    expect(description, 'avc format yields an avcC description').to.not.equal(undefined);
    const avcc = new Uint8Array(
      description instanceof ArrayBuffer ? description : (description as ArrayBufferView).buffer,
    );
    // avcC: configurationVersion 1, then AVCProfileIndication 100 (High).
    expect(avcc[0]).to.equal(1);
    expect(avcc[1]).to.equal(100);
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    expect(total).to.be.greaterThan(1000);
  });
});
