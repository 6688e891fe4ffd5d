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
  // Stylesheets only: axe would wait up to 10 s for every <video>'s metadata (a player whose
  // link goes nowhere in the test), for a rule (no-autoplay-audio) that needs it; that rule
  // then reports "incomplete", never a violation, and the player does not autoplay.
  const result = await window.axe.run(el, {
    resultTypes: ['violations'],
    preload: { assets: ['cssom'] },
  });
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}
