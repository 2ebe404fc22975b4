import { describe, expect, it } from 'vitest';
import { createCpuEngine } from '../backends/cpu/index.ts';
import { banditConfigOf, defaultConfig } from '../playground/config.ts';
import { engineStateToJson, isCheckpointable, type CheckpointableEngine } from '../engine/state.ts';
import type { EngineFactoryInput } from '../engine/types.ts';
import { createPatternsDataset } from './patternsDataset.ts';
import { decodeSavedTraining } from './savedTraining.ts';
import { RequestCancelled, TrainingSession } from './trainingSession.ts';

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

  it('gives no updates/s rate until it is known (never a false 0), then the measured one', async () => {
    // `msPerChunk`: the clock's advance at each chunk's end (0: chunks that take no measurable time, as a first slow chunk looks before a second ends)
    const rate = async (msPerChunk: number): Promise<{ before: number; after: number; updates: number }> => {
      const data = createPatternsDataset();
      const engine = createCpuEngine({ config: banditConfigOf({ ...defaultConfig('patterns'), seeds: 1 }), data });
      let t = 0;
      const session = new TrainingSession(engine, {
        trainCount: data.train.count,
        epochs: 5,
        recordEvery: 10,
        chunkMs: 1e6, // every chunk up to the next point: 10 updates
        checkpointEveryMs: Number.POSITIVE_INFINITY,
        now: () => t,
        yieldToEvents: async () => {
          t += msPerChunk;
          await new Promise((r) => setTimeout(r, 0));
        },
      });
      let idle = 0;
      session.onIdle = () => idle++;
      const before = session.status().updatesPerSecond;
      session.stepUpdates(40); // chunks of at most 10 updates (recordEvery): four chunk ends at least
      await until(() => idle === 1);
      const after = session.status().updatesPerSecond;
      session.dispose();
      return { before, after, updates: engine.updatesDone };
    };
    const still = await rate(0);
    expect(still.updates).toBe(40);
    expect(still.before).toBeNaN();
    expect(still.after).toBeNaN();
    const timed = await rate(500);
    expect(timed.before).toBeNaN();
    // 10 updates per 500 ms chunk
    expect(timed.after).toBeCloseTo(20, 6);
  });

  it('counts the chunk in progress in the elapsed time (a slow first chunk showed 0 s), and no rate before it ends', async () => {
    const data = createPatternsDataset();
    const engine = createCpuEngine({ config: banditConfigOf({ ...defaultConfig('patterns'), seeds: 1 }), data });
    let t = 1000;
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const step = engine.step.bind(engine);
    let entered = false;
    // the first chunk takes 5 s of the session's clock and waits until released (a WebGPU step on a software adapter)
    engine.step = async (n: number): Promise<void> => {
      if (!entered) {
        entered = true;
        t += 5000;
        await gate;
      }
      return step(n);
    };
    const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 5, recordEvery: 10, checkpointEveryMs: Number.POSITIVE_INFINITY, now: () => t });
    let idle = 0;
    session.onIdle = () => idle++;
    session.stepUpdates(20);
    await until(() => entered);
    const during = session.status();
    expect(during.elapsedSeconds).toBe(5);
    expect(during.updatesPerSecond).toBeNaN();
    expect(during.playing).toBe(true);
    release();
    await until(() => idle === 1);
    expect(session.status().elapsedSeconds).toBe(5); // nothing counted twice, nothing after the loop stopped
    expect(session.engine.updatesDone).toBe(20);
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

function checkpointableCpuEngine(input: EngineFactoryInput): CheckpointableEngine {
  const engine = createCpuEngine(input);
  if (!isCheckpointable(engine)) throw new Error('the CPU engine is not checkpointable');
  return engine;
}

