// The contextual bandit model (docs/math.md §2) as one module for the library's "." entry
// (`import { bandit } from 'hnca-playground'`): the run, its forward pass, gradients and
// messages, the parameters, and the exact-gradient lab on tiny networks (§5).
export * from './banditRun.ts';
export * from './categoricalLayers.ts';
export * from './exactLab.ts';
export * from './explain.ts';
export * from './forward.ts';
export * from './gradients.ts';
export * from './messages.ts';
export * from './parameters.ts';
export * from './tinyNetwork.ts';
export * from './trace.ts';
