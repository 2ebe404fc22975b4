// The page's main thread measured by Chromium's own tracing (CDP Tracing), for the main-thread
// test and `npm run bench:charts`: each main-thread task's thread CPU time (what the page itself
// spent, not the time it waited for a core: on a shared 2-core machine a 20 ms task can take
// 300 ms of wall-clock time) and each chart redraw's CPU time (the main-thread CPU spent between
// its start and end, which the page marks with performance.measure('chart-redraw:…'),
// src/app/charts/redrawTiming.ts).
import type { CDPSession, Page } from 'playwright-core';

/** One main-thread task: wall-clock and thread CPU milliseconds. */
export interface MainThreadTask {
  /** trace timestamp (microseconds) */
  ts: number;
  wallMs: number;
  cpuMs: number;
}

/** One chart redraw: wall-clock milliseconds and the main thread's CPU milliseconds inside it. */
export interface TracedRedraw {
  chart: string;
  wallMs: number;
  cpuMs: number;
}

export interface MainThreadTrace {
  tasks: MainThreadTask[];
  redraws: TracedRedraw[];
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  id?: string;
  id2?: { local?: string };
  args?: { name?: string };
}

/** Starts tracing `page`; the returned function stops it and gives the page's main-thread tasks and chart redraws. */
export async function traceMainThread(page: Page): Promise<() => Promise<MainThreadTrace>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  // the protocol's type for the collected events says string values; they are trace events
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: '__metadata,toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    const thread = (e: TraceEvent): string => `${e.pid}:${e.tid}`;
    const names = new Map<string, string>();
    for (const e of events) if (e.name === 'thread_name' && e.args?.name) names.set(thread(e), e.args.name);
    // the page's main thread: the renderer main thread that carries the redraw marks, else the busiest one
    const marks = events.filter((e) => e.name.startsWith('chart-redraw:'));
    const isTask = (e: TraceEvent): boolean => e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && names.get(thread(e)) === 'CrRendererMain';
    const busy = new Map<string, number>();
    for (const e of events) if (isTask(e)) busy.set(thread(e), (busy.get(thread(e)) ?? 0) + (e.tdur ?? 0));
    const main = marks[0] ? thread(marks[0]) : [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
    const tasks = events.filter((e) => isTask(e) && thread(e) === main).map((e) => ({ ts: e.ts, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
    // a measure is an async pair (ph b/e) sharing an id; a task partly inside counts by its overlap
    const open = new Map<string, TraceEvent>();
    const redraws: TracedRedraw[] = [];
    for (const e of marks.sort((a, b) => a.ts - b.ts)) {
      const key = `${e.name}:${e.id ?? e.id2?.local ?? ''}`;
      if (e.ph === 'b') open.set(key, e);
      else if (e.ph === 'e') {
        const begin = open.get(key);
        if (!begin) continue;
        open.delete(key);
        let cpu = 0;
        for (const t of tasks) {
          const end = t.ts + t.wallMs * 1000;
          const overlap = Math.min(end, e.ts) - Math.max(t.ts, begin.ts);
          if (overlap > 0 && t.wallMs > 0) cpu += t.cpuMs * Math.min(1, overlap / (t.wallMs * 1000));
        }
        redraws.push({ chart: e.name.slice('chart-redraw:'.length), wallMs: (e.ts - begin.ts) / 1000, cpuMs: cpu });
      }
    }
    return { tasks, redraws };
  };
}

/** The q-quantile (0..1) of `values` (NaN when empty). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Clicks Pause in `page` and gives the milliseconds until the Play button is back (the worker
 * said it stopped and the page drew it), measured in the page.
 */
export function clickPauseAndTime(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const button = document.querySelector<HTMLButtonElement>('[data-testid="pause"]');
        if (!button) {
          reject(new Error('no Pause button'));
          return;
        }
        const t = performance.now();
        const observer = new MutationObserver(() => {
          if (document.querySelector('[data-testid="play"]')) {
            observer.disconnect();
            resolve(performance.now() - t);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
        button.click();
      }),
  );
}
