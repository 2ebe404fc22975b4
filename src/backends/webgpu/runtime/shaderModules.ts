// Composes WGSL sources: a kernel file is prefixed with the shared snippets it includes, in
// the order its program declares them (string concatenation; the sources are injected, see
// shaderSources.browser.ts and src/node/shaderSources.ts), and with what its declaration
// generates: u32 constants ahead of everything, @binding declarations ahead of the file. Knows
// no model: which snippets, constants and bindings a kernel has is declared by the kernel
// catalog (src/backends/webgpu/kernels/catalog.ts).
import { EngineError } from '../../../engine/types.ts';

/** One generated `@group(0) @binding(n)` declaration: a uniform, or a storage buffer read or written. */
export interface KernelBinding {
  /** the WGSL variable name (and the name its buffer is bound by, pipelines.ts bindKernel) */
  name: string;
  /** the WGSL type: a struct name for a uniform, e.g. `array<f32>` for a storage buffer */
  type: string;
  access: 'uniform' | 'read' | 'read_write';
}

/** What a kernel's declaration generates into its WGSL. */
export interface GeneratedWgsl {
  /** `const NAME: u32 = value;` ahead of the includes (e.g. WORKGROUP_SIZE, STREAM_ACTION) */
  defines?: Readonly<Record<string, number>>;
  /** the bindings, numbered 0, 1, … in order, between the includes and the kernel file */
  bindings?: readonly KernelBinding[];
}

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
 * WGSL `const` declarations of u32 values, one a line.
 * @throws EngineError('internal') for a name that is not a WGSL identifier or a value that is not a u32
 */
export function wgslDefines(defines: Readonly<Record<string, number>>): string {
  return Object.entries(defines)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new EngineError(`WebGPU engine: generated constant name ${JSON.stringify(name)} is not a WGSL identifier`, 'internal');
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new EngineError(`WebGPU engine: generated constant ${name} = ${value} is not a u32`, 'internal');
      return `const ${name}: u32 = ${value}u;`;
    })
    .join('\n');
}

/** WGSL declarations of `bindings` in group 0, numbered from 0 in order. */
export function wgslBindings(bindings: readonly KernelBinding[]): string {
  return bindings.map((b, i) => `@group(0) @binding(${i}) var<${b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`}> ${b.name}: ${b.type};`).join('\n');
}

/**
 * The WGSL of `file` after its `includes` (file names, in order), each part headed by a
 * `// ---- name` comment; with `generated`, its constants first and its bindings just before `file`.
 * @throws EngineError('internal') naming a file that was not supplied, or a bad generated constant
 */
export function composeShader(files: ReadonlyMap<string, string>, includes: readonly string[], file: string, generated: GeneratedWgsl = {}): string {
  const parts: string[] = [];
  if (generated.defines && Object.keys(generated.defines).length > 0) parts.push(`// ---- generated constants\n${wgslDefines(generated.defines)}`);
  for (const f of includes) parts.push(`// ---- ${f}\n${source(files, f)}`);
  if (generated.bindings && generated.bindings.length > 0) parts.push(`// ---- generated bindings\n${wgslBindings(generated.bindings)}`);
  parts.push(`// ---- ${file}\n${source(files, file)}`);
  return parts.join('\n');
}
