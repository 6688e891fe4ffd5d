/**
 * One MP4 fragment muxed by a fresh mediabunny Output.
 *
 * mediabunny's muxer keeps every sample's metadata of a fragmented file for its final
 * `mfra` (IsobmffMuxer.finalizedChunks holds each chunk with its samples: timestamps, size,
 * type), so one Output per recording grows by every packet. An Output that lives for a
 * single fragment keeps nothing once the fragment is out, which makes memory flat however
 * long the recording, and lets the writer choose the fragment boundaries itself.
 *
 * Each such Output writes ftyp + moov + moof + mdat + mfra. The moov is the same every time
 * (same tracks, ids, timescales and decoder configs), so the writer keeps the first one as
 * the file's header and takes only moof + mdat from every Output. Fragment data offsets stay
 * valid wherever the bytes land because mediabunny's tfhd sets default-base-is-moof; its
 * tfdt holds the absolute decode time (a fragmented Output does not shift non-negative
 * timestamps), so fragments of different Outputs continue one timeline. Only the mfhd
 * sequence number restarts at 1 in each Output; {@link muxFragment} rewrites it.
 */
import {
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedVideoPacketSource,
  Mp4OutputFormat,
  Output,
} from 'mediabunny';
import { boxBytes, childBoxes, concatBytes, listBoxes, writeU32 } from './boxes.js';

/** One encoded packet as the writer holds it; times in microseconds. */
export interface HeldPacket {
  data: Uint8Array;
  key: boolean;
  timestampUs: number;
  durationUs: number;
}

/** Track setup shared by every fragment's Output, so each writes the same moov. */
export interface FragmentTracks {
  video: { frameRate: number; decoderConfig: VideoDecoderConfig };
  audio: { codec: 'aac' | 'opus'; decoderConfig: AudioDecoderConfig } | null;
}

/** What one fragment's Output produced. */
export interface MuxedFragment {
  /** ftyp + moov of this Output (the file's header when it is the first fragment). */
  header: Uint8Array;
  /** moof + mdat, with the mfhd sequence number set. */
  bytes: Uint8Array;
}

function packet(p: HeldPacket): EncodedPacket {
  return new EncodedPacket(
    p.data,
    p.key ? 'key' : 'delta',
    p.timestampUs / 1e6,
    p.durationUs / 1e6,
  );
}

/**
 * Muxes one fragment: `video` must start with a keyframe; `audio` may be empty.
 * `sequenceNumber` (1-based) goes into the moof's mfhd.
 */
export async function muxFragment(
  tracks: FragmentTracks,
  video: readonly HeldPacket[],
  audio: readonly HeldPacket[],
  sequenceNumber: number,
): Promise<MuxedFragment> {
  const target = new BufferTarget();
  const output = new Output({
    // Infinity: the whole Output is one fragment, cut where the writer decided.
    format: new Mp4OutputFormat({ fastStart: 'fragmented', minimumFragmentDuration: Infinity }),
    target,
  });
  const videoSource = new EncodedVideoPacketSource('avc');
  output.addVideoTrack(videoSource, {
    frameRate: tracks.video.frameRate,
    decoderConfig: tracks.video.decoderConfig,
  });
  let audioSource: EncodedAudioPacketSource | null = null;
  if (tracks.audio) {
    audioSource = new EncodedAudioPacketSource(tracks.audio.codec);
    // Registered up front with its config so the moov always holds the audio track, even
    // for a fragment that happens to carry no audio.
    output.addAudioTrack(audioSource, { decoderConfig: tracks.audio.decoderConfig });
  }
  await output.start();
  for (const p of video) await videoSource.add(packet(p));
  if (audioSource) for (const p of audio) await audioSource.add(packet(p));
  await output.finalize();

  const file = new Uint8Array(target.buffer ?? new ArrayBuffer(0));
  const boxes = listBoxes(file);
  const firstMoof = boxes.findIndex((b) => b.type === 'moof');
  if (firstMoof < 0) throw new Error('mediabunny wrote no moof');
  const header = file.slice(0, boxes[firstMoof]!.offset);
  const parts: Uint8Array[] = [];
  for (const box of boxes.slice(firstMoof)) {
    if (box.type === 'moof') {
      const moof = file.slice(box.offset, box.offset + box.size);
      const mfhd = childBoxes(moof, { ...box, offset: 0 }).find((b) => b.type === 'mfhd');
      if (!mfhd) throw new Error('moof without mfhd');
      writeU32(moof, mfhd.offset + mfhd.headerSize + 4, sequenceNumber);
      parts.push(moof);
    } else if (box.type === 'mdat') {
      parts.push(boxBytes(file, box));
    }
    // mfra holds absolute offsets of this Output alone; it is dropped.
  }
  return { header, bytes: concatBytes(parts) };
}
