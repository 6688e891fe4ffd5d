import { expect } from '@esm-bundle/chai';
import { ffmpegDecodeErrors, ffprobe, saveFile } from '../helpers.js';
import {
  openAudioEncoder,
  type RecordingAudioEncoder,
  type WasmAacModule,
} from '../../../src/media/audio-encoder.js';
import { audioChoices, DEFAULT_AUDIO } from '../../../src/media/encoder-config.js';
import type { PipelineError } from '../../../src/media/errors.js';
import { MediaPipeline } from '../../../src/media/pipeline.js';
import {
  buildFile,
  COLOURS,
  MemorySink,
  stopSynthetic,
  syntheticCanvas,
  toneTrack,
} from './fixtures.js';

const RATE = DEFAULT_AUDIO.sampleRate;
const CHANNELS = DEFAULT_AUDIO.numberOfChannels;
/** 10 ms, the size of the chunks the mix delivers. */
const CHUNK = 480;

/** `frames` samples from sample `start` of a signal that is silent before `onset`, then a 1 kHz tone. */
function chunkAt(start: number, frames: number, onset: number): AudioData {
  const data = new Float32Array(frames * CHANNELS);
  for (let ch = 0; ch < CHANNELS; ch++) {
    for (let i = 0; i < frames; i++) {
      const n = start + i;
      data[ch * frames + i] = n < onset ? 0 : 0.5 * Math.sin((2 * Math.PI * 1000 * n) / RATE);
    }
  }
  return new AudioData({
    format: 'f32-planar',
    sampleRate: RATE,
    numberOfChannels: CHANNELS,
    numberOfFrames: frames,
    timestamp: Math.round((start / RATE) * 1e6),
    data,
  });
}

interface Encoded {
  chunks: EncodedAudioChunk[];
  config: AudioDecoderConfig | null;
  encoder: RecordingAudioEncoder;
  /** Wall ms from the first encode() to flush() resolving. */
  ms: number;
}

/** Encodes `seconds` of the signal with the first encoder of `kinds` that opens. */
async function encode(
  kinds: string[],
  seconds: number,
  onsetSample: number,
  load?: () => Promise<WasmAacModule>,
): Promise<Encoded> {
  const chunks: EncodedAudioChunk[] = [];
  let config: AudioDecoderConfig | null = null;
  const errors: Error[] = [];
  const choices = (await audioChoices(DEFAULT_AUDIO)).filter((c) => kinds.includes(c.kind));
  const { encoder } = await openAudioEncoder(
    choices,
    {
      output: (chunk, meta) => {
        chunks.push(chunk);
        if (meta?.decoderConfig && !config) config = meta.decoderConfig;
      },
      error: (e) => errors.push(e),
    },
    load,
  );
  expect(encoder, `one of ${kinds.join(', ')} opens`).to.not.equal(null);
  const total = Math.round(seconds * RATE);
  // Made before the clock starts: the figure is the encoder's alone.
  const input: AudioData[] = [];
  for (let start = 0; start < total; start += CHUNK) input.push(chunkAt(start, CHUNK, onsetSample));
  const t0 = performance.now();
  for (const data of input) {
    encoder!.encode(data);
    data.close();
    // As the recording does: past its queue limit it waits (here) instead of dropping.
    while (encoder!.queueSize > 50) await new Promise((r) => setTimeout(r, 1));
  }
  await encoder!.flush();
  const ms = performance.now() - t0;
  encoder!.close();
  expect(errors).to.deep.equal([]);
  return { chunks, config, encoder: encoder!, ms };
}

/** Decodes the packets and returns where the sound starts, in seconds. */
async function onsetOf(chunks: EncodedAudioChunk[], config: AudioDecoderConfig): Promise<number> {
  let onset = Infinity;
  const decoder = new AudioDecoder({
    output: (data) => {
      const plane = new Float32Array(data.numberOfFrames);
      data.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
      const i = plane.findIndex((v) => Math.abs(v) > 0.1);
      if (i >= 0) onset = Math.min(onset, data.timestamp / 1e6 + i / data.sampleRate);
      data.close();
    },
    error: (e) => {
      throw e;
    },
  });
  decoder.configure(config);
  for (const c of chunks) decoder.decode(c);
  await decoder.flush();
  decoder.close();
  return onset;
}

