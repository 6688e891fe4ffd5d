import type { RecorderView } from '../src/index.js';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** The host's health panel (X5): the pipeline's figures, live. */
export function renderHealth(el: HTMLElement, view: RecorderView): void {
  const h = view.health;
  const rows: Array<[string, string]> = h
    ? [
        ['Frames per second', h.fps.toFixed(1)],
        ['Frames encoded', String(h.framesEncoded)],
        ['Frames dropped', String(h.framesDropped)],
        ['Encoder queue', String(h.encoderQueue)],
        ['Written', mb(h.bytesWritten)],
        ['Upload backlog', mb(h.uploadBacklogBytes)],
        [
          'Storage left',
          h.storageAvailableBytes === null ? 'unknown' : mb(h.storageAvailableBytes),
        ],
        ['A/V drift', `${h.avDriftMs.toFixed(0)} ms`],
        ['Warnings', h.warnings.join(', ') || 'none'],
      ]
    : [
        ['State', view.phase],
        [
          'Pre-flight',
          view.preflight
            ? view.preflight.ok
              ? 'ready to record'
              : view.preflight.problems.join(', ')
            : 'checking…',
        ],
      ];
  const table = document.createElement('dl');
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    table.append(dt, dd);
  }
  el.replaceChildren(Object.assign(document.createElement('h2'), { textContent: 'Health' }), table);
}
