import { describe, expect, it } from 'vitest';
import { cutAtLastCompleteFragment, planRecovery } from '../../../src/journal/recovery-plan.js';
import type { Journal, RecordingRecord } from '../../../src/journal/types.js';
import type { FragmentInfo } from '../../../src/media/types.js';

function info(index: number, offset: number, durationUs = 2_000_000): FragmentInfo {
  return { index, offset, startUs: index * 2_000_000, durationUs, startsWithKeyframe: true };
}

describe('cutAtLastCompleteFragment', () => {
  it('keeps every fragment wholly written, with sizes and the summed duration', () => {
    const fragments = [
      { ...info(0, 100), size: 50 },
      { ...info(1, 150), size: 60 },
      { ...info(2, 210, 1_000_000), size: 40 },
    ];
    const cut = cutAtLastCompleteFragment({ headerBytes: 100, bytes: 250 }, fragments);
    expect(cut.bytes).toBe(250);
    expect(cut.durationUs).toBe(5_000_000);
    expect(cut.dropped).toBe(0);
    expect(cut.fragments.map((f) => f.size)).toEqual([50, 60, 40]);
  });

  it('drops a fragment not wholly within the bytes written', () => {
    const fragments = [
      { ...info(0, 100), size: 50 },
      { ...info(1, 150), size: 60 },
    ];
    const cut = cutAtLastCompleteFragment({ headerBytes: 100, bytes: 200 }, fragments);
    expect(cut.fragments.map((f) => f.index)).toEqual([0]);
    expect(cut.bytes).toBe(150);
    expect(cut.durationUs).toBe(2_000_000);
    expect(cut.dropped).toBe(1);
  });

  it('derives sizes from offsets when the journal does not store them', () => {
    const cut = cutAtLastCompleteFragment({ headerBytes: 10, bytes: 40 }, [
      info(1, 25),
      info(0, 10),
    ]);
    expect(cut.fragments.map((f) => [f.index, f.size])).toEqual([
      [0, 15],
      [1, 15],
    ]);
    expect(cut.bytes).toBe(40);
  });

  it('stops at a gap in offsets or in indexes', () => {
    const gap = cutAtLastCompleteFragment({ headerBytes: 10, bytes: 100 }, [
      { ...info(0, 10), size: 10 },
      { ...info(1, 30), size: 10 },
    ]);
    expect(gap.bytes).toBe(20);
    expect(gap.dropped).toBe(1);
    const skipped = cutAtLastCompleteFragment({ headerBytes: 10, bytes: 100 }, [
      { ...info(0, 10), size: 10 },
      { ...info(2, 20), size: 10 },
    ]);
    expect(skipped.fragments.length).toBe(1);
  });

  it('with no fragments, keeps the header alone', () => {
    const cut = cutAtLastCompleteFragment({ headerBytes: 10, bytes: 10 }, []);
    expect(cut).toEqual({ fragments: [], durationUs: 0, bytes: 10, dropped: 0 });
  });
});

describe('planRecovery', () => {
  const record = { id: 'r', headerBytes: 4, bytes: 12 } as RecordingRecord;
  const journal = {
    get: async (id: string) => (id === 'r' ? record : undefined),
    header: async () => Uint8Array.of(1, 2, 3, 4),
    fragments: async () => [info(0, 4), info(1, 8)],
  } as unknown as Journal;

  it('reads the header and the cut fragment table', async () => {
    const plan = await planRecovery(journal, 'r');
    expect([...plan.header]).toEqual([1, 2, 3, 4]);
    expect(plan.bytes).toBe(12);
    expect(plan.durationUs).toBe(4_000_000);
    expect(plan.record).toBe(record);
  });

  it('refuses an unknown recording and one without a header', async () => {
    await expect(planRecovery(journal, 'x')).rejects.toMatchObject({ code: 'not-found' });
    const bare = {
      ...journal,
      get: async () => ({ ...record, headerBytes: 0, bytes: 0 }),
    } as unknown as Journal;
    await expect(planRecovery(bare, 'r')).rejects.toMatchObject({ code: 'no-header' });
  });
});
