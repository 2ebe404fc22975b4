// Each WGSL kernel against the CPU engine's code on random inputs (docs/math.md §5 parity):
// outputs are poisoned (NaN) first and every element is checked, padding included.
import { describe, expect, it } from 'vitest';
import { allocSparseRows, binarizeRows, epochPermutation, trainBinarizeKey } from '../src/data/minibatch.ts';
import { clippedSigmoid } from '../src/models/units/bernoulli.ts';
import { streamKey, uniform } from '../src/rng/counterRng.ts';
import { Stream } from '../src/rng/streams.ts';
import { runKernel, maxRelativeError } from './helpers/kernelHarness.ts';
import { randomImageSet } from './helpers/gpuTest.ts';
import { TestRandom } from './helpers/random.ts';
import { TILINGS, ACTIONS, B, CAP, expectPaddingPoisoned, f32, flatParams, layerParams, pack, PIXELS, R, randomRun, runStates, SEEDS, SIZES, u32, unpack, WIDTH } from './helpers/kernelFixtures.ts';


describe('WGSL kernels vs the CPU engine', () => {
  it('binarize_minibatch: gathered, dynamically binarized pixels and labels (train gather and test offset)', async () => {
    const set = randomImageSet(40, PIXELS, 10, 9);
    const perms = SEEDS.map((s) => epochPermutation(s, 2, set.count));
    const packed = new Uint32Array(Math.ceil(set.images.length / 4));
    new Uint8Array(packed.buffer).set(set.images);
    for (const gather of [1, 0]) {
      const cursor = 17;
      const offset = 9;
      const out = await runKernel({
        kernel: 'binarize_minibatch',
        layer: layerParams(0),
        step: { batch: B, gather, cursor, permStride: set.count, exampleOffset: offset, binarizeStep: 2, binarizeStream: gather ? Stream.binarizeTrain : Stream.binarizeTest },
        inputs: { images: packed, labels: Uint32Array.from(set.labels), permutation: Uint32Array.from([...perms[0], ...perms[1]]), groupSeeds: Uint32Array.from(SEEDS) },
        outputs: { pixelsOut: R * CAP * PIXELS, batchLabels: R * CAP },
        grid: [1, B, R],
      });
      const pixels = f32(out.pixelsOut);
      let on = 0;
      for (let g = 0; g < R; g++) {
        const indices = gather ? perms[g].subarray(cursor, cursor + B) : Uint32Array.from({ length: B }, (_, b) => offset + b);
        const key = gather ? trainBinarizeKey(SEEDS[g], 2) : streamKey(SEEDS[g], 2, Stream.binarizeTest);
        const rows = allocSparseRows(B, PIXELS);
        binarizeRows(set, PIXELS, indices, key, rows);
        const dense = new Float32Array(B * PIXELS);
        for (let b = 0; b < B; b++) for (let k = rows.onStart[b]; k < rows.onStart[b + 1]; k++) dense[b * PIXELS + rows.onIndex[k]] = 1;
        expect(unpack(pixels, g, PIXELS)).toEqual(Array.from(dense));
        on += dense.reduce((a, v) => a + v, 0);
        expect(Array.from(u32(out.batchLabels).subarray(g * CAP, g * CAP + B))).toEqual(Array.from(indices, (n) => set.labels[n]));
      }
      expect(on).toBeGreaterThan(0);
      expectPaddingPoisoned(pixels, PIXELS);
    }
  });

  it.each(['pm1', '01'] as const)('affine_logits (%s): z = [x, 1]·[W; b] for pixel and hidden inputs, tiled', async (values) => {
    const runs = SEEDS.map((s) => randomRun(s, values, 'hnca'));
    const rnd = new TestRandom(3);
    const pixelsPerGroup = SEEDS.map(() => Float32Array.from({ length: B * PIXELS }, () => rnd.bit(0.3)));
    for (const [tile, depth] of TILINGS) {
      for (let k = 0; k < 3; k++) {
        const inW = SIZES[k];
        const outW = SIZES[k + 1];
        const inputsPerRun = k === 0 ? pixelsPerGroup : runs.map((run) => Float32Array.from(run.scratch.sample[k - 1].subarray(0, B * inW)));
        const out = await runKernel({
          kernel: 'affine_logits',
          tile,
          depth,
          layer: layerParams(k, values === 'pm1'),
          step: { batch: B },
          runs: runStates,
          inputs: { params: flatParams(runs, 'value'), inputs: pack(inputsPerRun, inW) },
          outputs: { logits: R * CAP * outW },
          grid: [Math.ceil(outW / tile), Math.ceil(B / tile), R],
        });
        const logits = f32(out.logits);
        runs.forEach((run, r) => {
          const w = run.params.weights[k].value;
          const bias = run.params.biases[k].value;
          const x = inputsPerRun[r];
          const expected: number[] = [];
          const scale: number[] = [];
          for (let b = 0; b < B; b++) {
            for (let i = 0; i < outW; i++) {
              let z = bias[i];
              let mag = Math.abs(bias[i]);
              for (let j = 0; j < inW; j++) {
                const v = k > 0 && values === 'pm1' ? 2 * x[b * inW + j] - 1 : x[b * inW + j];
                z += v * w[j * outW + i];
                mag += Math.abs(v * w[j * outW + i]);
              }
              expected.push(z);
              scale.push(mag);
            }
          }
          const got = unpack(logits, r, outW);
          // float32 summation: error relative to the sum of |terms| (the dot product's scale)
          got.forEach((g, e) => expect(Math.abs(g - expected[e]) / scale[e]).toBeLessThan(1e-5));
        });
        expectPaddingPoisoned(logits, outW);
      }
    }
  });

  it('bernoulli_sample (the VAE program\'s; the bandit samples in affine_bernoulli_sample): clipped probabilities and samples from the counter-based RNG', async () => {
    const rnd = new TestRandom(4);
    const logits = SEEDS.map(() => Float32Array.from({ length: B * WIDTH }, () => rnd.range(-14, 14)));
    const layer = 1;
    const step = { batch: B, keyStep: 123, hiddenStream: Stream.hiddenBase, exampleOffset: 7 };
    const out = await runKernel({
      kernel: 'bernoulli_sample',
      layer: { ...layerParams(layer), outWidth: WIDTH },
      step,
      runs: runStates,
      inputs: { logits: pack(logits, WIDTH) },
      outputs: { probs: R * CAP * WIDTH, samples: R * CAP * WIDTH },
      grid: [Math.ceil((B * WIDTH) / 64), 1, R],
    });
    let nearTies = 0;
    let ones = 0;
    SEEDS.forEach((seed, r) => {
      const key = streamKey(seed, step.keyStep, Stream.hiddenBase + layer);
      const p = Array.from(logits[r], (u) => clippedSigmoid(u));
      expect(maxRelativeError(unpack(f32(out.probs), r, WIDTH), p).worst).toBeLessThan(1e-5);
      const samples = unpack(f32(out.samples), r, WIDTH);
      samples.forEach((s, e) => {
        const u = uniform(key, step.exampleOffset * WIDTH + e);
        const expected = u < Math.fround(p[e]) ? 1 : 0;
        ones += s;
        // a sample may differ only when u is within float32 rounding of p
        if (s !== expected) expect(Math.abs(u - p[e])).toBeLessThan(1e-6 * Math.max(p[e], 1e-5) + 1e-7);
        if (Math.abs(u - p[e]) < 1e-6) nearTies++;
      });
    });
    expect(ones).toBeGreaterThan(0);
    expect(nearTies).toBeLessThan(3);
    expectPaddingPoisoned(f32(out.probs), WIDTH);
    expectPaddingPoisoned(f32(out.samples), WIDTH);
  });

  it.each(['pm1', '01'] as const)('affine_bernoulli_sample (%s): the logits of affine_logits, then clipped probabilities and samples from the counter-based RNG', async (values) => {
    const runs = SEEDS.map((s) => randomRun(s, values, 'hnca'));
    const rnd = new TestRandom(4);
    const pixelsPerGroup = SEEDS.map(() => Float32Array.from({ length: B * PIXELS }, () => rnd.bit(0.3)));
    const step = { batch: B, keyStep: 123, hiddenStream: Stream.hiddenBase, exampleOffset: 7 };
    let nearTies = 0;
    let ones = 0;
    let zeros = 0;
    for (const [tile, depth] of TILINGS) {
      for (const k of [0, 1]) {
        const inW = SIZES[k];
        const outW = SIZES[k + 1];
        const inputsPerRun = k === 0 ? pixelsPerGroup : runs.map((run) => Float32Array.from(run.scratch.sample[k - 1].subarray(0, B * inW)));
        const common = { tile, depth, layer: layerParams(k, values === 'pm1'), step, runs: runStates, inputs: { params: flatParams(runs, 'value'), inputs: pack(inputsPerRun, inW) }, grid: [Math.ceil(outW / tile), Math.ceil(B / tile), R] as [number, number, number] };
        const fused = await runKernel({ kernel: 'affine_bernoulli_sample', ...common, outputs: { logits: R * CAP * outW, probs: R * CAP * outW, samples: R * CAP * outW } });
        const plain = await runKernel({ kernel: 'affine_logits', ...common, outputs: { logits: R * CAP * outW } });
        // the same product, bit for bit
        expect(Array.from(f32(fused.logits))).toEqual(Array.from(f32(plain.logits)));
        SEEDS.forEach((seed, r) => {
          const key = streamKey(seed, step.keyStep, Stream.hiddenBase + k);
          const p = unpack(f32(fused.logits), r, outW).map((u) => clippedSigmoid(u));
          expect(maxRelativeError(unpack(f32(fused.probs), r, outW), p).worst).toBeLessThan(1e-5);
          unpack(f32(fused.samples), r, outW).forEach((s, e) => {
            const u = uniform(key, step.exampleOffset * outW + e);
            const expected = u < Math.fround(p[e]) ? 1 : 0;
            if (s === 1) ones++;
            else zeros++;
            // a sample may differ only when u is within float32 rounding of p
            if (s !== expected) expect(Math.abs(u - p[e])).toBeLessThan(1e-6 * Math.max(p[e], 1e-5) + 1e-7);
            if (Math.abs(u - p[e]) < 1e-6) nearTies++;
          });
        });
        for (const name of ['logits', 'probs', 'samples'] as const) expectPaddingPoisoned(f32(fused[name]), outW);
      }
    }
    expect(ones).toBeGreaterThan(0);
    expect(zeros).toBeGreaterThan(0);
    expect(nearTies).toBeLessThan(3);
  });

  it('softmax_action_reward: π, action, reward, learning signal and the output signal R(e_a − π)', async () => {
    const rnd = new TestRandom(5);
    const logits = SEEDS.map(() => Float32Array.from({ length: B * ACTIONS }, () => rnd.range(-4, 4)));
    const labels = Uint32Array.from({ length: R * CAP }, () => rnd.int(ACTIONS));
    const step = { batch: B, keyStep: 42, actionStream: Stream.action, exampleOffset: 3 };
    const out = await runKernel({
      kernel: 'softmax_action_reward',
      layer: layerParams(2),
      step,
      runs: runStates,
      inputs: { logits: pack(logits, ACTIONS), batchLabels: labels },
      outputs: { probs: R * CAP * ACTIONS, signals: R * CAP * ACTIONS, actions: R * CAP, rewards: R * CAP * 2 },
      grid: [1, 1, R],
    });
    let rewarded = 0;
    SEEDS.forEach((seed, r) => {
      const key = streamKey(seed, step.keyStep, Stream.action);
      const probs = unpack(f32(out.probs), r, ACTIONS);
      const signals = unpack(f32(out.signals), r, ACTIONS);
      for (let b = 0; b < B; b++) {
        // the CPU forward pass (src/models/bandit/forward.ts) in float64
        const z = Array.from(logits[r].subarray(b * ACTIONS, (b + 1) * ACTIONS));
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, v) => a + v, 0);
        const pi = e.map((v) => v / sum);
        const u = uniform(key, step.exampleOffset + b);
        let a = ACTIONS - 1;
        let cumulative = 0;
        for (let k = 0; k < ACTIONS; k++) {
          cumulative += pi[k];
          if (u < cumulative) {
            a = k;
            break;
          }
        }
        expect(maxRelativeError(probs.slice(b * ACTIONS, (b + 1) * ACTIONS), pi).worst).toBeLessThan(1e-5);
        expect(u32(out.actions)[r * CAP + b]).toBe(a);
        const reward = a === labels[runStates[r].group * CAP + b] ? 1 : 0;
        rewarded += reward;
        const signal = runStates[r].useBaseline ? reward - runStates[r].baseline : reward;
        expect(Array.from(f32(out.rewards).subarray(2 * (r * CAP + b), 2 * (r * CAP + b) + 2))).toEqual([reward, signal]);
        const expected = pi.map((p, k) => signal * ((k === a ? 1 : 0) - p));
        expect(maxRelativeError(signals.slice(b * ACTIONS, (b + 1) * ACTIONS), expected, 1e-6).worst).toBeLessThan(1e-5);
      }
    });
    expect(rewarded).toBeGreaterThan(0);
    expectPaddingPoisoned(f32(out.probs), ACTIONS);
    for (let r = 0; r < R; r++) for (let b = B; b < CAP; b++) expect(u32(out.actions)[r * CAP + b]).toBe(0x7fc00000);
  });
});
