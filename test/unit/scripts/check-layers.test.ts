import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'check-layers.mjs');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rr-layers-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const check = (dir: string) => spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });

describe('scripts/check-layers.mjs', () => {
  it('passes a tree that follows the arrows', () => {
    const r = check(
      tree({
        'src/session/rules.ts': "import { x } from '../shared/x.js';\nexport const y = x;\n",
        'src/shared/x.ts': 'export const x = 1;\n',
        'src/ui/a.ts':
          "import type { V } from '../recorder/controller-types.js';\nexport type A = V;\n",
        'src/recorder/controller-types.ts': 'export type V = number;\n',
      }),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 modules of src/ follow the arrows, no cycle');
  });

  it('names a backward import, an element reaching past the contract, and a cycle', () => {
    const r = check(
      tree({
        'src/media/pipeline.ts':
          "import type { E } from '../recorder/engine.js';\nexport type P = E;\n",
        'src/recorder/engine.ts': 'export type E = number;\n',
        'src/ui/b.ts': "import { E } from '../recorder/engine.js';\nexport const b = E;\n",
        'src/session/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
        'src/session/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'src/media/pipeline.ts:1 imports recorder/ (../recorder/engine.js): media/ may use only shared',
    );
    expect(r.stderr).toContain(
      "src/ui/b.ts:1 imports ../recorder/engine.js: the elements see only the controller's types",
    );
    expect(r.stderr).toMatch(
      /cycle: session\/(a|b)\.ts -> session\/(a|b)\.ts -> session\/(a|b)\.ts/,
    );
  });
});