describe('audio encoders: AAC-LC in every browser', function () {
  this.timeout(120_000);

  it('offers the WASM AAC first where the browser has no AAC encoder, then Opus', async () => {
    const kinds = (await audioChoices(DEFAULT_AUDIO)).map((c) => c.kind);
    // Debian's Chromium encodes Opus but not AAC.
    expect(kinds).to.deep.equal(['wasm-aac', 'opus']);
  });

  it('WASM AAC: a sound at 0.5 s decodes at 0.5 s (the encoder delay is taken out)', async () => {
    const { chunks, config, encoder } = await encode(['wasm-aac'], 1, RATE / 2);
    expect(encoder.kind).to.equal('wasm-aac');
    expect(config?.codec).to.equal('mp4a.40.2');
    expect(chunks[0]!.timestamp).to.equal(0);
    const onset = await onsetOf(chunks, config!);
    // Uncorrected, FFmpeg's 1024-sample delay puts it 21 ms late; AAC's pre-echo may show a
    // few samples early.
    expect(Math.abs(onset - 0.5), `onset at ${onset} s`).to.be.below(0.005);
  });

  it('WASM AAC: 60 s of audio in contiguous packets, and what it costs against Opus', async () => {
    const aac = await encode(['wasm-aac'], 60, 0);
    const opus = await encode(['opus'], 60, 0);
    const frameUs = (1024 / RATE) * 1e6;
    expect(aac.chunks.length).to.be.within(Math.floor((60 * RATE) / 1024), (60 * RATE) / 1024 + 3);
    aac.chunks.forEach((c, i) => {
      expect(Math.abs(c.timestamp - i * frameUs), `packet ${i}`).to.be.at.most(1);
    });
    // A figure, not a pass mark: how many times faster than real time each encodes here.
    console.log(
      `[audio cost] 60 s of 48 kHz stereo at 128 kb/s: WASM AAC ${aac.ms.toFixed(0)} ms ` +
        `(${((60 * 1000) / aac.ms).toFixed(0)}x real time, ${(((aac.ms / 60) * 100) / 1000).toFixed(2)} % ` +
        `of a core while recording); browser Opus ${opus.ms.toFixed(0)} ms ` +
        `(${((60 * 1000) / opus.ms).toFixed(0)}x real time)`,
    );
  });

  it('passes over a WASM AAC that cannot load, and says so', async () => {
    const choices = (await audioChoices(DEFAULT_AUDIO)).filter((c) => c.kind === 'wasm-aac');
    const opened = await openAudioEncoder(
      choices,
      { output: () => undefined, error: () => undefined },
      () => Promise.reject(new Error('404')),
    );
    expect(opened.encoder).to.equal(null);
    expect(opened.failures).to.deep.equal(['the WASM AAC encoder failed: 404']);
  });
});

describe('MediaPipeline: a WASM AAC that cannot load falls back to Opus', function () {
  this.timeout(120_000);

  it('records Opus, with a non-fatal fault that says why', async () => {
    const stage = syntheticCanvas(1920, 1080, COLOURS.stage);
    const tone = toneTrack();
    const sink = new MemorySink();
    const faults: Array<{ error: PipelineError; fatal: boolean }> = [];
    const p = new MediaPipeline({
      sources: { stage, webcams: [], audio: [tone.track] },
      sink,
      clock: { mode: 'deterministic', frames: 60 },
      faults: { wasmAacUnavailable: true },
      onFault: (error, fatal) => faults.push({ error, fatal }),
    });
    await p.start();
    expect(p.audio).to.deep.equal({ codec: 'opus', encoder: 'opus' });
    await p.whenFramesDone();
    const result = await p.stop();
    await tone.close();
    stopSynthetic();
    expect(faults.map((f) => [f.error.code, f.fatal])).to.deep.equal([
      ['audio-encoder-error', false],
    ]);
    expect(faults[0]!.error.message).to.match(/WASM AAC encoder failed: .*recording Opus instead/);
    expect(result.stats.audioEncoder).to.equal('opus');
    const { path } = await saveFile('wasm-aac-unavailable.mp4', buildFile(sink, result));
    const probe = await ffprobe(path);
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).to.equal('opus');
    expect(Math.abs(Number(probe.format.duration) - 2)).to.be.at.most(0.1);
    expect(await ffmpegDecodeErrors(path)).to.equal('');
  });
});
