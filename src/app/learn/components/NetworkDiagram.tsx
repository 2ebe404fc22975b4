// The tiny network as SVG: boxes per unit with the values revealed so far, edges drawn by
// weight (blue +, orange −, dashed 0), the current step highlighted and messages animated
// from children to the parent being credited. Click an edge to edit its weight, or drag it.
import { diagramLayout, edgeEnds, type NodeBox } from '../model/layout.ts';
import { edgeId, paramInfos } from '../model/names.ts';
import { nodeNumbers, messageRows, softmaxMessage } from '../model/shown.ts';
import { revealedAt, unitKey, type Step } from '../model/steps.ts';
import type { LessonData } from './hooks.ts';
import { useLearn } from './context.ts';
import { SvgNum } from './Num.tsx';
import { EdgeLine } from './EdgeLine.tsx';

function highlighted(step: Step, col: number, i: number): boolean {
  switch (step.kind) {
    case 'forward':
    case 'messages':
    case 'credit':
      return col === step.layer + 1 && i === step.unit;
    case 'output':
    case 'action':
      return false;
    case 'start':
      return col === 0;
    case 'gradients':
      return false;
  }
}

export function NetworkDiagram({ data, stepIndex }: { data: LessonData; stepIndex: number }) {
  const { sizes, trace, steps } = data;
  const weights = useLearn((s) => s.lesson.weights);
  const selected = useLearn((s) => s.selectedParam);
  const layout = diagramLayout(sizes);
  const step = steps[stepIndex];
  const r = revealedAt(steps, stepIndex);
  const last = sizes.length - 1;
  const params = paramInfos(sizes).filter((p) => p.kind === 'weight');
  const node = (col: number, i: number): NodeBox => layout.nodes[col][i];
  const messageStep = step.kind === 'messages' ? step : null;
  // the edges a step reads: a unit's inputs (forward), its outgoing edges (messages), a whole layer (gradients)
  const edgeActive = (k: number, j: number, i: number): boolean =>
    (step.kind === 'forward' && k === step.layer && i === step.unit) ||
    (step.kind === 'output' && k === last - 1) ||
    (messageStep !== null && k === messageStep.layer + 1 && j === messageStep.unit) ||
    (step.kind === 'gradients' && step.k === k);
  return (
    // on a narrow screen the diagram keeps a readable scale and scrolls sideways in its own box (learn.css)
    <div className="network-scroll" tabIndex={0} role="region" aria-label="network diagram (scrolls sideways on a narrow screen)">
      <svg className="network" viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label="the tiny network">
        {params.map((p) => {
          const ends = edgeEnds(node(p.k, p.j), node(p.k + 1, p.i));
          const w = weights[p.index];
          const active = edgeActive(p.k, p.j, p.i);
          return <EdgeLine key={edgeId(p.k, p.j, p.i)} id={edgeId(p.k, p.j, p.i)} p={p} ends={ends} w={w} active={active} selected={selected === p.index} />;
        })}
        {messageStep &&
          messageRows(trace, sizes, messageStep.layer, messageStep.unit).map((_row, c) => {
            const { x1, y1, x2, y2 } = edgeEnds(node(messageStep.layer + 1, messageStep.unit), node(messageStep.layer + 2, c));
            return (
              <circle key={`msg-${c}`} r={6} className="message-dot">
                <animateMotion dur="1.4s" repeatCount="indefinite" path={`M ${x2} ${y2} L ${x1} ${y1}`} />
              </circle>
            );
          })}
        {layout.nodes.flat().map((b) => {
          const numbers = nodeNumbers(trace, sizes, r, b.col, b.i);
          const hidden = b.col > 0 && b.col < last;
          const fired = hidden && r.forward.has(unitKey(b.col - 1, b.i)) && trace.units[b.col - 1][b.i].sample === 1;
          const chosen = b.col === last && r.action && trace.output.action === b.i;
          const lines = b.col === 0 ? [] : numbers;
          // during a messages step, each child shows its logit had the parent been flipped
          const flipped = messageStep && b.col === messageStep.layer + 2 ? messageRows(trace, sizes, messageStep.layer, messageStep.unit)[b.i].cells[2] : null;
          const flipY = b.y - b.h / 2 + 35 + 15 * lines.length;
          return (
            <g key={b.id} data-node={b.name} className={`node ${highlighted(step, b.col, b.i) ? 'current' : ''} ${fired ? 'fired' : ''} ${chosen ? 'chosen' : ''}`}>
              <rect x={b.x - b.w / 2} y={b.y - b.h / 2} width={b.w} height={b.h} rx={8} />
              {b.col === 0 ? (
                <SvgNum n={numbers[0]} x={b.x} y={b.y + 5} label={`${b.name} =`} className="node-title" />
              ) : (
                <text x={b.x} y={b.y - b.h / 2 + 16} className="node-title">
                  {b.name}
                  {chosen ? ' ← action' : ''}
                </text>
              )}
              {lines.map((n, k) => (
                <SvgNum key={n.key} n={n} x={b.x} y={b.y - b.h / 2 + 33 + 15 * k} label={n.key.startsWith('credit') ? 'credit' : n.label} />
              ))}
              {flipped && (
                <g className="flip-line">
                  <rect x={b.x - b.w / 2 + 4} y={flipY - 12} width={b.w - 8} height={16} rx={3} />
                  <SvgNum n={flipped} x={b.x} y={flipY} label={flipped.key.startsWith('flipz') ? 'flipped: z′' : 'flipped: u′'} />
                </g>
              )}
            </g>
          );
        })}
        {messageStep && messageStep.layer === last - 2 && (
          <g className="softmax-note">
            {softmaxMessage(trace, sizes, messageStep.layer, messageStep.unit).map((n, k) => (
              <SvgNum key={n.key} n={n} x={node(last, 0).x} y={layout.height - 22 + 15 * k - 15} />
            ))}
          </g>
        )}
      </svg>
    </div>
  );
}
