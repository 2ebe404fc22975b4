// The import graph of a source tree and the checks the layering test runs on it: every
// import (static, type-only, re-export, dynamic `import('…')`, Vite's `import.meta.glob('…')`
// and `new URL('…', import.meta.url)` worker entries) becomes an edge; edges are checked
// against a table of layers (which folder may import which) and searched for cycles.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/** How a file refers to another. */
export type ImportKind = 'static' | 'dynamic' | 'glob' | 'url';

/** One module specifier as written in a source file. */
export interface ImportSpecifier {
  specifier: string;
  kind: ImportKind;
  /** 1-based line of the specifier */
  line: number;
}

/** One resolved edge between two files of the tree (paths relative to the tree's parent, with `/`). */
export interface ImportEdge {
  from: string;
  to: string;
  kind: ImportKind;
  line: number;
}

/** A file's use of an npm package or a Node built-in (`name`: "react", "node:fs", "zustand/vanilla"). */
export interface PackageUse {
  from: string;
  name: string;
  line: number;
}

/** The files of a tree and everything they import. */
export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  packages: PackageUse[];
  /** relative specifiers that point at no file (each one a bug) */
  unresolved: { from: string; specifier: string; line: number }[];
}

const SOURCE = /\.(ts|tsx|mts|js|mjs|jsx)$/;

/** Blanks out comments (keeping line breaks) so that commented-out imports are not edges. */
function stripComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
      i += 1;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === '"' || c === "'" || c === '`') quote = c;
      out += c;
      i += 1;
    }
  }
  return out;
}

