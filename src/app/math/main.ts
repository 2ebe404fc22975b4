// Entry point of math.html: docs/math.md rendered with its formulas (render.ts), a table of the
// numbered sections, and the URL's #sN anchor scrolled to once the text is in place.
import 'katex/dist/katex.min.css';
import source from '../../../docs/math.md?raw';
import { renderMathDoc } from './render.ts';
import './math.css';

const doc = document.getElementById('doc');
const toc = document.querySelector<HTMLElement>('.math-toc');
if (!doc || !toc) throw new Error('math.html lacks #doc or .math-toc');
try {
  doc.innerHTML = renderMathDoc(source);
} catch (error) {
  doc.textContent = `The math page could not be rendered (${error instanceof Error ? error.message : String(error)}); the text is docs/math.md in the repository.`;
}

// the table of contents: every numbered heading (h2 and h3), linked by its anchor
const list = document.createElement('ol');
for (const heading of doc.querySelectorAll<HTMLElement>('h2[id], h3[id]')) {
  const item = document.createElement('li');
  item.className = heading.tagName === 'H3' ? 'sub' : '';
  const link = document.createElement('a');
  link.href = `#${heading.id}`;
  link.textContent = heading.textContent?.replace(/^#/, '') ?? heading.id;
  item.append(link);
  list.append(item);
}
toc.append(list);

// the anchor in the URL did not exist when the browser looked for it: go there now
if (window.location.hash) document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView();
