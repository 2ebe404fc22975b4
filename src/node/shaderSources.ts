// The WGSL sources for Node (CLI under tsx, bench): shaders/*.wgsl read from disk.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHADER_DIR = fileURLToPath(new URL('../../shaders/', import.meta.url));

export function loadShaderSources(dir = SHADER_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (name.endsWith('.wgsl')) out[name] = readFileSync(dir + name, 'utf8');
  return out;
}
