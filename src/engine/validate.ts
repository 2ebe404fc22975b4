// Configuration checks shared by every back end and task: a clear error naming the field.
import type { Dataset } from '../data/dataset.ts';
import { VAE_ABLATED_ESTIMATORS } from './estimators.ts';
import { ENGINE_RANGES, inRange, rangeText, type RangedField } from './ranges.ts';
import { BANDIT_ESTIMATORS, CONV_LAYER_CHOICES, EngineError, UNIT_KINDS, VAE_ESTIMATORS, type BanditConfig, type ConvBanditConfig, type VaeConfig } from './types.ts';

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new EngineError(`${name} must be an integer in 1..${max}, got ${value}`, 'config');
  }
}

/** Checks an integer field against its row of the engine's range table (ranges.ts). */
function ranged(name: string, field: RangedField, value: number): void {
  const range = ENGINE_RANGES[field];
  if (!inRange(range, value)) throw new EngineError(`${name} must be an integer in ${rangeText(range)}, got ${value}`, 'config');
}

function positiveLearningRate(lr: number): void {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new EngineError(`learning rate must be a positive number, got ${lr}`, 'config');
}

/** Width, batch, lr, estimators (from `accepted`) and seeds: what every task has. */
function validateCommon(config: BanditConfig | VaeConfig | ConvBanditConfig, data: Dataset, accepted: readonly string[], kind: string): void {
  ranged('width', 'width', config.width);
  positiveInteger('batch', config.batch, Math.min(ENGINE_RANGES.batch.max, data.train.count));
  positiveLearningRate(config.lr);
  if (config.estimators.length === 0) throw new EngineError('at least one estimator is needed', 'config');
  for (const e of config.estimators) {
    if (!accepted.includes(e)) throw new EngineError(`unknown ${kind}estimator "${e}" (accepted: ${accepted.join(', ')})`, 'config');
  }
  if (config.seeds.length === 0) throw new EngineError('at least one seed is needed', 'config');
  for (const s of config.seeds) {
    ranged('seed', 'seed', s);
  }
}

/**
 * Checks a bandit configuration (docs/math.md §2; categorical units §7.1).
 * @throws EngineError('config') naming the first field out of range: hidden, width, batch, lr,
 * estimators, seeds, hiddenValues, units (bernoulli | categorical), categories (an integer in
 * MIN_CATEGORIES..MAX_CATEGORIES with categorical units; absent or 2 with Bernoulli units).
 */
export function validateBanditConfig(config: BanditConfig, data: Dataset): void {
  ranged('hidden', 'hidden', config.hidden);
  validateCommon(config, data, BANDIT_ESTIMATORS, '');
  if (config.hiddenValues !== 'pm1' && config.hiddenValues !== '01') {
    throw new EngineError(`hiddenValues must be pm1 or 01, got ${String(config.hiddenValues)}`, 'config');
  }
  const units = config.units ?? 'bernoulli';
  if (!UNIT_KINDS.includes(units)) throw new EngineError(`units must be ${UNIT_KINDS.join(' or ')}, got ${String(units)}`, 'config');
  if (units === 'categorical') {
    const n = config.categories;
    if (n === undefined || !inRange(ENGINE_RANGES.categories, n)) {
      throw new EngineError(`categories must be an integer in ${rangeText(ENGINE_RANGES.categories)} for categorical units, got ${String(n)}`, 'config');
    }
  } else if (config.categories !== undefined && config.categories !== 2) {
    throw new EngineError(`categories ${config.categories} needs units categorical (Bernoulli units have 2 values)`, 'config');
  }
}

/** The most channels a conv-bandit convolution may have (the paper's 16, with room): ENGINE_RANGES.channels. */
export const MAX_CONV_CHANNELS = ENGINE_RANGES.channels.max;
/** The largest ConvBanditConfig.varianceEvery (a metric point still needs a measured update): ENGINE_RANGES.varianceEvery. */
export const MAX_VARIANCE_EVERY = ENGINE_RANGES.varianceEvery.max;

/**
 * Checks a conv-bandit configuration (docs/math.md §7.2) against its data: images of at least
 * 2·convLayers + 1 pixels a side (VALID 3×3 convolutions shrink each side by 2).
 * @throws EngineError('config') naming the first field out of range: convLayers (1 or 2),
 * channels (1..MAX_CONV_CHANNELS), width, batch, lr, estimators, seeds, hiddenValues, or the image size.
 */
export function validateConvBanditConfig(config: ConvBanditConfig, data: Dataset): void {
  if (!CONV_LAYER_CHOICES.includes(config.convLayers)) throw new EngineError(`convLayers must be ${CONV_LAYER_CHOICES.join(' or ')}, got ${String(config.convLayers)}`, 'config');
  ranged('channels', 'channels', config.channels);
  if (config.varianceEvery !== undefined) ranged('varianceEvery', 'varianceEvery', config.varianceEvery);
  validateCommon(config, data, BANDIT_ESTIMATORS, '');
  if (config.hiddenValues !== 'pm1' && config.hiddenValues !== '01') {
    throw new EngineError(`hiddenValues must be pm1 or 01, got ${String(config.hiddenValues)}`, 'config');
  }
  const side = Math.min(data.rows, data.cols);
  if (side < 2 * config.convLayers + 1) throw new EngineError(`${config.convLayers} 3×3 convolutions need images of at least ${2 * config.convLayers + 1} pixels a side, got ${data.rows}×${data.cols}`, 'config');
}

export function validateVaeConfig(config: VaeConfig, data: Dataset): void {
  ranged('layers', 'layers', config.layers);
  ranged('testK', 'testK', config.testK);
  validateCommon(config, data, [...VAE_ESTIMATORS, ...VAE_ABLATED_ESTIMATORS], 'VAE ');
}

/** The mid-run changes setHyperparameters accepts (every engine checks them the same way). */
export function validateHyperparameterChange(change: { lr?: number; batch?: number }, trainCount: number): void {
  if (change.lr !== undefined) positiveLearningRate(change.lr);
  if (change.batch !== undefined) positiveInteger('batch size', change.batch, trainCount);
}
