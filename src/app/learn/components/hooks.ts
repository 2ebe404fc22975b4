// Derived lesson data: the engine's parameters, the update trace for the seed, the steps.
import { useMemo } from 'react';
import { explainUpdate, lessonSource, type UpdateTrace } from '../../../models/bandit/explain.ts';
import type { BanditParameters } from '../../../models/bandit/parameters.ts';
import type { TinyProblem } from '../../../models/bandit/tinyNetwork.ts';
import { lessonNetwork } from '../model/lesson.ts';
import { buildSteps, type Step } from '../model/steps.ts';
import { useLearn } from './context.ts';

export interface LessonData {
  problem: TinyProblem;
  params: BanditParameters;
  sizes: number[];
  trace: UpdateTrace;
  steps: Step[];
}

export function useLessonData(): LessonData {
  const lesson = useLearn((s) => s.lesson);
  const { preset, hiddenValues, x, rewards, weights, seed } = lesson;
  const net = useMemo(() => lessonNetwork({ ...lesson, preset, hiddenValues, x, rewards, weights }), [preset, hiddenValues, x, rewards, weights]);
  const sizes = net.problem.shape.sizes;
  const trace = useMemo(() => explainUpdate(net.params, net.problem, lessonSource(seed, sizes.length - 2)), [net, seed, sizes.length]);
  const steps = useMemo(() => buildSteps(sizes), [sizes]);
  return { ...net, sizes, trace, steps };
}
