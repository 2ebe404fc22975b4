// webgpu-utils 2.x names Float16Array in its type tables at module load. Node 20 (and browsers
// before Chrome 135) lack it; the bandit kernels use no f16 types, so a stand-in that is never
// used for data is enough. Imported before webgpu-utils by webgpuUtils.ts.
const g = globalThis as { Float16Array?: unknown };
if (typeof g.Float16Array === 'undefined') g.Float16Array = class Float16ArrayUnavailable extends Uint16Array {};
export {};
