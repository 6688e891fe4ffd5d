import { describe, expect, it } from 'vitest';
import {
  inBandCodecString,
  nalUnitTypes,
  parseAvcC,
  withParameterSets,
} from '../../../src/media/mp4/avc.js';
import { AVCC } from './mp4-fixtures.js';

/** `units` as 4-byte length-prefixed NAL units. */
function sample(...units: number[][]): Uint8Array {
  return new Uint8Array(units.flatMap((u) => [0, 0, 0, u.length, ...u]));
}

describe('H.264 parameter sets in band', () => {
  it('reads the SPS, the PPS and the length size of an avcC', () => {
    const sets = parseAvcC(AVCC);
    expect(sets.lengthSize).toBe(4);
    expect(sets.sps.map((s) => [...s])).toEqual([[0x67, 100, 0, 40]]);
    expect(sets.pps.map((s) => [...s])).toEqual([[0x68, 0xce]]);
    expect(() => parseAvcC(AVCC.subarray(0, 10))).toThrow(/truncated/);
    expect(() => parseAvcC(new Uint8Array([0, 1, 2, 3, 4, 5, 6]))).toThrow(/not an/);
  });

  it('puts them in front of a keyframe that lacks them, once', () => {
    const sets = parseAvcC(AVCC);
    const idr = sample([0x65, 1, 2, 3], [0x65, 4]);
    const out = withParameterSets(idr, sets);
    expect(nalUnitTypes(out, 4)).toEqual([7, 8, 5, 5]);
    expect([...out.subarray(out.length - idr.length)]).toEqual([...idr]);
    // A sample that carries an SPS already (an encoder that repeats them) is left as it is.
    expect(withParameterSets(out, sets)).toBe(out);
  });

  it('writes the length prefix the avcC asks for', () => {
    const sets = { ...parseAvcC(AVCC), lengthSize: 2 };
    const out = withParameterSets(new Uint8Array([0, 2, 0x65, 9]), sets);
    expect([...out]).toEqual([0, 4, 0x67, 100, 0, 40, 0, 2, 0x68, 0xce, 0, 2, 0x65, 9]);
  });

  it('tells a malformed sample from a sequence of NAL units', () => {
    expect(nalUnitTypes(sample([0x41, 1]), 4)).toEqual([1]);
    expect(nalUnitTypes(new Uint8Array([0, 0, 0, 9, 0x65]), 4)).toBeNull();
  });

  it('names the avc3 entry for an avc1 codec string, and leaves others alone', () => {
    expect(inBandCodecString('avc1.640028')).toBe('avc3.640028');
    expect(inBandCodecString('avc3.42e01f')).toBe('avc3.42e01f');
  });
});
