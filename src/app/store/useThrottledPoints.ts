// Charts read the metric points through this hook: each chart redraws on its own fixed timer
// (staggered by `phase`, so no two charts redraw in the same task), never per snapshot, so
// drawing never sets the training speed. Not a transition: the worker's status arrives several
// times a second as an urgent update, and a transition interrupted by each would restart
// without end on a slow machine (the charts then stayed behind, even after Pause). Charts take
// turns (RedrawQueue): one starts its redraw only when the previous one has drawn, so their
// costs never pile up into one long stretch of the main thread, however their timers drift.
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { MetricPoint, RunFailure } from '../../worker/protocol.ts';
import { PlaygroundStoreContext } from './playgroundStore.ts';

/** at most about one chart redraw a second while training (at once on pause and on reset) */
export const CHART_REDRAW_MS = 1000;

/**
 * A chart waits this many times its last redraw's cost before the next one (and at least
 * CHART_REDRAW_MS), so that redrawing never takes more than about 1/(1 + this) of the main
 * thread however slow the machine: a click (Pause) always finds it free soon.
 */
export const REDRAW_BACKOFF = 8;

/** After this long a redraw that never said it was drawn (its chart went away) no longer holds the others back. */
const REDRAW_TURN_MAX_MS = 3000;

/**
 * Chart redraws one at a time. A subscriber asks for a turn with `request(start)`; when its turn
 * comes, `start()` sets its new metrics and returns true when there was anything new (it then
 * holds the turn until `done` with the same start function, after its drawing), false when
 * nothing changed (the next one goes at once).
 */
export class RedrawQueue {
  private readonly waiting: (() => boolean)[] = [];
  private holder: (() => boolean) | null = null;
  private expiry: ReturnType<typeof setTimeout> | undefined;

  request(start: () => boolean): void {
    if (this.holder !== start && !this.waiting.includes(start)) this.waiting.push(start);
    this.next();
  }

  done(start: () => boolean): void {
    const index = this.waiting.indexOf(start);
    if (index >= 0) this.waiting.splice(index, 1);
    if (this.holder !== start) return;
    this.holder = null;
    clearTimeout(this.expiry);
    this.next();
  }

  private next(): void {
    while (this.holder === null && this.waiting.length > 0) {
      const start = this.waiting.shift() as () => boolean;
      if (start()) {
        this.holder = start;
        this.expiry = setTimeout(() => this.done(start), REDRAW_TURN_MAX_MS);
      }
    }
  }
}

const queues = new WeakMap<object, RedrawQueue>();

function redrawQueueOf(store: object): RedrawQueue {
  let queue = queues.get(store);
  if (!queue) {
    queue = new RedrawQueue();
    queues.set(store, queue);
  }
  return queue;
}

export interface ThrottledMetrics {
  points: MetricPoint[];
  failures: RunFailure[];
}

/** `phase` in [0, 1): the fraction of the period this subscriber's timer is offset by. */
export function useThrottledMetrics(phase = 0, intervalMs = CHART_REDRAW_MS): ThrottledMetrics {
  const store = useContext(PlaygroundStoreContext);
  if (!store) throw new Error('useThrottledMetrics outside PlaygroundStoreContext');
  const [metrics, setMetrics] = useState<ThrottledMetrics>(() => ({ points: store.getState().points, failures: store.getState().failures }));
  const latest = useRef(metrics);
  latest.current = metrics;
  const queue = redrawQueueOf(store);
  // the last redraw's cost: from the state change to the commit of this subscriber's subtree
  const requested = useRef<number | null>(null);
  const lastCost = useRef(0);
  // the turn this subscriber holds in the queue, released once its drawing is done: after the
  // effects of its subtree (recharts puts new data into its store in an effect and its parts
  // render again at the end of that task), i.e. in the next task
  const turn = useRef<(() => boolean) | null>(null);
  useLayoutEffect(() => {
    if (requested.current === null) return;
    lastCost.current = performance.now() - requested.current;
    requested.current = null;
  }, [metrics]);
  useEffect(() => {
    const held = turn.current;
    if (held === null) return;
    turn.current = null;
    setTimeout(() => queue.done(held), 0);
  }, [metrics, queue]);
  useEffect(() => {
    const start = (): boolean => {
      const { points, failures } = store.getState();
      // compared with what this subscriber last rendered: the turn is held only when a render will come
      if (latest.current.points === points && latest.current.failures === failures) return false;
      requested.current = performance.now();
      turn.current = start;
      setMetrics({ points, failures });
      return true;
    };
    const update = (): void => queue.request(start);
    // also redraw at once when training stops or the metrics are cleared (a reset), so the
    // charts agree with each other whenever nothing is moving
    const unsubscribe = store.subscribe((state, previous) => {
      if ((previous.status.playing && !state.status.playing) || (state.points.length === 0 && previous.points.length > 0)) update();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = (): void => {
      update();
      timer = setTimeout(tick, Math.max(intervalMs, REDRAW_BACKOFF * lastCost.current));
    };
    timer = setTimeout(tick, phase * intervalMs);
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      queue.done(start);
    };
  }, [store, queue, intervalMs, phase]);
  return metrics;
}
