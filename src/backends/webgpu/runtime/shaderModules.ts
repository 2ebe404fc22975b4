// Composes WGSL sources: a kernel file is prefixed with the shared snippets it includes, in
// the order its program declares them (string concatenation; the sources are injected, see
// shaderSources.browser.ts and src/node/shaderSources.ts). Knows no model: which snippets a
// kernel includes is declared by its program (e.g. bandit/kernels.ts).
import { EngineError } from '../../../engine/types.ts';

/**
 * The sources by file name. Accepts keys "name.wgsl" or paths ending in it
 * ("../../../shaders/name.wgsl", as import.meta.glob gives them).
 */
export function normalizeSources(shaders: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, text] of Object.entries(shaders)) out.set(key.slice(key.lastIndexOf('/') + 1), text);
  return out;
}

function source(files: ReadonlyMap<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new EngineError(`WebGPU engine: shader source ${name} was not supplied (have: ${[...files.keys()].join(', ') || 'none'})`, 'internal');
  return text;
}

/**
 * The WGSL of `file` after its `includes` (file names, in order), each part headed by a
 * `// ---- name` comment.
 * @throws EngineError('internal') naming a file that was not supplied
 */
export function composeShader(files: ReadonlyMap<string, string>, includes: readonly string[], file: string): string {
  return [...includes, file].map((f) => `// ---- ${f}\n${source(files, f)}`).join('\n');
}
