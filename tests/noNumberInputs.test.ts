// Issue 26: no native number input in the pages. A type="number" input drops what its browser's
// language cannot parse before any check sees it (in a German browser "0,001" reached our code as
// "" or 1, "1,5" as 15), so every number field is src/app/components/NumberField.tsx, which reads
// a decimal comma or refuses the text in one line. Every JSX <input> under src/app is found with a
// parser (Vite's parseAst, Oxc: not a text search, since attributes may span lines or be spread)
// and its type must not be, or be able to be, "number".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';

const APP = path.resolve(import.meta.dirname, '..', 'src', 'app');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** An ESTree node as the parser gives it: a type, source offsets and children under any key. */
interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/** "file:line <input …>" for every JSX input whose type is, or may be, "number" (a literal, an expression mentioning it, or a spread of props), and every createElement('input', { type: 'number' }). */
function numberInputs(fileName: string, text: string): string[] {
  const ast = parseAst(text, { lang: fileName.endsWith('.tsx') ? 'tsx' : 'ts' });
  const found: string[] = [];
  const source = (node: AstNode): string => text.slice(node.start, node.end);
  const report = (node: AstNode): void => {
    const line = text.slice(0, node.start).split('\n').length;
    found.push(`${path.relative(APP, fileName)}:${line} ${source(node).slice(0, 80)}`);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isNode(value)) return;
    if (value.type === 'JSXOpeningElement' && isNode(value.name) && value.name.name === 'input' && Array.isArray(value.attributes)) {
      const suspicious = value.attributes.some((attribute: AstNode) => {
        if (attribute.type === 'JSXSpreadAttribute') return /number/.test(source(attribute));
        return isNode(attribute.name) && attribute.name.name === 'type' && isNode(attribute.value) && /number/.test(source(attribute.value));
      });
      if (suspicious) report(value);
    }
    if (value.type === 'CallExpression' && isNode(value.callee) && /createElement$/.test(source(value.callee)) && Array.isArray(value.arguments)) {
      const [tag, props] = value.arguments as AstNode[];
      if (tag && /^["'`]input["'`]$/.test(source(tag)) && props && /type\s*:\s*["'`]number/.test(source(props))) report(value);
    }
    for (const [key, child] of Object.entries(value)) if (key !== 'type') visit(child);
  };
  visit(ast);
  return found;
}

describe('no native number input in the pages (src/app)', () => {
  it('finds every form of one in a sample (so the check can fail)', () => {
    const sample = `
      const a = <input type="number" value={1} />;
      const b = (
        <input
          aria-label="x"
          type={'number'}
        />
      );
      const c = <input {...{ type: 'number' }} />;
      const d = createElement('input', { type: 'number' });
      const ok = <input type="text" inputMode="decimal" />;
      const chart = <XAxis type="number" />;
    `;
    expect(numberInputs(path.join(APP, 'sample.tsx'), sample).map((s) => s.split(' ')[0])).toEqual(['sample.tsx:2', 'sample.tsx:4', 'sample.tsx:9', 'sample.tsx:10']);
  });

  it('has none: every number field is NumberField (a decimal comma read or refused in one line)', () => {
    const files = sourceFiles(APP);
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => f.endsWith('NumberField.tsx'))).toBe(true);
    expect(files.flatMap((f) => numberInputs(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});
