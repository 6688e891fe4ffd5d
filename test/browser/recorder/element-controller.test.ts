import { expect } from '@esm-bundle/chai';
import '../../../src/index.js';
import type { RrRecorder } from '../../../src/index.js';
import { testPage } from '../../support/ui/test-room.js';

async function mount(setup: (el: RrRecorder) => void): Promise<RrRecorder> {
  const el = document.createElement('rr-recorder') as RrRecorder;
  el.setAttribute('user-role', 'host');
  el.setAttribute('user-id', 'host-1');
  el.setAttribute('room-id', `room-${Math.random().toString(36).slice(2)}`);
  setup(el);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Resolves once the controller has a pre-flight result (it runs once the element renders). */
function preflightDone(el: RrRecorder): Promise<void> {
  const c = el.activeController!;
  return new Promise((resolve) => {
    if (c.view.preflight !== null) return resolve();
    const off = c.subscribe((v) => {
      if (v.preflight === null) return;
      off();
      resolve();
    });
  });
}

describe('<rr-recorder> built from its attributes', () => {
  afterEach(() => document.querySelectorAll('rr-recorder').forEach((e) => e.remove()));

  it('says what is wrong with a bad storage config and shows Record off with the reason', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.map(String).join(' '));
    try {
      const el = await mount((e) => {
        e.storage = {
          kind: 's3',
          region: 'eu-west-1',
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        };
      });
      expect(errors.some((m) => m.includes('"s3" needs bucket'))).to.equal(true);
      const view = el.activeController!.view;
      await preflightDone(el);
      expect(el.activeController!.view.canStart).to.deep.equal({
        ok: false,
        reason: 'preflight-failed',
      });
      expect(view.role).to.equal('host');
    } finally {
      console.error = original;
    }
  });

  it('X4: with a signer that cannot be reached, the pre-flight says so instead of hiding Record', async () => {
    const el = await mount((e) => {
      // The test server has no signing endpoint: the pre-flight must say the target is unreachable.
      e.storage = { kind: 'presigned', baseUrl: '/no-such-signer' };
    });
    const c = el.activeController!;
    await preflightDone(el);
    expect(c.view.preflight?.problems).to.include('upload-unreachable');
    expect(c.view.preflight?.problems).to.not.include('no-h264');
    expect(c.view.canStart).to.deep.equal({ ok: false, reason: 'preflight-failed' });
  });
});

describe('<rr-recorder> sources', () => {
  afterEach(() => document.querySelectorAll('rr-recorder').forEach((e) => e.remove()));

  it('tells its controller when the stage or the webcams change, so the recording follows', async () => {
    const page = testPage({ role: 'host' });
    await page.record();
    const engine = page.engine!;
    const el = await mount((e) => {
      e.controller = page;
    });
    const before = engine.sourceUpdates;
    el.webcams = [{ id: 'cam-1', source: document.createElement('canvas') }];
    await el.updateComplete;
    expect(engine.sourceUpdates).to.equal(before + 1);
    el.stage = null;
    el.stage = document.createElement('canvas');
    await el.updateComplete;
    expect(engine.sourceUpdates).to.equal(before + 2);
    page.dispose();
  });
});
