/** axe-core for the UI tests: `import 'axe-core'` sets `window.axe`. */
import 'axe-core';
import type * as Axe from 'axe-core';

declare global {
  interface Window {
    axe: typeof Axe;
  }
}

/** The violations axe finds in `el` (and its shadow trees), as short readable lines. */
export async function axeViolations(el: Element): Promise<string[]> {
  // A fade-in measured half-way fails colour contrast: judge what the user sees once it ends.
  await Promise.all(
    [...document.getAnimations(), ...(el.shadowRoot?.getAnimations() ?? [])]
      // A looping animation (the recording dot's pulse) never finishes.
      .filter((a) => a.effect?.getTiming().iterations !== Infinity)
      .map((a) => a.finished.catch(() => undefined)),
  );
  const result = await window.axe.run(el, { resultTypes: ['violations'] });
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
