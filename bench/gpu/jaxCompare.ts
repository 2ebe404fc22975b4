// Our WebGPU engine against the JAX peer on the same card (issue 16): run-updates/s of HNCA for
// each depth × run count, then one table with the peer's rows (bench/peer/jax/bench.py, read
// from PEER_JSON) and the ratio. Bundled by bench/gpu/prepare.sh; run by gpu-compare.sh.
// Env: MNIST_DIR (the IDX files), HNCA_SHADER_DIR, RESULTS_DIR, PEER_JSON, COMPARE_HIDDEN ("1,3"),
// COMPARE_RUNS ("1,20,60"), COMPARE_SECONDS (3 per configuration), COMPARE_CHUNK (50 updates
// per engine.step call, as the peer's scan), TRAIN_LIMIT (training images; default all).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadMnist } from '../../src/node/mnist.ts';
import { benchConfig } from '../peer/compare.ts';
import { createOurWebGpuEngine, openNodeGpu } from '../peer/webgpu.ts';

interface Row {
  engine: string;
  hidden: number;
  estimator: string;
  runs: number;
  updates: number;
  seconds: number;
  runUpdatesPerSecond: number;
  setupSeconds: number;
}

function list(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  return value.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

const hiddens = list(process.env.COMPARE_HIDDEN, [1, 3]);
const runCounts = list(process.env.COMPARE_RUNS, [1, 20, 60]);
const seconds = Number(process.env.COMPARE_SECONDS ?? 3);
const chunk = Number(process.env.COMPARE_CHUNK ?? 50);
const trainLimit = process.env.TRAIN_LIMIT ? Number(process.env.TRAIN_LIMIT) : undefined;
const out = process.env.RESULTS_DIR ?? '.';
mkdirSync(out, { recursive: true });

const opened = await openNodeGpu();
if (typeof opened === 'string') {
  console.log(`WebGPU adapter: NONE — ${opened}`);
  process.exit(1);
}
console.log(`WebGPU adapter: ${opened.description}`);
const data = loadMnist({ ...(process.env.MNIST_DIR ? { dir: process.env.MNIST_DIR } : {}), ...(trainLimit ? { trainLimit, testLimit: 100 } : {}) });
const rows: Row[] = [];
for (const hidden of hiddens) {
  for (const runs of runCounts) {
    const started = performance.now();
    const engine = await createOurWebGpuEngine({ config: benchConfig(hidden, 'hnca', runs), data }, opened.gpu);
    try {
      await engine.step(chunk); // warm-up: pipelines, first touch
      const setupSeconds = (performance.now() - started) / 1000;
      let updates = 0;
      const start = performance.now();
      do {
        await engine.step(chunk);
        updates += chunk;
      } while (performance.now() - start < seconds * 1000);
      const s = (performance.now() - start) / 1000;
      rows.push({ engine: 'ours WebGPU', hidden, estimator: 'hnca', runs, updates, seconds: s, runUpdatesPerSecond: (runs * updates) / s, setupSeconds });
      console.log(`ours WebGPU: ${hidden} hidden, hnca x${runs}: ${((runs * updates) / s).toFixed(0)} run-updates/s (${updates} updates in ${s.toFixed(2)} s; set-up ${setupSeconds.toFixed(1)} s)`);
    } finally {
      engine.dispose();
    }
  }
}

const peerFile = process.env.PEER_JSON;
const peer: { backend: string; devices: string; precision: string | null; rows: Row[] } | undefined = peerFile && existsSync(peerFile) ? JSON.parse(readFileSync(peerFile, 'utf8')) : undefined;
const lines = [
  `Our WebGPU engine (${opened.description}) vs the ${peer ? `${peer.backend} peer (${peer.devices}${peer.precision ? `, matmul precision ${peer.precision}` : ''})` : 'peer (no results: PEER_JSON missing)'}; HNCA, batch 50, width 200, ${chunk} updates per call.`,
  '',
  '| hidden | runs | ours run-updates/s | peer run-updates/s | ours ÷ peer |',
  '|---:|---:|---:|---:|---:|',
];
for (const r of rows) {
  const p = peer?.rows.find((q) => q.hidden === r.hidden && q.runs === r.runs);
  const ratio = p ? (r.runUpdatesPerSecond / p.runUpdatesPerSecond).toFixed(2) : '—';
  lines.push(`| ${r.hidden} | ${r.runs} | ${r.runUpdatesPerSecond.toFixed(0)} | ${p ? p.runUpdatesPerSecond.toFixed(0) : '—'} | ${ratio} |`);
}
console.log(`\n${lines.join('\n')}\n`);
writeFileSync(path.join(out, 'jax-compare.md'), `${lines.join('\n')}\n`);
writeFileSync(path.join(out, 'jax-compare.json'), JSON.stringify({ adapter: opened.description, ours: rows, peer: peer ?? null }, null, 1));
process.exit(0);
