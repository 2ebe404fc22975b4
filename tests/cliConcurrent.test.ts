// hnca reproduce fig1 --concurrent yes: every depth of the grid trains at the same time on one
// shared WebGPU device (SwiftShader here), and the results are those of one depth after another.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWithoutNodeWebgpu } from './helpers/nodeWebgpuMissing.ts';
import { main } from '../src/cli/main.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hnca-concurrent-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function hnca(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (t) => void (out += t), isTTY: false }, stderr: (t) => void (err += t) });
  return { status, out, err };
}

interface GridCellDoc {
  hidden: number;
  runs: { epochs: Record<string, unknown>[] }[];
}

/** Per depth, the runs without wall-clock seconds. */
function gridOf(dir: string): unknown {
  const doc = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { grid: GridCellDoc[] };
  return doc.grid.map((cell) => ({ hidden: cell.hidden, runs: cell.runs.map((r) => ({ ...r, epochs: r.epochs.map(({ seconds: _s, evaluationSeconds: _e, ...rest }) => rest) })) }));
}

const grid = ['reproduce', 'fig1', '--hidden', '1,3', '--estimator', 'hnca,reinforce-baseline', '--seeds', '1', '--epochs', '2', '--train-limit', '60', '--test-limit', '20', '--width', '8', '--batch', '20', '--lr', '0.01', '--engine', 'webgpu'];

describe('hnca reproduce fig1 --concurrent yes', () => {
  it('trains the depths at once on one device, with the results of one depth after another', { timeout: 180_000 }, async () => {
    skipWithoutNodeWebgpu();
    const apart = path.join(tmp, 'apart');
    const together = path.join(tmp, 'together');
    const one = await hnca([...grid, '--out', apart]);
    expect(one.err).toBe('');
    expect(one.status).toBe(0);
    const both = await hnca([...grid, '--concurrent', 'yes', '--out', together]);
    expect(both.err).toBe('');
    expect(both.status).toBe(0);
    expect(both.out).toMatch(/^training 2 depths at once on one WebGPU device: /m);
    expect(both.out).toMatch(/one device shared by the depths of the grid/);
    expect(both.out).toMatch(/^grid wall-clock time: \d+\.\d s \(all depths at once on one device\)$/m);
    const doc = JSON.parse(readFileSync(path.join(together, 'results.json'), 'utf8'));
    expect(doc.concurrent).toBe(true);
    expect(doc.grid.map((c: GridCellDoc) => c.hidden)).toEqual([1, 3]);
    expect(doc.grid[1].runs).toHaveLength(2);
    expect(doc.grid[1].runs[0].epochs).toHaveLength(2);
    expect(gridOf(together)).toEqual(gridOf(apart));
  });

  it('refuses in one line without --engine webgpu', async () => {
    const r = await hnca(['reproduce', 'fig1', '--concurrent', 'yes', '--engine', 'cpu', '--out', path.join(tmp, 'no')]);
    expect(r.status).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--concurrent yes .* needs --engine webgpu \(got --engine cpu\)/);
  });
});
