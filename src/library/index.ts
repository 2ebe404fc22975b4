// The library's main entry ("." in package.json's exports map): the engine contract, the
// estimators, the models and the CPU engine; pure TypeScript (no Node, no DOM), so it runs in
// Node and in a bundled page alike. The WebGPU engine is "./webgpu" (webgpu.ts); the Node
// adapters (Dawn, shaders from disk, worker threads, MNIST files) are "./node" (node.ts).
// Built by `npm run build:lib` (tsconfig.build.json) into lib/library/*.js with .d.ts types. The math each piece implements: docs/math.md (§2 bandit, §3 VAE,
// §4 gradient variance, §7.1 categorical units, §7.2 conv bandit).

// the engine contract: configurations, TrainingEngine, EngineError, counters and records
export * from '../engine/types.ts';
export * from '../engine/estimators.ts';
export * from '../engine/records.ts';
export * from '../engine/state.ts';
export { ENGINE_RANGES, inRange, rangeText, type Range, type RangedField } from '../engine/ranges.ts';
// the one tidy results table (CSV) the CLI and the playground write
export * from '../engine/resultsTable.ts';
export { validateBanditConfig, validateConvBanditConfig, validateVaeConfig, validateHyperparameterChange } from '../engine/validate.ts';
// training by epochs (train) or window by window (TrainingLoop)
export * from '../engine/trainer.ts';
export * from '../engine/trainingLoop.ts';
// the CPU engine (docs/math.md §2, §3, §7.2)
export { createCpuEngine, createConvBanditCpuEngine } from '../backends/cpu/index.ts';
// datasets: the shapes, IDX parsing, minibatches, and the tiny 4×4 patterns task
export * from '../data/dataset.ts';
export { IdxError, parseIdxDataset, parseIdxImages, parseIdxLabels, isGzip, type IdxFile, type IdxDatasetFiles, type IdxImages } from '../data/idx.ts';
export { MinibatchStream, epochPermutation } from '../data/minibatch.ts';
export { createPatternsDataset, PATTERN_PROTOTYPES, PATTERN_SIZE, PATTERN_FLIP_PROBABILITY } from '../worker/patternsDataset.ts';
// the counter-based random numbers every engine draws from
export { hash32, streamKey, randomBits, uniformFromBits, uniform, pixelIsOn } from '../rng/counterRng.ts';
// the models, one namespace each
export * as units from '../models/units/index.ts';
export * as bandit from '../models/bandit/index.ts';
export * as vae from '../models/vae/index.ts';
