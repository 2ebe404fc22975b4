// What a slow task should say (issue 24): on the engine in use, how long until the next chart
// point and test value, and an ETA only when it means something. Pure: the status bar and the
// charts render the words.
import { formatDuration } from './format.ts';

/** A chart point further apart than this many seconds makes a task "slow": the page says what to expect. */
export const SLOW_POINT_SECONDS = 3;
/** An ETA beyond this is not a time anyone waits for: the status bar says the budget's length instead. */
export const MEANINGFUL_ETA_SECONDS = 2 * 3600;

/** "3 s", "1m 05s": a duration rounded for reading (seconds under a minute to one significant figure past 10). */
function about(seconds: number): string {
  return seconds < 10 ? `${Math.max(1, Math.round(seconds))} s` : formatDuration(seconds);
}

/**
 * The line a slow task shows over its charts, or null when points come often enough (or the
 * speed is not measured yet). `updatesPerSecond`: the measured speed (NaN before);
 * `updatesPerPoint`, `updatesPerEvaluation`: the worker's (EngineReady); `evaluates`: what a
 * test evaluation gives ("test accuracy", "test bound").
 */
export function paceNotice(pace: { updatesPerSecond: number; updatesPerPoint: number; updatesPerEvaluation: number; evaluates: string }): string | null {
  const { updatesPerSecond: speed, updatesPerPoint, updatesPerEvaluation } = pace;
  if (!(speed > 0) || !Number.isFinite(speed)) return null;
  const pointSeconds = updatesPerPoint / speed;
  if (pointSeconds < SLOW_POINT_SECONDS) return null;
  const rate = speed < 10 ? speed.toFixed(1) : speed.toFixed(0);
  return `A slow task on this engine (${rate} updates/s): a chart point every ${updatesPerPoint} updates, about every ${about(pointSeconds)}; a ${pace.evaluates} every ${updatesPerEvaluation} updates, about every ${about(updatesPerEvaluation / speed)}. The lines separate within the first points: no need to wait for the end.`;
}

/**
 * The status bar's ETA: "done" when finished, "—" before the speed is known, the time to the
 * epoch budget when it is under MEANINGFUL_ETA_SECONDS, else what the whole budget would take
 * (so nobody reads "ETA 16h 36m" as something to wait for).
 */
export function etaText(etaSeconds: number, finished: boolean): string {
  if (finished) return 'ETA done';
  if (!Number.isFinite(etaSeconds)) return 'ETA —';
  if (etaSeconds <= MEANINGFUL_ETA_SECONDS) return `ETA ${formatDuration(etaSeconds)}`;
  return `the whole budget would take ${formatDuration(etaSeconds)} at this speed`;
}
