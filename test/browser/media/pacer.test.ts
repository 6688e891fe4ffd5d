import { expect } from '@esm-bundle/chai';
import { frameTimestampUs, Pacer, type TickPlan } from '../../../src/media/pacer.js';

const FRAME = 1e6 / 30;
const idle = { queue: 0, sinkBusy: false };

/** Runs a pacer on a made-up clock: `wakes` are the moments (in ticks) the thread woke. */
function drive(
  pacer: Pacer,
  wakes: number[],
  state: (n: number) => { queue: number; sinkBusy: boolean } = () => idle,
): TickPlan[] {
  const out: TickPlan[] = [];
  wakes.forEach((t, n) => out.push(...pacer.plan(t * FRAME, state(n))));
  return out;
}

describe('Pacer (constant frame rate)', () => {
  it('stamps frame n at round(n * 1e6 / 30): every step in the file is exactly one frame', () => {
    const stamps = Array.from({ length: 100_000 }, (_, n) => frameTimestampUs(n, 30));
    // In the file's timescale (the frame rate), each frame is one tick after the last, also
    // after many hours (a truncated 33,333 µs step would drift by a frame every 27 minutes).
    stamps.forEach((us, n) => expect(Math.round((us * 30) / 1e6)).to.equal(n));
    const steps = new Set(stamps.slice(1).map((us, n) => us - stamps[n]!));
    expect([...steps].sort()).to.deep.equal([33333, 33334]);
  });

  it('one frame per tick when the thread wakes on time', () => {
    const plans = drive(new Pacer(30), [0, 1, 2, 3, 4]);
    expect(plans.map((p) => p.index)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(plans.every((p) => p.action === 'compose')).to.equal(true);
  });

  it('a thread that wakes late repeats the previous frame for the ticks it missed', () => {
    const plans = drive(new Pacer(30), [0, 1, 4.5, 5.2]);
    expect(plans.map((p) => [p.index, p.action, p.cause ?? ''])).to.deep.equal([
      [0, 'compose', ''],
      [1, 'compose', ''],
      [2, 'repeat', 'late'],
      [3, 'repeat', 'late'],
      [4, 'compose', ''],
      [5, 'compose', ''],
    ]);
  });

  it('a busy encoder gets repeats, not gaps; only a full backlog drops', () => {
    const pacer = new Pacer(30, { fresh: 3, total: 6 });
    const queues = [0, 3, 4, 5, 6, 2];
    const plans = drive(pacer, [0, 1, 2, 3, 4, 5], (n) => ({ queue: queues[n]!, sinkBusy: false }));
    expect(plans.map((p) => p.action)).to.deep.equal([
      'compose',
      'repeat',
      'repeat',
      'repeat',
      'drop',
      'compose',
    ]);
    expect(plans[1]!.cause).to.equal('busy');
  });

  it('an encoder slower than real time still gets a new composite every half second', () => {
    // Measured on an overloaded 2-core machine (three browsers in a WebRTC room): the encoder
    // took 2 frames a second, so its queue never fell below `fresh` again.
    const pacer = new Pacer(30, { fresh: 3, total: 30 });
    const wakes = Array.from({ length: 60 }, (_, n) => n);
    const plans = drive(pacer, wakes, (n) => ({ queue: n === 0 ? 0 : 10, sinkBusy: false }));
    const composed = plans.filter((p) => p.action === 'compose').map((p) => p.index);
    expect(composed).to.deep.equal([0, 15, 30, 45]);
    expect(plans.filter((p) => p.action === 'drop')).to.deep.equal([]);
    // A full backlog still drops, stale or not.
    const full = drive(new Pacer(30, { fresh: 3, total: 30, stale: 2 }), [0, 1, 2, 3], () => ({
      queue: 30,
      sinkBusy: false,
    }));
    expect(full.map((p) => p.action)).to.deep.equal(['drop', 'drop', 'drop', 'drop']);
  });

  it('counts queued repeats against the backlog when many ticks are due at once', () => {
    const pacer = new Pacer(30, { fresh: 3, total: 5 });
    pacer.plan(0, idle);
    const plans = pacer.plan(10 * FRAME, { queue: 2, sinkBusy: false });
    expect(plans.map((p) => p.action)).to.deep.equal([
      'repeat',
      'repeat',
      'repeat',
      'drop',
      'drop',
      'drop',
      'drop',
      'drop',
      'drop',
      'drop',
    ]);
  });

  it('a thread woken a second or more late holds the ticks it slept through, whatever the backlog', () => {
    const pacer = new Pacer(30, { fresh: 3, total: 5, wake: 60 });
    pacer.plan(0, idle);
    // Asleep 8 s (a frozen page): the last 60 ticks before the wake are held, the rest dropped,
    // and the tick it woke for is the newest picture.
    const plans = pacer.plan(240 * FRAME, { queue: 2, sinkBusy: false });
    expect(plans).to.have.length(240);
    const held = plans.filter((p) => p.cause === 'asleep');
    expect(held.map((p) => p.index)).to.deep.equal(Array.from({ length: 60 }, (_, k) => 180 + k));
    expect(held.every((p) => p.action === 'repeat')).to.equal(true);
    expect(plans.slice(0, 179).every((p) => p.action === 'drop')).to.equal(true);
    expect(plans.at(-1)!.action).to.equal('compose');
    // Under a second late is the usual lateness: bounded by the backlog as before.
    const late = pacer.plan(268 * FRAME, { queue: 4, sinkBusy: false });
    expect(late.map((p) => p.cause ?? null)).to.not.include('asleep');
    expect(late.filter((p) => p.action !== 'drop')).to.have.length(1);
  });

  it('a sink that cannot take more drops the tick', () => {
    const plans = drive(new Pacer(30), [0], () => ({ queue: 0, sinkBusy: true }));
    expect(plans.map((p) => [p.action, p.cause])).to.deep.equal([['drop', 'sink']]);
  });

  it('is due again one frame after the last tick it planned', () => {
    const pacer = new Pacer(30);
    pacer.plan(2.5 * FRAME, idle);
    expect(pacer.nextIndex).to.equal(3);
    expect(pacer.nextDueUs).to.be.closeTo(3 * FRAME, 1e-6);
    expect(pacer.plan(2.9 * FRAME, idle)).to.deep.equal([]);
  });
});
