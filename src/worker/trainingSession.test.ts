import { describe, expect, it } from 'vitest';
import { createCpuEngine } from '../engine/cpu/index.ts';
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

function patternsSession(epochs: number): TrainingSession {
  const data = createPatternsDataset();
  const engine = createCpuEngine({ config: banditConfigOf({ ...defaultConfig('patterns'), seeds: 2 }), data });
  return new TrainingSession(engine, { trainCount: data.train.count, epochs, recordEvery: 25 });
}

describe('TrainingSession', () => {
  it('steps exactly the requested updates and records a point per window', async () => {
    const session = patternsSession(5);
    let idle = 0;
    session.onIdle = () => idle++;
    session.stepUpdates(60);
    await until(() => idle === 1);
    expect(session.engine.updatesDone).toBe(60);
    const snapshot = session.takeSnapshot();
    expect(snapshot.points.map((p) => p.update)).toEqual([25, 50]);
    expect(snapshot.points[0].runs).toHaveLength(4);
    expect(snapshot.status.playing).toBe(false);
    session.dispose();
  });

  it('learns the patterns task above chance and stops at the epoch budget', async () => {
    const session = patternsSession(3);
    let idle = 0;
    session.onIdle = () => idle++;
    session.play();
    await until(() => idle === 1);
    const status = session.status();
    expect(status.finished).toBe(true);
    expect(status.epoch).toBeGreaterThanOrEqual(3);
    const points = session.takeSnapshot().points;
    const last = points[points.length - 1];
    for (const run of last.runs) {
      expect(run.test).not.toBeNull();
      expect(run.test ?? 0).toBeGreaterThan(0.5); // chance is 0.25
      expect(Number.isFinite(run.logVar)).toBe(true);
    }
    session.dispose();
  });

  it('pause stops the loop', async () => {
    const session = patternsSession(50);
    session.play();
    await new Promise((r) => setTimeout(r, 50));
    session.pause();
    await new Promise((r) => setTimeout(r, 50));
    const at = session.engine.updatesDone;
    await new Promise((r) => setTimeout(r, 100));
    expect(session.engine.updatesDone).toBe(at);
    expect(at).toBeGreaterThan(0);
    session.dispose();
  });
});

describe('TrainingSession with a run that goes non-finite', () => {
  it('reports the failure once, with NaN values for that run, while the others go on', async () => {
    const data = createPatternsDataset();
    const engine = createCpuEngine({ config: banditConfigOf(defaultConfig('patterns')), data });
    const readCounters = engine.readCounters.bind(engine);
    // run 1 "produces NaN" from update 50 on
    engine.readCounters = async () => {
      const counters = await readCounters();
      if (engine.updatesDone >= 50) counters[1] = { ...counters[1], finite: false, failure: 'NaN in the output logits' };
      return counters;
    };
    const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 5, recordEvery: 25 });
    let idle = 0;
    session.onIdle = () => idle++;
    session.stepUpdates(100);
    await until(() => idle === 1);
    const { points, failures } = session.takeSnapshot();
    expect(failures).toEqual([{ run: 1, failure: 'NaN in the output logits', update: 50, epoch: (50 * 16) / 2000 }]);
    expect(Number.isNaN(points[1].runs[1].train)).toBe(true);
    expect(Number.isFinite(points[1].runs[0].train)).toBe(true);
    expect(Number.isNaN(points[3].runs[1].logVar)).toBe(true);
    expect(session.takeSnapshot().failures).toEqual([]);
    session.dispose();
  });
});
