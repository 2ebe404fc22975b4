// TrainingLoop: the loop both the CLI (train) and the playground's worker (TrainingSession) drive.
import { describe, expect, it } from 'vitest';
import { isBanditRecord } from '../src/engine/records.ts';
import { TrainingLoop } from '../src/engine/trainingLoop.ts';
import { PAPER_OPTIMIZER, type BanditConfig } from '../src/engine/types.ts';
import { FAKE_DATA, FakeEngine } from './helpers/fakeEngine.ts';

const data = FAKE_DATA;

const config = (): BanditConfig => ({ task: 'bandit', hidden: 1, width: 3, hiddenValues: 'pm1', estimators: ['hnca', 'reinforce'], seeds: [0], batch: 50, ...PAPER_OPTIMIZER });

describe('TrainingLoop', () => {
  it('counts examples across a batch change and stops at the run length, the last update overrunning by less than a batch', async () => {
    const engine = new FakeEngine({ config: config(), data });
    const loop = new TrainingLoop(engine, { trainCount: 1000, epochs: 2 });
    expect(loop.updatesLeft).toBe(40);
    expect(await loop.step(10)).toBe(10);
    expect(loop.epoch).toBe(0.5);
    engine.config.batch = 300; // as setHyperparameters({ batch: 300 }) would
    expect(loop.updatesLeft).toBe(5); // 1500 examples left: 4 updates and one more
    expect(await loop.step(100)).toBe(5);
    expect(engine.stepCalls).toEqual([10, 5]);
    expect(loop.examplesDone).toBe(2000);
    expect(loop.finished).toBe(true);
    expect(await loop.step(1)).toBe(0);
    expect(engine.stepCalls).toEqual([10, 5]);
  });

  it('makes one record per run for each window, with the evaluation when asked and the time since the previous window', async () => {
    const engine = new FakeEngine({ config: config(), data });
    let clock = 0;
    const loop = new TrainingLoop(engine, { trainCount: 1000, epochs: 5, now: () => (clock += 1000) });
    await loop.step(4);
    const first = await loop.closeWindow(1, false);
    await loop.step(6);
    const second = await loop.closeWindow(2, true);
    expect(first.records.map((r) => r.updates)).toEqual([4, 4]);
    expect(second.records.map((r) => r.updates)).toEqual([10, 10]);
    const [a, b] = [first.records[1], second.records[0]];
    if (!isBanditRecord(a) || !isBanditRecord(b)) throw new Error('expected bandit records');
    expect(a.testAccuracy).toBeNull();
    expect(b.testAccuracy).toBeCloseTo(0.51, 12);
    expect(a.trainAccuracy).toBeCloseTo(0.2, 12);
    expect(a.layerGradVariance).toEqual([1, 2]);
    // the clock ticks 1 s per read: window a (no evaluation) 1 s; window b reads it before and
    // after evaluating, so 2 s of which 1 s is evaluation
    expect([a.seconds, b.seconds]).toEqual([1, 2]);
    expect([a.evaluationSeconds, b.evaluationSeconds]).toEqual([0, 1]);
    expect(b.epoch).toBe(2);
  });

  it('differences against the counters of an engine that trained before the loop started', async () => {
    const engine = new FakeEngine({ config: config(), data });
    await engine.step(7);
    const loop = new TrainingLoop(engine, { trainCount: 1000, epochs: 1 });
    await loop.step(3);
    const [record] = (await loop.closeWindow(1, false)).records;
    expect(record.updates).toBe(10);
    expect(record.layerGradVariance).toEqual([1, 2]); // (10 − 7)·(l + 1) over 3 updates
    expect(loop.examplesDone).toBe(150);
  });

  it('reports a run that goes non-finite once, and is finished when every run has', async () => {
    const engine = new FakeEngine({ config: config(), data });
    const readCounters = engine.readCounters.bind(engine);
    let broken = [false, false];
    engine.readCounters = async () => (await readCounters()).map((c, i) => (broken[i] ? { ...c, finite: false, failure: `run ${i} broke` } : c));
    const loop = new TrainingLoop(engine, { trainCount: 1000, epochs: 5 });
    await loop.step(1);
    broken = [false, true];
    expect((await loop.closeWindow(0, false)).failures).toEqual([{ run: 1, failure: 'run 1 broke' }]);
    expect(loop.finished).toBe(false);
    await loop.step(1);
    broken = [true, true];
    const window = await loop.closeWindow(0, false);
    expect(window.failures).toEqual([{ run: 0, failure: 'run 0 broke' }]);
    expect(window.records.map((r) => r.finite)).toEqual([false, false]);
    expect(loop.failedRuns).toBe(2);
    expect(loop.finished).toBe(true);
  });
});
