// JS heap of a page and of its workers, after a full garbage collection, through the
// DevTools protocol (`performance.memory` does not exist in workers). Workers are reached by
// attaching to their targets from a browser-level session.

/** @param {import('playwright-core').Browser} browser */
export async function heapProbe(browser) {
  const session = await browser.newBrowserCDPSession();
  const waiting = new Map();
  let nextId = 0;
  session.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    const w = waiting.get(`${e.sessionId}:${m.id}`);
    if (w) {
      waiting.delete(`${e.sessionId}:${m.id}`);
      w(m);
    }
  });
  const sessions = new Map();
  const attach = async (targetId) => {
    if (!sessions.has(targetId)) {
      const { sessionId } = await session.send('Target.attachToTarget', {
        targetId,
        flatten: false,
      });
      sessions.set(targetId, sessionId);
    }
    return sessions.get(targetId);
  };
  const call = async (targetId, method, params = {}) => {
    const sessionId = await attach(targetId);
    const id = ++nextId;
    const answer = new Promise((resolve, reject) => {
      waiting.set(`${sessionId}:${id}`, resolve);
      setTimeout(() => reject(new Error(`${method} timed out`)), 30_000);
    });
    await session.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method, params }),
    });
    const m = await answer;
    if (m.error) throw new Error(`${method}: ${m.error.message}`);
    return m.result;
  };
  const usedMB = async (targetId) => {
    await call(targetId, 'HeapProfiler.collectGarbage');
    const r = await call(targetId, 'Runtime.getHeapUsage');
    return r.usedSize / 2 ** 20;
  };
  return {
    /**
     * MiB used after a GC: the page whose URL starts with `origin`, and each of its workers
     * (by script name).
     */
    async measure(origin) {
      const { targetInfos } = await session.send('Target.getTargets');
      const out = { page: null, workers: {} };
      for (const t of targetInfos) {
        if (!t.url.startsWith(origin)) continue;
        try {
          if (t.type === 'page') out.page = await usedMB(t.targetId);
          else if (t.type === 'worker') {
            const name = new URL(t.url).pathname.replace(/^\//, '') || t.url;
            out.workers[name] = await usedMB(t.targetId);
          }
        } catch {
          // a target that went away between listing and asking
        }
      }
      return out;
    },
    async close() {
      await session.detach().catch(() => {});
    },
  };
}
