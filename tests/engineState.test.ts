// The checkpoint format (src/engine/state.ts): exact round trips and one-line errors.
import { describe, expect, it } from 'vitest';
import { checkStateFits, decodeEngineState, encodeEngineState, EngineStateError, type EngineState } from '../src/engine/state.ts';
import { PAPER_OPTIMIZER, type BanditConfig } from '../src/engine/types.ts';

const config: BanditConfig = { task: 'bandit', hidden: 1, width: 2, hiddenValues: 'pm1', estimators: ['hnca'], seeds: [3], batch: 4, ...PAPER_OPTIMIZER };

function sample(): EngineState {
  const f32 = new Float32Array([1.5, -0, 1e-45, Number.POSITIVE_INFINITY, 3.4028234663852886e38, -7.25]);
  return {
    format: 'hnca-engine-state',
    version: 1,
    config,
    dataset: { train: 100, test: 10, pixels: 3, classes: 10 },
    updatesDone: 57,
    evaluations: 2,
    streams: [{ seed: 3, epoch: 2, cursor: 12 }],
    runs: [
      {
        index: 0,
        estimator: 'hnca',
        seed: 3,
        counters: { updates: 57, examples: 228, scoreSum: 31, gradVarianceSum: Number.NaN, layerGradVarianceSum: [0.1, Number.NEGATIVE_INFINITY], finite: false, failure: 'non-finite gradient' },
        baselines: [0.123456789012345],
        optimizerSteps: 57,
        tensors: [
          { name: 'W0', shape: [3, 2], value: f32, m: new Float32Array(6).fill(0.5), v: new Float32Array(6) },
          { name: 'c', shape: [2], value: new Float64Array([Math.PI, -Number.MIN_VALUE]), m: new Float64Array(2), v: new Float64Array([1, 2]) },
        ],
      },
    ],
  };
}

const bits = (a: Float32Array | Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('engine state format', () => {
  it('round-trips every bit of f32 and f64 tensors, non-finite counters and baselines', () => {
    const state = sample();
    const back = decodeEngineState(encodeEngineState(state), 'x.ckpt');
    expect(back.runs[0].tensors[0].value).toBeInstanceOf(Float32Array);
    expect(back.runs[0].tensors[1].value).toBeInstanceOf(Float64Array);
    for (let k = 0; k < 2; k++) {
      for (const key of ['value', 'm', 'v'] as const) expect(bits(back.runs[0].tensors[k][key])).toEqual(bits(state.runs[0].tensors[k][key]));
    }
    expect(Object.is(back.runs[0].tensors[0].value[1], -0)).toBe(true);
    expect(back.runs[0].counters).toEqual(state.runs[0].counters);
    expect(back.runs[0].baselines[0]).toBe(0.123456789012345);
    expect(back.streams).toEqual(state.streams);
    expect(back.config).toEqual(config);
  });

  it('refuses what is not a checkpoint, another version, and damaged tensors, naming the source', () => {
    const good = JSON.parse(encodeEngineState(sample()));
    const cases: [unknown, RegExp][] = [
      ['{', /^x\.ckpt: not a checkpoint \(not JSON/],
      [{ ...good, format: 'other' }, /not a checkpoint \(no "format": "hnca-engine-state"\)/],
      [{ ...good, version: 2 }, /checkpoint format version 2; this program reads version 1/],
      [{ ...good, updatesDone: -1 }, /updatesDone: expected an integer ≥ 0, got -1/],
      [{ ...good, runs: [] }, /runs: expected a non-empty array/],
    ];
    const shortTensor = structuredClone(good);
    shortTensor.runs[0].tensors[0].value.base64 = btoa('\0\0\0\0'); // one f32
    cases.push([shortTensor, /runs\[0\]\.tensors\[0\] \(W0\)\.value: 1 values, but shape \[3, 2\] needs 6/]);
    const badDtype = structuredClone(good);
    badDtype.runs[0].tensors[1].m.dtype = 'f16';
    cases.push([badDtype, /tensors\[1\] \(c\)\.m: expected \{ dtype: "f32" \| "f64", base64 \}/]);
    for (const [doc, message] of cases) {
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      expect(() => decodeEngineState(text, 'x.ckpt')).toThrow(EngineStateError);
      expect(() => decodeEngineState(text, 'x.ckpt')).toThrow(message);
    }
  });

  it('checks that a checkpoint fits the run: model shape, data sizes, estimator and seed of each run', () => {
    const state = sample();
    const runs = [{ index: 0, estimator: 'hnca', seed: 3 }];
    expect(() => checkStateFits(state, { ...config, lr: 0.5, batch: 9 }, state.dataset, runs, 'x.ckpt')).not.toThrow();
    expect(() => checkStateFits(state, { ...config, width: 3 }, state.dataset, runs, 'x.ckpt')).toThrow('x.ckpt: was saved with width 2, this run has 3');
    expect(() => checkStateFits(state, config, { ...state.dataset, train: 50 }, runs, 'x.ckpt')).toThrow('x.ckpt: was saved with 100 train images, this run has 50');
    expect(() => checkStateFits(state, config, state.dataset, [{ index: 0, estimator: 'reinforce', seed: 3 }], 'x.ckpt')).toThrow('run 0 was hnca seed 3, this run has reinforce seed 3');
    expect(() => checkStateFits(state, config, state.dataset, [{ index: 1, estimator: 'hnca', seed: 4 }], 'x.ckpt')).toThrow('holds no run 1');
  });
});
