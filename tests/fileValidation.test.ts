// Issue 26: files validated before anything changes. Hand-edited checkpoints and model files are
// checked against a schema of every field's type and shape (src/engine/fileSchemas.ts, valibot):
// one line naming the field, nothing changed on refusal, never a raw TypeError.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModelFile, MODEL_FILE_KIND, MODEL_FILE_VERSION } from '../src/app/model/modelFile.ts';
import { readCheckpoint } from '../src/cli/checkpoint.ts';
import { hnca } from './helpers/cliInProcess.ts';
import { createCpuEngine } from '../src/backends/cpu/index.ts';
import { engineStateFromJson, engineStateToJson, EngineStateError, isCheckpointable } from '../src/engine/state.ts';
import { banditConfigOf, defaultConfig } from '../src/playground/config.ts';
import { createPatternsDataset } from '../src/worker/patternsDataset.ts';
import { decodeSavedTraining } from '../src/worker/savedTraining.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-valid-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file of a folder with its text: to prove a refusal changed nothing. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The paths of every leaf of a JSON value ("runs[0].epochs[1].seconds"), without base64 payloads. */
function leaves(value: Json, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [at];
  if (Array.isArray(value)) return value.length === 0 ? [at] : value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
  const keys = Object.keys(value);
  if (keys.includes('base64')) return [at];
  return keys.length === 0 ? [at] : keys.flatMap((k) => leaves(value[k], at === '' ? k : `${at}.${k}`));
}

/** A deep copy of `value` with the leaf at `where` replaced. */
function withLeaf(value: Json, where: string, replacement: Json): Json {
  const copy = structuredClone(value);
  const parts = where.match(/[^.[\]]+/g) ?? [];
  let node = copy as Record<string, Json>;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, Json>;
  node[parts[parts.length - 1]] = replacement;
  return copy;
}

let checkpointText = '';
const dir = path.join(tmp, 'run');

beforeAll(async () => {
  mkdirSync(dir);
  const r = await hnca(['train', '--estimator', 'hnca,reinforce', '--train-limit', '60', '--test-limit', '10', '--width', '4', '--batch', '20', '--epochs', '2', '--engine', 'cpu', '--threads', '1', '--out', path.join(dir, 'b.json')]);
  expect(r.status, r.stderr).toBe(0);
  checkpointText = readFileSync(path.join(dir, 'b.checkpoint.json'), 'utf8');
}, 60_000);

describe('hand-edited checkpoints: one line naming the field, nothing changed', () => {
  const cases: [string, (doc: Record<string, Json>) => void, string][] = [
    ['runs[0].epochs = 5', (d) => void ((d.runs as Record<string, Json>[])[0].epochs = 5), 'runs[0].epochs: expected a list, got 5'],
    ['runs[0] = null', (d) => void ((d.runs as Json[])[0] = null), 'runs[0]: expected an object, got null'],
    ['"seconds": "NaN"', (d) => void (d.seconds = 'NaN'), 'seconds: expected a finite number, got NaN'],
    ['a record\'s test accuracy a string', (d) => void (((d.runs as Record<string, Json[]>[])[1].epochs[0] as Record<string, Json>).testAccuracy = 'high'), 'runs[1].epochs[0].testAccuracy'],
    ['an epoch record missing', (d) => void ((d.runs as Record<string, Json[]>[])[0].epochs.pop()), 'runs[0].epochs: 1 records, but epochsDone is 2'],
    ['epochs out of order', (d) => void (((d.runs as Record<string, Json[]>[])[0].epochs[0] as Record<string, Json>).epoch = 2), 'runs[0].epochs[0].epoch: expected 1, got 2'],
    ['argv holding a number', (d) => void ((d.argv as Json[])[0] = 7), 'argv[0]: expected a string, got 7'],
  ];
  for (const [name, edit, field] of cases) {
    it(name, async () => {
      const doc = JSON.parse(checkpointText) as Record<string, Json>;
      edit(doc);
      const file = path.join(dir, 'b.checkpoint.json');
      writeFileSync(file, JSON.stringify(doc));
      const before = snapshot(dir);
      const r = await hnca(['train', '--resume', file, '--epochs', '3']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith(`hnca: ${file}: ${field}`), r.stderr).toBe(true);
      expect(r.stderr.split('\n')).toHaveLength(2); // one line
      expect(snapshot(dir)).toEqual(before);
    });
  }
  it('every field of the checkpoint set to null, a string or -1: refused in one line or read, never a raw TypeError', async () => {
    const doc = JSON.parse(checkpointText) as Json;
    const paths = leaves(doc);
    expect(paths.length).toBeGreaterThan(50);
    for (const where of paths) {
      for (const bad of [null, 'x', -1] as Json[]) {
        const file = path.join(tmp, 'fuzz.checkpoint.json');
        writeFileSync(file, JSON.stringify(withLeaf(doc, where, bad)));
        try {
          readCheckpoint(file);
        } catch (error) {
          expect(error, `${where} = ${JSON.stringify(bad)}: ${String(error)}`).toBeInstanceOf(EngineStateError);
          expect((error as Error).message).not.toContain('\n');
          expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
        }
      }
    }
  });
});

