// Geometry of the network diagram: one column per layer, nodes as labelled boxes.
import { nodeId, nodeName } from './names.ts';

export interface NodeBox {
  id: string;
  col: number;
  i: number;
  name: string;
  /** centre and size */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: NodeBox[][];
}

const HEIGHT = 500;
const MARGIN = 70;

/** Columns closer together for deep networks, so the diagram keeps a readable scale. */
export function columnSpacing(columns: number): number {
  return columns > 4 ? 150 : 190;
}

export function diagramLayout(sizes: readonly number[]): DiagramLayout {
  const last = sizes.length - 1;
  const SPACING = columnSpacing(sizes.length);
  const nodes = sizes.map((n, col) =>
    Array.from({ length: n }, (_, i): NodeBox => {
      const w = col === 0 ? 76 : col === last ? 112 : 124;
      const h = col === 0 ? 34 : col === last ? 82 : 104;
      return { id: nodeId(col, i), col, i, name: nodeName(sizes, col, i), x: MARGIN + col * SPACING, y: 30 + ((i + 0.5) * (HEIGHT - 40)) / n, w, h };
    }),
  );
  return { width: 2 * MARGIN + last * SPACING, height: HEIGHT, nodes };
}

/** Edge from the right side of `from` to the left side of `to`. */
export function edgeEnds(from: NodeBox, to: NodeBox): { x1: number; y1: number; x2: number; y2: number } {
  return { x1: from.x + from.w / 2, y1: from.y, x2: to.x - to.w / 2, y2: to.y };
}

/** Stroke width of a weight's edge: thicker for larger |w|. */
export function edgeWidth(w: number): number {
  return 0.8 + Math.min(5, Math.abs(w) * 1.4);
}
