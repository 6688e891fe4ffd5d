// The house's arrows (README "How it works"), checked on every import of src/: each folder
// may use only the folders below it, no module may reach itself through its imports (no
// cycle), and the elements see the controller only through its types. Exits 1 with every
// violation named, file and line.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { root as projectRoot } from './lib/ensure.mjs';

// Another tree can be checked (the checker's own test does): `node check-layers.mjs DIR`.
const root = process.argv[2] ? resolve(process.argv[2]) : projectRoot;
const src = join(root, 'src');

/**
 * Who may import whom, by top folder of src/ (the entry, index.ts, may import anything).
 * shared/ is the leaf everyone may use. ui/ may take values from session/ (the rules'
 * lists) but only the controller's contract from recorder/ and library/ (types).
 */
const MAY_USE = {
  shared: [],
  session: ['shared'],
  room: ['session', 'shared'],
  media: ['shared'],
  journal: ['media', 'session', 'shared'],
  upload: ['journal', 'shared'],
  library: ['upload', 'session', 'shared'],
  recorder: ['session', 'room', 'media', 'journal', 'upload', 'library', 'shared'],
  ui: ['session', 'recorder', 'library', 'shared'],
};
/** The only files of recorder/ and library/ the elements may import, and only their types. */
const UI_CONTRACT = new Set(['recorder/controller-types.ts', 'library/types.ts']);

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Relative imports (and re-exports) of a file: [specifier, line, typeOnly]. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly === true) ||
        (ts.isExportDeclaration(node) && node.isTypeOnly);
      found.push([node.moduleSpecifier.text, sf.getLineAndCharacterOfPosition(node.pos), typeOnly]);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push([node.arguments[0].text, sf.getLineAndCharacterOfPosition(node.pos), false]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found
    .filter(([spec]) => spec.startsWith('.'))
    .map(([spec, pos, typeOnly]) => ({ spec, line: pos.line + 1, typeOnly }));
}

/** The .ts file a relative specifier names ('./x.js' is written for './x.ts'). */
function resolveSpec(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not this one.
    }
  }
  return null;
}

const topOf = (file) => relative(src, file).split('/')[0];
const problems = [];
const graph = new Map();

for (const file of filesUnder(src)) {
  const rel = relative(root, file);
  const from = topOf(file);
  const edges = [];
  for (const { spec, line, typeOnly } of importsOf(file)) {
    const target = resolveSpec(file, spec);
    if (!target) {
      problems.push(`${rel}:${line} imports ${spec}, which is not a file of src/`);
      continue;
    }
    if (!target.startsWith(src + '/')) {
      problems.push(`${rel}:${line} imports ${spec}, outside src/`);
      continue;
    }
    edges.push(target);
    const to = topOf(target);
    if (from === to || from === 'index.ts') continue;
    const allowed = MAY_USE[from];
    if (!allowed) {
      problems.push(
        `${rel}: src/${from} is not a folder of the layer rules (scripts/check-layers.mjs)`,
      );
      continue;
    }
    if (!allowed.includes(to)) {
      problems.push(
        `${rel}:${line} imports ${to}/ (${spec}): ${from}/ may use only ${allowed.join(', ') || 'nothing'}`,
      );
      continue;
    }
    if (from === 'ui' && (to === 'recorder' || to === 'library')) {
      const file = relative(src, target);
      if (!UI_CONTRACT.has(file) || !typeOnly) {
        problems.push(
          `${rel}:${line} imports ${spec}: the elements see only the controller's types (${[...UI_CONTRACT].join(', ')}, type imports)`,
        );
      }
    }
  }
  graph.set(file, edges);
}

// Cycles between modules: a depth-first search that reports each cycle once.
const state = new Map();
const stack = [];
const seenCycles = new Set();
const visit = (file) => {
  state.set(file, 'open');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') {
      const cycle = stack.slice(stack.indexOf(next)).map((f) => relative(src, f));
      const key = [...cycle].sort().join(' ');
      if (!seenCycles.has(key)) {
        seenCycles.add(key);
        problems.push(`cycle: ${[...cycle, relative(src, next)].join(' -> ')}`);
      }
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 'done');
};
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length) {
  console.error(`[layers] ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`[layers] ${graph.size} modules of src/ follow the arrows, no cycle`);
