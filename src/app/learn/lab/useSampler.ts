// Runs the lab's EstimatorSampler in small chunks on timers (a few ms each), so the page stays
// responsive; `version` changes after every chunk so charts redraw.
import { useEffect, useMemo, useRef, useState } from 'react';
import { EstimatorSampler } from '../../../models/bandit/exactLab.ts';
import type { BanditParameters } from '../../../models/bandit/parameters.ts';
import type { TinyProblem } from '../../../models/bandit/tinyNetwork.ts';

export interface SamplerHandle {
  sampler: EstimatorSampler;
  version: number;
  running: boolean;
  setRunning(running: boolean): void;
  restart(): void;
}

export function useSampler(params: BanditParameters, problem: TinyProblem, k: number, seed: number, baseline: number, perTick: number): SamplerHandle {
  const [generation, setGeneration] = useState(0);
  const sampler = useMemo(() => new EstimatorSampler(params, problem, k, seed, baseline), [params, problem, k, seed, baseline, generation]); // generation: restart
  const [version, setVersion] = useState(0);
  const [running, setRunning] = useState(true);
  const perTickRef = useRef(perTick);
  perTickRef.current = perTick;
  useEffect(() => {
    if (!running) return;
    let timer = 0;
    let drawn = 0;
    const tick = (): void => {
      // at most ~10 ms of sampling per tick, whatever the speed
      const start = performance.now();
      let left = perTickRef.current;
      while (left > 0 && performance.now() - start < 10) left -= sampler.draw(Math.min(left, 25)) || left;
      const done = sampler.count >= sampler.capacity;
      // charts redraw on a timer (every 400 ms and at the end), so drawing never sets the sampling speed
      if (done || performance.now() - drawn > 400) {
        drawn = performance.now();
        setVersion((v) => v + 1);
      }
      if (!done) timer = window.setTimeout(tick, 16);
    };
    timer = window.setTimeout(tick, 0);
    return () => window.clearTimeout(timer);
  }, [sampler, running]);
  return { sampler, version, running, setRunning, restart: () => setGeneration((g) => g + 1) };
}
