// Writes every browser test's duration to RR_TIMINGS_DIR/browser.json, so `npm test` can list
// the slowest tests of all layers at the end of a run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** @returns {import('@web/test-runner').Reporter} */
export function timingReporter() {
  const dir = process.env.RR_TIMINGS_DIR;
  return {
    onTestRunFinished({ sessions }) {
      if (!dir) return;
      const tests = [];
      const walk = (suite, file, path) => {
        for (const t of suite.tests ?? []) {
          tests.push({
            file,
            name: [...path, t.name].join(' > '),
            ms: t.duration ?? null,
            passed: t.passed,
          });
        }
        for (const s of suite.suites ?? []) walk(s, file, [...path, s.name]);
      };
      for (const session of sessions) {
        if (session.testResults) {
          walk(session.testResults, relative(process.cwd(), session.testFile), []);
        }
      }
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'browser.json'), JSON.stringify(tests));
    },
  };
}
