// The sections of docs/math.md (the project's account of its math) and the URLs of the page the
// site serves it as (math.html): one anchor per numbered section, `s4` for §4, `s7-1` for §7.1.
// Pure functions: the math page, the playground's links and tests/docs-citations.test.ts share them.

/** A heading of docs/math.md that opens a numbered section: `## §4 The gradient-variance metric` (any level 2–6). */
const SECTION_HEADING = /^#{2,6}[ \t]+§(\d+(?:\.\d+)*)(?=[ \t]|$)/;

/**
 * The section number a markdown heading line opens ("4", "7.1"), or null for any other line.
 * @param line one line of docs/math.md, without its newline
 */
export function sectionOfHeading(line: string): string | null {
  const match = SECTION_HEADING.exec(line);
  return match ? match[1] : null;
}

/** Every section number docs/math.md's text `markdown` defines, in order of appearance. */
export function docSections(markdown: string): string[] {
  const sections: string[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const section = sectionOfHeading(line);
    if (section !== null) sections.push(section);
  }
  return sections;
}

/** The HTML id of a section on math.html: "s" and the number with dots as dashes ("7.1" → "s7-1"). */
export function sectionAnchor(section: string): string {
  return `s${section.replace(/\./g, '-')}`;
}

/**
 * The relative URL of a section of the math page, e.g. `math.html#s4` (docs/math.md §4). Relative,
 * so it works wherever the built site is served (the pages sit side by side in dist/).
 */
export function mathDocHref(section: string): string {
  return `math.html#${sectionAnchor(section)}`;
}
