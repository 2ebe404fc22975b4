// The WGSL sources for Node (CLI under tsx, bench): shaders/*.wgsl read from disk.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHADER_DIR = fileURLToPath(new URL('../../shaders/', import.meta.url));

/** $HNCA_SHADER_DIR overrides the folder (the GPU-machine bundle carries shaders/ beside itself). */
export function loadShaderSources(dir = process.env.HNCA_SHADER_DIR ?? SHADER_DIR): Record<string, string> {
  if (!dir.endsWith('/')) dir += '/';
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (name.endsWith('.wgsl')) out[name] = readFileSync(dir + name, 'utf8');
  return out;
}
