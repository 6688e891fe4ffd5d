/**
 * H.264 parameter sets in band, so a recording can be continued by another encoder.
 *
 * An `avc1` sample entry promises that the SPS and PPS in its avcC are the only ones the
 * stream uses; a file continued by another browser (another machine's encoder, other SPS/PPS)
 * would break that promise. An `avc3` entry lets the samples carry their own parameter sets,
 * which a decoder takes as they come: so the writer declares `avc3` and puts the current
 * SPS and PPS in front of every keyframe (WebCodecs' `avc` format strips them from the
 * stream and gives them only in the avcC of the chunk metadata). A keyframe is then
 * decodable by itself, whichever encoder made the fragments before it.
 */

/** What the writer needs of an AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3.1). */
export interface AvcParameterSets {
  /** Bytes of each NAL unit's length prefix in the samples (1, 2 or 4). */
  lengthSize: number;
  /** Sequence parameter set NAL units, header byte included. */
  sps: Uint8Array[];
  /** Picture parameter set NAL units, header byte included. */
  pps: Uint8Array[];
}

/** nal_unit_type of a sequence parameter set. */
export const NAL_SPS = 7;

function asBytes(source: AllowSharedBufferSource): Uint8Array {
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  return new Uint8Array(source);
}

/**
 * Reads the SPS and PPS of an avcC (a `VideoDecoderConfig.description` in the `avc` format).
 *
 * @throws RangeError when the record is truncated or not version 1.
 */
export function parseAvcC(description: AllowSharedBufferSource): AvcParameterSets {
  const b = asBytes(description);
  if (b.length < 7 || b[0] !== 1) throw new RangeError('not an AVCDecoderConfigurationRecord');
  let pos = 6;
  const read = (count: number): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      if (pos + 2 > b.length) throw new RangeError('truncated avcC');
      const size = (b[pos]! << 8) | b[pos + 1]!;
      pos += 2;
      if (pos + size > b.length) throw new RangeError('truncated avcC');
      out.push(b.slice(pos, pos + size));
      pos += size;
    }
    return out;
  };
  // The SPS count shares its byte with three reserved bits; the PPS count follows the SPSs.
  const sps = read(b[5]! & 0x1f);
  if (pos >= b.length) throw new RangeError('truncated avcC');
  const ppsCount = b[pos++]!;
  const pps = read(ppsCount);
  return { lengthSize: (b[4]! & 0x3) + 1, sps, pps };
}

/**
 * The NAL unit types of a length-prefixed sample, in order; null when the sample is not a
 * well-formed sequence of `lengthSize`-prefixed NAL units.
 */
export function nalUnitTypes(sample: Uint8Array, lengthSize: number): number[] | null {
  const types: number[] = [];
  let pos = 0;
  while (pos < sample.length) {
    if (pos + lengthSize >= sample.length) return null;
    let size = 0;
    for (let i = 0; i < lengthSize; i++) size = size * 256 + sample[pos + i]!;
    pos += lengthSize;
    if (size === 0 || pos + size > sample.length) return null;
    types.push(sample[pos]! & 0x1f);
    pos += size;
  }
  return types;
}

/**
 * `sample` with `sets`' SPS and PPS in front, unless it carries an SPS already (an encoder in
 * Annex B mode, or one that repeats them by itself).
 */
export function withParameterSets(sample: Uint8Array, sets: AvcParameterSets): Uint8Array {
  const types = nalUnitTypes(sample, sets.lengthSize);
  if (types?.includes(NAL_SPS)) return sample;
  const units = [...sets.sps, ...sets.pps];
  const extra = units.reduce((n, u) => n + sets.lengthSize + u.length, 0);
  const out = new Uint8Array(extra + sample.length);
  let pos = 0;
  for (const u of units) {
    for (let i = 0; i < sets.lengthSize; i++) {
      out[pos + i] = (u.length >>> (8 * (sets.lengthSize - 1 - i))) & 0xff;
    }
    pos += sets.lengthSize;
    out.set(u, pos);
    pos += u.length;
  }
  out.set(sample, pos);
  return out;
}

/** `avc1.PPCCLL` as `avc3.PPCCLL`: the sample entry that allows parameter sets in band. */
export function inBandCodecString(codec: string): string {
  return codec.startsWith('avc1') ? `avc3${codec.slice(4)}` : codec;
}
