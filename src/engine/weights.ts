// The weight-matrix layout the engine interface promises (TrainingEngine.readWeights): one row
// per unit, data[unit * cols + input]. Back ends store their matrices input-major (the layout
// the forward pass reads); they convert with unitMajor on the way out.
import type { WeightMatrix } from './types.ts';

/**
 * The unit-major copy of an input-major matrix: `inputMajor[input * units + unit]` becomes
 * `data[unit * inputs + input]`, shape [units, inputs] (rows = units, cols = inputs).
 * Throws a RangeError when the data is not `inputs × units` long.
 */
export function unitMajor(inputMajor: ArrayLike<number>, inputs: number, units: number): WeightMatrix {
  if (inputMajor.length !== inputs * units) throw new RangeError(`a ${inputs}×${units} matrix has ${inputs * units} entries, got ${inputMajor.length}`);
  const data = new Float32Array(inputs * units);
  for (let j = 0; j < inputs; j++) for (let u = 0; u < units; u++) data[u * inputs + j] = inputMajor[j * units + u];
  return { rows: units, cols: inputs, data };
}
