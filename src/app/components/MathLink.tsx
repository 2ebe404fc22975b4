// Links from the playground and the Learn page to the math page (math.html, docs/math.md rendered
// with its formulas): a section's link, and user-visible text whose "docs/math.md §N" citations
// become links. They open in a new tab, so a training run in progress is never left behind.
import { Fragment, type ReactNode } from 'react';
import { mathDocHref } from '../math/sections.ts';

/** A link to section `section` ("4", "7.1") of the math page; its text defaults to "§N". */
export function MathLink({ section, children, testId }: { section: string; children?: ReactNode; testId?: string }) {
  return (
    <a className="math-link" href={mathDocHref(section)} target="_blank" rel="noopener" title={`How this is computed: docs/math.md §${section} (opens the math page)`} data-testid={testId}>
      {children ?? `§${section}`}
    </a>
  );
}

const CITATION = /docs\/math\.md §(\d+(?:\.\d+)*)/g;

/**
 * `text` with every "docs/math.md §N" shown as a link "§N" to that section of the math page;
 * text without a citation comes back as it is.
 */
export function withMathLinks(text: string): ReactNode {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const match of text.matchAll(CITATION)) {
    parts.push(text.slice(at, match.index));
    parts.push(<MathLink key={match.index} section={match[1]} />);
    at = match.index + match[0].length;
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.map((p, k) => (typeof p === 'string' ? <Fragment key={`t${k}`}>{p}</Fragment> : p));
}
