// The CPU back end: one in-process engine for the runs it is given.
// (Node worker threads that split runs across cores live at the edge: src/node/.)
import { EngineError, type EngineFactoryInput, type TrainingEngine } from '../types.ts';

export function createCpuEngine(input: EngineFactoryInput): TrainingEngine {
  throw new EngineError(`CPU engine for task ${input.config.task} is not written yet`, 'unavailable');
}