const PATTERNS: { kind: ImportKind; regex: RegExp }[] = [
  // import x from '…'; import type { X } from '…'; export { x } from '…'; export * from '…'
  { kind: 'static', regex: /\b(?:import|export)\s+(?:type\s+)?[\w*${},\s]*?\bfrom\s*(['"])([^'"]+)\1/g },
  // import '…' (side effects), at the start of a statement (not a string ending in "import")
  { kind: 'static', regex: /(?:^|[;}\n])\s*import\s*(['"])([^'"]+)\1/g },
  // import('…')
  { kind: 'dynamic', regex: /\bimport\s*\(\s*(['"`])([^'"`]+)\1\s*[,)]/g },
  // import.meta.glob('…')
  { kind: 'glob', regex: /\bimport\.meta\.glob\s*\(\s*(['"`])([^'"`]+)\1/g },
  // new URL('…', import.meta.url): a worker entry or an asset next to the file
  { kind: 'url', regex: /\bnew\s+URL\s*\(\s*(['"`])([^'"`$]+)\1\s*,\s*import\.meta\.url\s*\)/g },
];

/** Every module specifier of one source text, in order of appearance; comments are ignored. */
export function scanImports(source: string): ImportSpecifier[] {
  const text = stripComments(source);
  const found: (ImportSpecifier & { index: number })[] = [];
  for (const { kind, regex } of PATTERNS) {
    for (const match of text.matchAll(regex)) {
      const index = (match.index ?? 0) + match[0].lastIndexOf(match[2]);
      if (found.some((f) => f.index === index)) continue;
      found.push({ specifier: match[2], kind, line: text.slice(0, index).split('\n').length, index });
    }
  }
  return found.sort((a, b) => a.index - b.index).map(({ specifier, kind, line }) => ({ specifier, kind, line }));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (SOURCE.test(name)) out.push(full);
  }
  return out;
}

function globRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?|\*/g, (m) => (m === '*' ? '[^/]*' : '(?:.*/)?'));
  return new RegExp(`^${escaped}$`);
}

/** The package name of a bare specifier: "react/jsx-runtime" → "react", "@a/b/c" → "@a/b", "fs" → "node:fs". */
export function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? `node:${name}` : name;
}

/**
 * Reads every source file under `root` (a folder, e.g. the repository's src/) and resolves its
 * imports. Files are named relative to root's parent ("src/engine/types.ts"). Imports that
 * leave the tree (shaders/, node_modules) are not edges; bare specifiers are package uses.
 */
export function buildImportGraph(root: string): ImportGraph {
  const base = path.dirname(path.resolve(root));
  const absolute = listFiles(path.resolve(root));
  const name = (file: string): string => path.relative(base, file).split(path.sep).join('/');
  const files = absolute.map(name);
  const known = new Set(files);
  const tree = `${path.basename(path.resolve(root))}/`;
  const graph: ImportGraph = { files, edges: [], packages: [], unresolved: [] };
  for (const file of absolute) {
    const from = name(file);
    for (const { specifier, kind, line } of scanImports(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
        if (kind !== 'url') graph.packages.push({ from, name: packageName(specifier), line });
        continue;
      }
      const resolved = path.resolve(path.dirname(file), specifier.split('?')[0]);
      const target = name(resolved);
      if (!target.startsWith(tree)) continue; // outside the tree (shaders/, assets)
      if (kind === 'glob' && target.includes('*')) {
        const regex = globRegex(target);
        for (const to of files) if (regex.test(to)) graph.edges.push({ from, to, kind, line });
      } else if (known.has(target)) graph.edges.push({ from, to: target, kind, line });
      else if (!existsSync(resolved)) graph.unresolved.push({ from, specifier, line });
    }
  }
  return graph;
}

/**
 * The import cycles of a graph: each strongly connected component of two or more files (or a
 * file importing itself), as a closed path "a → b → … → a" through it. Sorted, for stable messages.
 */
export function findCycles(files: readonly string[], edges: readonly Pick<ImportEdge, 'from' | 'to'>[]): string[][] {
  const out = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    if (!out.has(e.to)) out.set(e.to, []);
    out.get(e.from)?.push(e.to);
  }
  // Tarjan's strongly connected components
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (out.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...out.keys()].sort()) if (!index.has(v)) visit(v);
  // one closed path per component: breadth-first from its smallest file back to itself
  return components
    .map((component) => {
      const members = new Set(component);
      const start = [...component].sort()[0];
      const previous = new Map<string, string>();
      const queue = [start];
      let found: string | null = null;
      while (queue.length > 0 && found === null) {
        const v = queue.shift() as string;
        for (const w of out.get(v) ?? []) {
          if (!members.has(w)) continue;
          if (w === start) {
            found = v;
            break;
          }
          if (!previous.has(w)) {
            previous.set(w, v);
            queue.push(w);
          }
        }
      }
      const cycle = [start];
      for (let v = found; v !== null && v !== start; v = previous.get(v) ?? null) cycle.splice(1, 0, v);
      cycle.push(start);
      return cycle;
    })
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** One layer of the architecture: a folder, what it may import and why it exists. */
export interface LayerRule {
  /** folder relative to the tree's parent, e.g. "src/backends/webgpu"; a file belongs to the longest matching folder */
  folder: string;
  /** layers (by name) this layer may import, besides itself */
  mayImport: readonly string[];
  /** npm packages and Node built-ins (`node:*` for all of them) it may import */
  packages: readonly string[];
}

/** The layer of a file: the rule with the longest folder that contains it, or undefined. */
export function layerOf(file: string, rules: Readonly<Record<string, LayerRule>>): string | undefined {
  let best: string | undefined;
  let length = -1;
  for (const [layer, rule] of Object.entries(rules)) {
    if (file.startsWith(`${rule.folder}/`) && rule.folder.length > length) {
      best = layer;
      length = rule.folder.length;
    }
  }
  return best;
}

const TEST_FILE = /\.test\.tsx?$/;
/** What a test beside the code may import besides its layer's packages. */
const TEST_PACKAGES = ['vitest', 'node:*'];

function packageAllowed(name: string, allowed: readonly string[]): boolean {
  return allowed.some((p) => p === name || (p === 'node:*' && name.startsWith('node:')) || (name.startsWith(`${p}/`)));
}

/**
 * Every layering violation of a graph under a table of layers, one readable line each:
 * files in no layer, imports in a forbidden direction, forbidden packages, unresolved imports.
 * Tests beside the code (`*.test.ts`) follow their layer's rules but may also use vitest and Node.
 */
export function layeringViolations(graph: ImportGraph, rules: Readonly<Record<string, LayerRule>>): string[] {
  const violations: string[] = [];
  for (const file of graph.files) {
    if (layerOf(file, rules) === undefined) violations.push(`${file} is in no layer: add its folder to the layer table`);
  }
  for (const edge of graph.edges) {
    const from = layerOf(edge.from, rules);
    const to = layerOf(edge.to, rules);
    if (from === undefined || to === undefined || from === to) continue;
    if (!rules[from].mayImport.includes(to)) {
      violations.push(`${edge.from}:${edge.line} (${from}) imports ${edge.to} (${to}): ${from} may import only ${rules[from].mayImport.join(', ') || 'nothing'}`);
    }
  }
  for (const use of graph.packages) {
    const layer = layerOf(use.from, rules);
    if (layer === undefined) continue;
    const allowed = TEST_FILE.test(use.from) ? [...rules[layer].packages, ...TEST_PACKAGES] : rules[layer].packages;
    if (!packageAllowed(use.name, allowed)) {
      violations.push(`${use.from}:${use.line} (${layer}) imports the package ${use.name}: ${layer} may use only ${allowed.join(', ') || 'no package'}`);
    }
  }
  for (const u of graph.unresolved) violations.push(`${u.from}:${u.line} imports ${u.specifier}, which is no file`);
  return violations;
}