describe('model files: every field checked before the page or the worker changes anything', () => {
  const modelFile = (points: Json, extra: Record<string, Json> = {}): string =>
    JSON.stringify({ kind: MODEL_FILE_KIND, version: MODEL_FILE_VERSION, update: 20, config: defaultConfig('patterns') as unknown as Json, points, failures: [], training: { engine: { runs: [{}] }, progress: {} }, ...extra });

  it('points holding {"update": 20, "runs": [{}]} (the page went blank): refused naming the field', () => {
    expect(() => decodeModelFile(modelFile([{ update: 20, runs: [{}] }]), 'm.json')).toThrow(/^m\.json: points\[0\]\.runs\[0\]\.train: expected a number \(or "NaN", "Infinity", "-Infinity"\), got nothing$|^m\.json: points\[0\]\.(epoch|tested)/);
    expect(() => decodeModelFile(modelFile([{ update: 20, epoch: 1, tested: false, runs: [{}] }]), 'm.json')).toThrow(/^m\.json: points\[0\]\.runs\[0\]\.(train|logVar|test|layerLogVar): expected/);
    const point = { update: 20, epoch: 1, tested: false, runs: [{ train: 0.5, test: null, logVar: -3, layerLogVar: [-3] }] };
    expect(decodeModelFile(modelFile([point]), 'm.json').points).toEqual([point]);
    // one entry per run of the training state
    expect(() => decodeModelFile(modelFile([{ ...point, runs: [] }]), 'm.json')).toThrow('m.json: points[0].runs: expected one entry per run (1), got 0');
    expect(() => decodeModelFile(modelFile([point], { failures: [{ run: 3, failure: 'x', update: 1, epoch: 0 }] }), 'm.json')).toThrow('m.json: failures[0].run: run 3 does not exist (1 runs)');
  });

  it('the worker\'s training state: every field set to null, a string or -1 is refused in one line naming the file, never a raw TypeError', () => {
    const checkpoint = JSON.parse(checkpointText) as { state: Json };
    const runs = (checkpoint.state as { runs: { counters: Json }[] }).runs;
    const saved: Json = { engine: checkpoint.state, progress: { examples: 40, pointsSinceEvaluation: 1, trainingMs: 12.5, failed: [], windowCounters: runs.map((r) => r.counters) } };
    expect(decodeSavedTraining(saved, 'up.json').progress.examples).toBe(40);
    let refused = 0;
    for (const where of leaves(saved)) {
      for (const bad of [null, 'x', -1] as Json[]) {
        try {
          decodeSavedTraining(withLeaf(saved, where, bad), 'up.json');
        } catch (error) {
          refused += 1;
          expect(error, `${where} = ${JSON.stringify(bad)}: ${String(error)}`).toBeInstanceOf(EngineStateError);
          expect((error as Error).message).toMatch(/^up\.json: [^\n]+$/);
        }
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(() => decodeSavedTraining({ ...(saved as Record<string, Json>), progress: { ...((saved as Record<string, Json>).progress as Record<string, Json>), trainingMs: 'NaN' } }, 'up.json')).toThrow('up.json: progress.trainingMs: expected a number, got "NaN"');
  });
});

describe('an engine state that decodes but does not fit is refused before the engine changes', () => {
  it('a saved learning rate or batch that is not a number, or counters of another depth: one line, the engine untouched', async () => {
    const data = createPatternsDataset();
    const engine = createCpuEngine({ config: banditConfigOf(defaultConfig('patterns')), data });
    if (!isCheckpointable(engine)) throw new Error('the CPU engine exports its state');
    await engine.step(3);
    const good = JSON.parse(JSON.stringify(engineStateToJson(await engine.exportState()))) as Record<string, Record<string, unknown>>;
    const before = JSON.stringify(engineStateToJson(await engine.exportState()));
    const edits: [string, (s: typeof good) => void, RegExp][] = [
      ['lr', (s) => void (s.config.lr = 'x'), /^up\.json: config\.lr: expected a finite number > 0, got "x"$/],
      ['batch', (s) => void (s.config.batch = 0), /^up\.json: config\.batch: expected an integer ≥ 1, got 0$/],
      ['layers', (s) => void ((s.runs as unknown as { counters: { layerGradVarianceSum: unknown[] } }[])[0].counters.layerGradVarianceSum.push(0)), /^up\.json: run 0: counters\.layerGradVarianceSum has 3 layers, this model has 2$/],
    ];
    for (const [name, edit, message] of edits) {
      const state = structuredClone(good);
      edit(state);
      await expect(engine.importState(engineStateFromJson(state, 'up.json'), 'up.json'), name).rejects.toThrow(message);
    }
    expect(JSON.stringify(engineStateToJson(await engine.exportState()))).toBe(before);
    engine.dispose();
  });
});
