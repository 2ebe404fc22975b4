// The stochastic units every model is built of (docs/math.md §2, §7.1) as one module for the
// library's "." entry (`import { units } from 'hnca-playground'`): Bernoulli, categorical and
// softmax units, the running-mean baseline and Glorot initialisation.
export * from './baseline.ts';
export * from './bernoulli.ts';
export * from './categorical.ts';
export * from './flipTables.ts';
export * from './init.ts';
export * from './softmax.ts';
export * from './types.ts';
