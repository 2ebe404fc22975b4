// The project stands alone (issue 25): no tracked file cites the private design notes, and every
// citation of the project's math doc — "docs/math.md §N" (also wrapped over comment lines, and
// lists such as "§2, §3"), "docs/math.md section N" in Python, and the playground's links
// "math.html#sN" — names a section that docs/math.md has.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docSections, sectionAnchor } from '../src/app/math/sections.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const THIS_FILE = 'tests/docs-citations.test.ts';

/** The private notes' file name, assembled so that this file never contains it verbatim. */
const PRIVATE_NOTES = new RegExp(['DESIGN', 'md'].join('\\.'), 'i');

/** Between words of a citation: whitespace and comment leaders (`//`, ` * `, `#`) of a wrapped line. */
const GAP = String.raw`(?:[\s*#]|//)*`;
const NUMBER = String.raw`\d+(?:\.\d+)*`;
/** "docs/math.md §2", "docs/math.md §2, §3 and §7.1", "docs/math.md section 2". */
const CITATION = new RegExp(String.raw`docs/math\.md${GAP}(?:§${GAP}|section\s+)(${NUMBER})((?:${GAP}(?:,|and|or|–)${GAP}§${GAP}${NUMBER})*)`, 'g');
const FOLLOWING = new RegExp(String.raw`§${GAP}(${NUMBER})`, 'g');
/** A link to a section of the served page: math.html#s4, math.html#s7-1. */
const LINK = /math\.html#(s[\d-]+)/g;

interface Finding {
  file: string;
  line: number;
  what: string;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every cited section of `text` with the line it starts on. */
export function citedSections(text: string): { section: string; line: number }[] {
  const found: { section: string; line: number }[] = [];
  for (const match of text.matchAll(CITATION)) {
    const line = lineOf(text, match.index);
    found.push({ section: match[1], line });
    for (const more of match[2].matchAll(FOLLOWING)) found.push({ section: more[1], line });
  }
  return found;
}

/** What is wrong in `text` (file `file`) given the doc's sections: private-notes citations, missing sections, dead anchors. */
export function citationProblems(file: string, text: string, sections: readonly string[]): Finding[] {
  const problems: Finding[] = [];
  const known = new Set(sections);
  const anchors = new Set(sections.map(sectionAnchor));
  text.split('\n').forEach((content, k) => {
    if (PRIVATE_NOTES.test(content)) problems.push({ file, line: k + 1, what: `cites the private design notes: ${content.trim()}` });
  });
  for (const { section, line } of citedSections(text)) {
    if (!known.has(section)) problems.push({ file, line, what: `cites docs/math.md §${section}, which the doc does not have` });
  }
  for (const match of text.matchAll(LINK)) {
    if (!anchors.has(match[1])) problems.push({ file, line: lineOf(text, match.index), what: `links to math.html#${match[1]}, which the page does not have` });
  }
  return problems;
}

const DOC = readFileSync(path.join(ROOT, 'docs/math.md'), 'utf8');
const SECTIONS = docSections(DOC);

describe('docs/math.md', () => {
  it('has every section the code cites: §1–§7 with §2.1, §2.2, §3.1–§3.5 and §7.1–§7.3, each once', () => {
    for (const s of ['1', '2', '2.1', '2.2', '3', '3.1', '3.2', '3.3', '3.4', '3.5', '4', '5', '6', '7', '7.1', '7.2', '7.3']) expect(SECTIONS).toContain(s);
    expect(new Set(SECTIONS).size).toBe(SECTIONS.length);
  });
});

describe('the checker', () => {
  const sections = ['1', '2', '7', '7.1'];
  it('finds single, listed, wrapped and Python-style citations', () => {
    const text = [
      '// docs/math.md §2 and docs/math.md §7.1',
      '/** the same (docs/math.md',
      ' * §7.1), a list: docs/math.md §1, §2 and',
      ' * §7; """docs/math.md section 2"""',
    ].join('\n');
    expect(citedSections(text).map((c) => `${c.section}@${c.line}`)).toEqual(['2@1', '7.1@1', '7.1@2', '1@3', '2@3', '7@3', '2@4']);
    expect(citationProblems('ok.ts', text, sections)).toEqual([]);
  });
  it('fails on a missing section, in every citation form, and on a dead anchor', () => {
    const text = ['// docs/math.md §9', '/* docs/math.md', ' * §7.4 */', '# docs/math.md §2, §8', '"""docs/math.md section 5"""', "href: 'math.html#s7-9'"].join('\n');
    expect(citationProblems('bad.ts', text, sections).map((p) => `${p.line}: ${p.what}`)).toEqual([
      '1: cites docs/math.md §9, which the doc does not have',
      '2: cites docs/math.md §7.4, which the doc does not have',
      '4: cites docs/math.md §8, which the doc does not have',
      '5: cites docs/math.md §5, which the doc does not have',
      '6: links to math.html#s7-9, which the page does not have',
    ]);
  });
  it('fails on a citation of the private design notes', () => {
    const name = ['DESIGN', 'md'].join('.');
    expect(citationProblems('old.ts', `// see ${name} §4`, sections)).toEqual([{ file: 'old.ts', line: 1, what: `cites the private design notes: // see ${name} §4` }]);
  });
});

describe('every tracked file', () => {
  it('cites no private notes and only sections docs/math.md has', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\0')
      .filter((f) => f !== '' && f !== THIS_FILE);
    const problems: Finding[] = [];
    let citations = 0;
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(ROOT, file));
      } catch {
        continue; // listed but absent in this checkout (deleted, not yet committed)
      }
      if (bytes.includes(0)) continue; // binary
      const text = bytes.toString('utf8');
      citations += citedSections(text).length;
      problems.push(...citationProblems(file, text, SECTIONS));
    }
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.what}`)).toEqual([]);
    // the check ran over the real citations (over 300 when it was written)
    expect(citations).toBeGreaterThan(300);
  });
});
