// The discrete hierarchical VAE (docs/math.md §3) as one module for the library's "." entry
// (`import { vae } from 'hnca-playground'`): the run, its forward pass, the estimators' learning
// signals, the gradients, the K-sample bound (§3) and the parameters.
export * from './bound.ts';
export * from './counterfactual.ts';
export * from './draws.ts';
export * from './estimators.ts';
export * from './forward.ts';
export * from './gradients.ts';
export * from './params.ts';
export * from './trace.ts';
export * from './vaeRun.ts';
export * from './views.ts';
