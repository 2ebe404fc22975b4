// A finished run given more epochs trains on from where it stopped, without a reset (issue 24:
// the playground's "train N more epochs").
import { describe, expect, it } from 'vitest';
import { createCpuEngine } from '../backends/cpu/index.ts';
import { banditConfigOf, defaultConfig } from '../playground/config.ts';
import { createPatternsDataset } from './patternsDataset.ts';
import { TrainingSession } from './trainingSession.ts';

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('TrainingSession.setEpochs', () => {
  it('extends a finished run: playing on trains the new epochs, keeping the updates already done', async () => {
    const data = createPatternsDataset(160, 40); // 10 updates an epoch at batch 16
    const engine = createCpuEngine({ config: banditConfigOf(defaultConfig('patterns')), data });
    const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 1, recordEvery: 5 });
    let idle = 0;
    session.onIdle = () => idle++;
    session.play();
    await until(() => idle === 1);
    expect(session.status()).toMatchObject({ finished: true, updates: 10, epochs: 1 });
    session.setEpochs(3);
    expect(session.status()).toMatchObject({ finished: false, updates: 10, epochs: 3 });
    session.play();
    await until(() => idle === 2);
    expect(session.status()).toMatchObject({ finished: true, updates: 30, epochs: 3 });
    // a budget below the epochs done finishes the run at once; a non-positive one is refused
    session.setEpochs(2);
    expect(session.finished).toBe(true);
    expect(() => session.setEpochs(0)).toThrow(RangeError);
    session.dispose();
  });
});
