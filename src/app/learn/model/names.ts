// Names of nodes and parameters as the lesson prints them: inputs x1…, hidden units h1.2
// (layer 1, unit 2), actions a1…; weights "x2→h1.3", biases "bias h1.3".

export type NodeId = string;

/** Node id for column `col` (0 = inputs, last = actions) and index `i`. */
export function nodeId(col: number, i: number): NodeId {
  return `${col}/${i}`;
}

export function nodeName(sizes: readonly number[], col: number, i: number): string {
  if (col === 0) return `x${i + 1}`;
  if (col === sizes.length - 1) return `a${i + 1}`;
  return `h${col}.${i + 1}`;
}

/** Edge id of weight W_k[j, i]: from node (k, j) to node (k + 1, i). */
export function edgeId(k: number, j: number, i: number): string {
  return `${k}/${j}/${i}`;
}

export interface ParamInfo {
  /** flat index */
  index: number;
  /** weight layer (0 = inputs → first hidden layer) */
  k: number;
  kind: 'weight' | 'bias';
  /** source index (weights only; −1 for biases) and target unit */
  j: number;
  i: number;
  label: string;
}

export function paramInfos(sizes: readonly number[]): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (let k = 0; k + 1 < sizes.length; k++) {
    const width = sizes[k + 1];
    for (let j = 0; j < sizes[k]; j++)
      for (let i = 0; i < width; i++)
        out.push({ index: out.length, k, kind: 'weight', j, i, label: `${nodeName(sizes, k, j)}→${nodeName(sizes, k + 1, i)}` });
    for (let i = 0; i < width; i++) out.push({ index: out.length, k, kind: 'bias', j: -1, i, label: `bias ${nodeName(sizes, k + 1, i)}` });
  }
  return out;
}
