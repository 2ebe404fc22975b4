// Configuration checks shared by both back ends: a clear error naming the field.
import type { Dataset } from '../../data/dataset.ts';
import { BANDIT_ESTIMATORS, EngineError, type BanditConfig } from '../types.ts';

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new EngineError(`${name} must be an integer in 1..${max}, got ${value}`, 'config');
  }
}

export function validateBanditConfig(config: BanditConfig, data: Dataset): void {
  positiveInteger('hidden', config.hidden, 16);
  positiveInteger('width', config.width, 4096);
  positiveInteger('batch', config.batch, data.train.count);
  if (!(config.lr > 0) || !Number.isFinite(config.lr)) throw new EngineError(`lr must be a positive number, got ${config.lr}`, 'config');
  if (config.estimators.length === 0) throw new EngineError('at least one estimator is needed', 'config');
  for (const e of config.estimators) {
    if (!(BANDIT_ESTIMATORS as readonly string[]).includes(e)) {
      throw new EngineError(`unknown estimator "${e}" (accepted: ${BANDIT_ESTIMATORS.join(', ')})`, 'config');
    }
  }
  if (config.seeds.length === 0) throw new EngineError('at least one seed is needed', 'config');
  for (const s of config.seeds) {
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new EngineError(`seed must be an integer in 0..4294967295, got ${s}`, 'config');
  }
  if (config.hiddenValues !== 'pm1' && config.hiddenValues !== '01') {
    throw new EngineError(`hiddenValues must be pm1 or 01, got ${String(config.hiddenValues)}`, 'config');
  }
}