describe('TrainingSession checkpoints (save model / load model)', () => {
  const nonFinite = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);

  it('a session restored from a checkpoint taken mid-window continues with exactly the same points', async () => {
    const data = createPatternsDataset();
    const config = banditConfigOf({ ...defaultConfig('patterns'), seeds: 2 });
    const options = { trainCount: data.train.count, epochs: 5, recordEvery: 25, evaluateEveryPoints: 2 };
    const original = new TrainingSession(createCpuEngine({ config, data }), options);
    let idle = 0;
    original.onIdle = () => idle++;
    original.stepUpdates(60); // not a multiple of recordEvery: the window in progress is saved too
    await until(() => idle === 1);
    const { checkpoint, snapshot } = await original.checkpoint();
    expect(snapshot.points.map((p) => p.update)).toEqual([25, 50]);
    expect(checkpoint.state.updatesDone).toBe(60);
    // through JSON, as in a model file
    const text = JSON.stringify({ engine: engineStateToJson(checkpoint.state), progress: checkpoint.progress }, nonFinite);
    original.stepUpdates(90);
    await until(() => idle === 2);
    const expected = original.takeSnapshot();
    original.dispose();

    const saved = decodeSavedTraining(JSON.parse(text), 'test file');
    const engine = checkpointableCpuEngine({ config, data });
    await engine.importState(saved.state, 'test file');
    const restored = new TrainingSession(engine, { ...options, from: saved.progress });
    expect(restored.status().updates).toBe(60);
    expect(restored.status().epoch).toBe((60 * 16) / data.train.count);
    let restoredIdle = 0;
    restored.onIdle = () => restoredIdle++;
    restored.stepUpdates(90);
    await until(() => restoredIdle === 1);
    const got = restored.takeSnapshot();
    expect(got.points.map((p) => p.update)).toEqual([75, 100, 125, 150]);
    expect(got.points.filter((p) => p.tested).map((p) => p.update)).toEqual(expected.points.filter((p) => p.tested).map((p) => p.update));
    expect(got.points).toEqual(expected.points);
    expect(got.status.epoch).toBe(expected.status.epoch);
    restored.dispose();
  });

  it('keeps an in-memory checkpoint when the loop stops, not after every update', async () => {
    const data = createPatternsDataset();
    const engine = checkpointableCpuEngine({ config: banditConfigOf(defaultConfig('patterns')), data });
    let exports = 0;
    const exportState = engine.exportState.bind(engine);
    engine.exportState = () => {
      exports++;
      return exportState();
    };
    const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 5, recordEvery: 25, checkpointEveryMs: 60_000 });
    let idle = 0;
    session.onIdle = () => idle++;
    expect(session.lastCheckpoint).toBeNull();
    session.stepUpdates(200);
    await until(() => idle === 1);
    expect(exports).toBe(2); // the first chunk (none before) and the stop
    expect(session.lastCheckpoint?.state.updatesDone).toBe(200);
    session.dispose();
  });

  it('a step asked for while the pause’s checkpoint is taken still runs (it was dropped: the loop had ended and nothing restarted it)', async () => {
    const data = createPatternsDataset();
    const engine = checkpointableCpuEngine({ config: banditConfigOf(defaultConfig('patterns')), data });
    // a slow export (the WebGPU engine reads its buffers back): each waits until released here
    const held: (() => void)[] = [];
    const releaseOne = (): void => held.shift()?.();
    const exportState = engine.exportState.bind(engine);
    engine.exportState = async () => {
      await new Promise<void>((resolve) => held.push(resolve));
      return exportState();
    };
    const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 50, recordEvery: 25, checkpointEveryMs: 60_000 });
    let idle = 0;
    session.onIdle = () => idle++;
    session.stepUpdates(30);
    await until(() => held.length > 0); // the first chunk's checkpoint
    releaseOne();
    await until(() => held.length > 0); // the checkpoint at the stop after 30 updates
    expect(session.engine.updatesDone).toBe(30);
    session.stepUpdates(3); // +1 clicked while that checkpoint is taken
    releaseOne();
    // the steps run after that checkpoint (and the exports of later ones are answered in turn)
    const release = setInterval(releaseOne, 5);
    try {
      await until(() => session.engine.updatesDone === 33, 10_000);
      await until(() => idle > 0 && !session.status().playing, 10_000);
    } finally {
      clearInterval(release);
    }
    expect(session.engine.updatesDone).toBe(33);
    session.dispose();
  });

  it('refuses a damaged training state in one line', () => {
    expect(() => decodeSavedTraining({ engine: {}, progress: {} }, 'upload.json')).toThrow(/^upload\.json: not a checkpoint/);
    expect(() => decodeSavedTraining(null, 'upload.json')).toThrow('upload.json: no training state (expected { engine, progress })');
  });

  describe('a long test evaluation (the VAE bound with a large K) is interruptible', () => {
    const SLICES = 400;
    /** a patterns session whose test evaluation takes SLICES progress slices (each a macrotask); `slices` counts those done */
    function slowEvaluation(): { session: TrainingSession; slices: () => number; disposed: () => boolean; errors: string[] } {
      const data = createPatternsDataset();
      const engine = createCpuEngine({ config: banditConfigOf({ ...defaultConfig('patterns'), seeds: 1 }), data });
      let slices = 0;
      let disposed = false;
      const evaluate = engine.evaluate.bind(engine);
      engine.evaluate = async (options) => {
        for (let i = 1; i <= SLICES; i++) {
          await new Promise((r) => setTimeout(r, 0));
          slices += 1;
          await options?.onProgress?.(i, SLICES);
        }
        return evaluate({});
      };
      const dispose = engine.dispose.bind(engine);
      engine.dispose = () => {
        disposed = true;
        dispose();
      };
      const session = new TrainingSession(engine, { trainCount: data.train.count, epochs: 5, recordEvery: 10, evaluateEveryPoints: 1, checkpointEveryMs: Number.POSITIVE_INFINITY });
      const errors: string[] = [];
      session.onError = (m) => errors.push(m);
      return { session, slices: () => slices, disposed: () => disposed, errors };
    }
    const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

    it('a pause holds the evaluation at its next slice (said as paused at once); play finishes it with the same numbers', async () => {
      const { session, slices } = slowEvaluation();
      let idle = 0;
      session.onIdle = () => idle++;
      session.play();
      await until(() => slices() >= 5);
      session.pause();
      expect(session.status().playing).toBe(false);
      await settle();
      const held = slices();
      await settle();
      expect(slices()).toBe(held); // no slice while paused
      expect(held).toBeLessThan(SLICES);
      expect(session.engine.updatesDone).toBe(10);
      session.play();
      await until(() => slices() >= SLICES + 5); // the first evaluation finished, training went on to the next point's
      const first = session.takeSnapshot().points[0];
      expect([first.update, first.tested, first.runs.every((r) => r.test !== null)]).toEqual([10, true, true]);
      expect(idle).toBe(0);
      session.dispose();
    });

    it('a request for the engine during a paused evaluation lets it finish, then runs', async () => {
      const { session, slices } = slowEvaluation();
      session.play();
      await until(() => slices() >= 5);
      session.pause();
      await settle();
      const held = slices();
      // a read-only request (inspect, VAE views on the CPU engine) runs beside the held evaluation, which stays held
      expect(await session.whenIdleChunk(async () => session.engine.updatesDone, { alongsideHeldEvaluation: true })).toBe(10);
      await settle();
      expect(slices()).toBe(held);
      // any other request (a state export) lets it finish first
      const answer = await session.whenIdleChunk(async () => session.engine.updatesDone);
      expect(answer).toBe(10);
      expect(slices()).toBe(SLICES);
      expect(session.status().playing).toBe(false);
      session.dispose();
    });

    it('dispose stops the evaluation at its next slice, releases the engine, reports no error and cancels requests with a reason', async () => {
      const { session, slices, disposed, errors } = slowEvaluation();
      session.play();
      await until(() => slices() >= 5);
      const waiting = session.whenIdleChunk(async () => 'answered').catch((error: unknown) => error);
      session.dispose('the configuration changed');
      await until(disposed);
      expect(slices()).toBeLessThan(SLICES);
      const outcome = await waiting;
      expect(outcome).toBeInstanceOf(RequestCancelled);
      expect(outcome instanceof Error ? outcome.message : outcome).toBe('the configuration changed');
      await expect(session.whenIdleChunk(async () => 'late')).rejects.toThrow('the configuration changed');
      await settle();
      expect(errors).toEqual([]);
    });
  });
});
