// docs/math.md as HTML for the site's math page (math.html): Markdown by `marked`, formulas by
// KaTeX, one anchor per numbered section (sections.ts: `s4` for §4, `s7-1` for §7.1).
// Formulas use GitHub's syntax, so the same file renders on GitHub and here: `$…$` inline and
// `$$…$$` displayed (on lines of their own, or inside a paragraph or list item); "§N" in the text
// links to section N. marked has no math of its own; its KaTeX extension on npm allows katex < 0.19
// only, and this project uses 0.19, so two short tokenizers hand the formulas to KaTeX directly.
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import { docSections, sectionAnchor } from './sections.ts';

interface MathToken extends Tokens.Generic {
  type: 'blockMath' | 'inlineMath';
  raw: string;
  tex: string;
  display: boolean;
}

/** KaTeX's HTML of one formula; a formula KaTeX cannot parse is shown as its source in red (class katex-error), never thrown. */
function formula(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: false, output: 'htmlAndMathml' });
}

/** marked's `start` of an inline extension: the index of the first `char` in the source, if any. */
function startAt(char: string): (src: string) => number | undefined {
  return (src) => {
    const at = src.indexOf(char);
    return at < 0 ? undefined : at;
  };
}

const BLOCK_MATH = /^\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/;
const INLINE_DISPLAY = /^\$\$([\s\S]+?)\$\$/;
const INLINE_MATH = /^\$((?:\\[\s\S]|[^\\$])+?)\$/;

const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  start: (src) => src.match(/^\$\$/m)?.index,
  tokenizer(src): MathToken | undefined {
    const match = BLOCK_MATH.exec(src);
    return match ? { type: 'blockMath', raw: match[0], tex: match[1].trim(), display: true } : undefined;
  },
  renderer: (token) => `<div class="math-display">${formula(String(token.tex), true)}</div>\n`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: 'inlineMath',
  level: 'inline',
  start: startAt('$'),
  tokenizer(src): MathToken | undefined {
    const display = INLINE_DISPLAY.exec(src);
    if (display) return { type: 'inlineMath', raw: display[0], tex: display[1].trim(), display: true };
    const inline = INLINE_MATH.exec(src);
    return inline ? { type: 'inlineMath', raw: inline[0], tex: inline[1].trim(), display: false } : undefined;
  },
  renderer: (token) => (token.display ? `<span class="math-display">${formula(String(token.tex), true)}</span>` : formula(String(token.tex), false)),
};

const SECTION_TITLE = /^§(\d+(?:\.\d+)*)(?=\s|$)/;
const SECTION_REFERENCE = /^§(\d+(?:\.\d+)*)/;

/** A Markdown renderer for a document whose numbered sections are `sections` ("2", "2.1", …). */
function documentRenderer(sections: ReadonlySet<string>): Marked {
  let inHeading = false;
  /** "§N" in the running text, where section N exists and outside headings: a link to its anchor. */
  const sectionReference: TokenizerAndRendererExtension = {
    name: 'sectionReference',
    level: 'inline',
    start: startAt('§'),
    tokenizer(src) {
      const match = SECTION_REFERENCE.exec(src);
      if (!match) return undefined;
      // "§7.1." ends a sentence: the longest number that names a section
      let section = match[1];
      while (!sections.has(section) && section.includes('.')) section = section.slice(0, section.lastIndexOf('.'));
      return sections.has(section) ? { type: 'sectionReference', raw: `§${section}`, section } : undefined;
    },
    renderer: (token) => (inHeading ? `§${String(token.section)}` : `<a href="#${sectionAnchor(String(token.section))}">§${String(token.section)}</a>`),
  };
  return new Marked({
    gfm: true,
    extensions: [blockMath, inlineMath, sectionReference],
    renderer: {
      /** A numbered section's heading gets its anchor (id) and a link to itself. */
      heading({ tokens, depth, text }: Tokens.Heading): string {
        inHeading = true;
        const inner = this.parser.parseInline(tokens);
        inHeading = false;
        const section = SECTION_TITLE.exec(text.trim());
        if (!section) return `<h${depth}>${inner}</h${depth}>\n`;
        const id = sectionAnchor(section[1]);
        return `<h${depth} id="${id}"><a class="anchor" href="#${id}" aria-label="Link to §${section[1]}">#</a>${inner}</h${depth}>\n`;
      },
    },
  });
}

/**
 * The HTML of a Markdown document with GitHub-style `$` formulas (docs/math.md): headings that
 * start with "§N" carry id="sN" (dots as dashes), and "§N" in the text links there. Never throws on malformed formulas (they show
 * as KaTeX's red source text).
 */
export function renderMathDoc(source: string): string {
  return documentRenderer(new Set(docSections(source))).parse(source, { async: false });
}
