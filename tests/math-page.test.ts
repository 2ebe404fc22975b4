// The math page's renderer (src/app/math/render.ts, issue 25) in Node: docs/math.md becomes HTML
// with every formula typeset by KaTeX (none rejected), an anchor per numbered section, and links
// for "§N" references to sections that exist; a formula KaTeX rejects shows as its source and
// never throws.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMathDoc } from '../src/app/math/render.ts';
import { docSections, sectionAnchor } from '../src/app/math/sections.ts';

const SOURCE = readFileSync(path.resolve(import.meta.dirname, '../docs/math.md'), 'utf8');

describe('renderMathDoc', () => {
  const html = renderMathDoc(SOURCE);
  it('typesets every formula of docs/math.md: no KaTeX error, no $ left over', () => {
    expect(html).not.toContain('katex-error');
    expect(html.match(/class="katex"/g)?.length ?? 0).toBeGreaterThan(200);
    expect(html.replace(/<annotation[^>]*>[\s\S]*?<\/annotation>/g, '')).not.toContain('$');
  });
  it('gives every numbered section its anchor, in order, and links only to those', () => {
    const anchors = docSections(SOURCE).map(sectionAnchor);
    expect([...html.matchAll(/<h\d id="(s[\d-]+)"/g)].map((m) => m[1])).toEqual(anchors);
    const links = [...html.matchAll(/<a href="#(s[\d-]+)">§/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const l of links) expect(anchors).toContain(l);
  });
  it('shows a formula KaTeX rejects as its source, links "§N." to §N, leaves unknown sections as text', () => {
    const small = renderMathDoc('## §1 One\n\n## §2 Two\n\nSee §2. And §9, and $\\frac{1}{$ here, and $x_1$.\n');
    expect(small).toContain('katex-error');
    expect(small).toContain('<a href="#s2">§2</a>.');
    expect(small).toContain('§9');
    expect(small).not.toContain('href="#s9"');
    expect(small).toContain('<h2 id="s1">');
  });
});
