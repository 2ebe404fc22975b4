// The engine configuration of a playground configuration.
import type { BanditConfig } from '../engine/types.ts';
import { seedList, type PlaygroundConfig } from '../app/model/config.ts';

export function banditConfigOf(config: PlaygroundConfig): BanditConfig {
  return {
    task: 'bandit',
    hidden: config.hidden,
    width: config.width,
    hiddenValues: config.hiddenValues,
    estimators: config.estimators,
    seeds: seedList(config),
    batch: config.batch,
    optimizer: config.optimizer,
    lr: config.lr,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
  };
}
