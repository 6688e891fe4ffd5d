/**
 * Two (then three) pages of one browser on one BroadcastChannel, each a same-origin iframe
 * running its own copy of the adapter and RoomSync, as separate tabs would.
 */
import { expect } from '@esm-bundle/chai';
import type { RoomState, RoomStatePayload, SenderInfo } from '../../../src/room/index.js';

/** What each peer page exposes to the test. */
interface Peer {
  state: () => RoomState | null;
  setPayload: (payload: RoomStatePayload | null) => void;
  update: () => boolean;
  /** Posts raw text on the channel, bypassing the adapter (a forged or broken page). */
  postRaw: (data: string) => void;
  warnings: string[];
  close: () => void;
}

type PeerWindow = Window & { peer?: Peer };

const frames: HTMLIFrameElement[] = [];

/** Opens a page in an iframe that joins room `roomId` as `self`. */
async function openPeer(roomId: string, self: SenderInfo): Promise<Peer> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><script type="module">
    import { BroadcastChannelRoom, RoomSync } from '/src/room/index.ts';
    const warnings = [];
    const warn = console.warn.bind(console);
    console.warn = (...args) => { warnings.push(args.map(String).join(' ')); warn(...args); };
    const self = ${JSON.stringify(self)};
    let payload = null;
    const room = new BroadcastChannelRoom({ roomId: ${JSON.stringify(roomId)}, self });
    const sync = new RoomSync({ channel: room, self, provider: () => payload });
    sync.start();
    const raw = new BroadcastChannel('room-recorder:' + ${JSON.stringify(roomId)});
    window.peer = {
      state: () => sync.state,
      setPayload: (p) => { payload = p; },
      update: () => sync.update(),
      postRaw: (data) => raw.postMessage(data),
      warnings,
      close: () => { sync.close(); room.close(); raw.close(); },
    };
  </script>`;
  document.body.append(frame);
  frames.push(frame);
  const win = () => frame.contentWindow as PeerWindow | null;
  await until(() => win()?.peer !== undefined, `page of ${self.userId} to load`);
  return win()!.peer!;
}

async function until(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const host: SenderInfo = { userId: 'host-1', role: 'host' };
const participant: SenderInfo = { userId: 'part-1', role: 'participant' };
const lateJoiner: SenderInfo = { userId: 'part-2', role: 'participant' };

describe('room over BroadcastChannel: separate pages of one browser', () => {
  afterEach(() => {
    for (const frame of frames.splice(0)) {
      (frame.contentWindow as PeerWindow | null)?.peer?.close();
      frame.remove();
    }
  });

  it("B5: the host's start is seen by the participant page, and a page opened afterwards gets the snapshot", async () => {
    const roomId = `room-${crypto.randomUUID()}`;
    const hostPage = await openPeer(roomId, host);
    const participantPage = await openPeer(roomId, participant);
    expect(participantPage.state()).to.equal(null);

    const startedAt = Date.UTC(2026, 10, 26, 14, 3, 0);
    hostPage.setPayload({
      snapshot: {
        phase: 'recording',
        recordingId: 'rec-1',
        startedAt,
        elapsedMs: 5_000,
        initiatorId: host.userId,
        hostAwayRemainingMs: null,
      },
      title: 'Weekly class',
    });
    expect(hostPage.update()).to.equal(true);

    await until(
      () => participantPage.state()?.snapshot.phase === 'recording',
      'the start to reach the participant',
    );
    const seen = participantPage.state()!;
    expect(seen.snapshot.startedAt).to.equal(startedAt);
    expect(seen.snapshot.recordingId).to.equal('rec-1');
    expect(seen.title).to.equal('Weekly class');
    expect(seen.sender).to.deep.equal(host);
    expect(seen.local).to.equal(false);

    // A page opened afterwards asks, and the host page answers with its state at once.
    const latePage = await openPeer(roomId, lateJoiner);
    await until(() => latePage.state() !== null, 'the snapshot to reach the late page');
    const snap = latePage.state()!;
    expect(snap.snapshot.phase).to.equal('recording');
    expect(snap.snapshot.startedAt).to.equal(startedAt);
    expect(snap.sender).to.deep.equal(host);
    expect(snap.snapshot.elapsedMs).to.equal(5_000);

    for (const page of [hostPage, participantPage, latePage])
      expect(page.warnings).to.deep.equal([]);
  });

  it("a participant page's forged stop and malformed data are dropped with one warning each", async () => {
    const roomId = `room-${crypto.randomUUID()}`;
    const hostPage = await openPeer(roomId, host);
    const participantPage = await openPeer(roomId, participant);
    hostPage.setPayload({
      snapshot: {
        phase: 'recording',
        recordingId: 'r',
        startedAt: 1,
        initiatorId: host.userId,
        elapsedMs: null,
        hostAwayRemainingMs: null,
      },
      title: null,
    });
    hostPage.update();
    await until(() => participantPage.state() !== null, 'the state');

    // A participant's state claiming the recording is over, stamped with its own identity.
    participantPage.postRaw(
      JSON.stringify({
        from: participant,
        message: {
          v: 1,
          kind: 'state',
          source: 'forged',
          seq: 1,
          sentAt: Date.now() + 60_000,
          snapshot: {
            phase: 'idle',
            recordingId: null,
            startedAt: null,
            initiatorId: null,
            elapsedMs: null,
            hostAwayRemainingMs: null,
          },
          title: null,
        },
      }),
    );
    participantPage.postRaw('{ not json');
    participantPage.postRaw(
      JSON.stringify({
        from: host,
        message: { v: 1, kind: 'room-ended', pad: 'x'.repeat(17_000) },
      }),
    );
    await until(() => hostPage.warnings.length >= 3, 'the three warnings');
    await new Promise((r) => setTimeout(r, 50));
    expect(hostPage.warnings).to.have.length(3);
    expect(hostPage.warnings[0]).to.contain('a participant (user "part-1") may not send \'state\'');
    expect(hostPage.warnings[1]).to.contain('malformed JSON');
    expect(hostPage.warnings[2]).to.contain('oversize');
    expect(hostPage.state()?.snapshot.phase).to.equal('recording');
  });
});
