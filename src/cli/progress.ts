// Progress display: a redrawn bar (epoch, updates/s, ETA) on a terminal, plain lines otherwise.
import { describeRecord, type EpochRecord } from '../engine/records.ts';
import type { TrainingProgress } from '../engine/trainer.ts';
import type { RunSpec } from '../engine/types.ts';

export interface Sink {
  write(text: string): void;
  /** true when the bar may be redrawn in place with `\r` and ANSI erase sequences */
  isTTY: boolean;
}

/**
 * Whether progress may be redrawn in place on this output: a terminal, unless `TERM=dumb`
 * (no cursor control) or `NO_COLOR` is set to a non-empty value (the user asked for plain
 * output). Otherwise the CLI writes plain lines.
 */
export function canRedraw(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (isTTY !== true) return false;
  if (env.TERM === 'dumb') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return true;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${ss}s` : `${m}m${ss}s`;
}

export function progressBar(p: TrainingProgress, width = 24): string {
  const fraction = p.updatesTotal > 0 ? p.updatesDone / p.updatesTotal : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] epoch ${p.epoch}/${p.epochs}  ${p.updatesPerSecond.toFixed(1)} updates/s  ETA ${formatDuration(p.etaSeconds)}`;
}

export interface Reporter {
  onProgress(p: TrainingProgress): void;
  onEvaluate(epoch: number): void;
  /** on a terminal, the evaluation's share done (redrawn at most every 100 ms) */
  onEvaluationProgress(epoch: number, done: number, total: number): void;
  onEpoch(epoch: number, records: EpochRecord[]): void;
  /** erases the bar */
  finish(): void;
}

/**
 * `label` prefixes every line (e.g. "hidden 2"); runs name the lines of each epoch.
 * `evaluationNote` (e.g. "K=100 bound"): also announce evaluations with a plain line when
 * not on a terminal (the VAE bound can take minutes).
 */
export function createReporter(sink: Sink, runs: readonly RunSpec[], epochs: number, label = '', evaluationNote = ''): Reporter {
  let barShown = false;
  let lastDraw = 0;
  let last: TrainingProgress | undefined;
  const prefix = label ? `${label}  ` : '';
  const clear = (): void => {
    if (barShown) sink.write('\r\x1b[2K');
    barShown = false;
  };
  return {
    onProgress(p) {
      last = p;
      if (!sink.isTTY) return;
      const t = Date.now();
      if (t - lastDraw < 100 && p.updatesDone < p.updatesTotal) return;
      lastDraw = t;
      sink.write(`\r\x1b[2K${prefix}${progressBar(p)}`);
      barShown = true;
    },
    onEvaluate(epoch) {
      const note = evaluationNote ? ` (${evaluationNote})` : '';
      if (!sink.isTTY) {
        if (evaluationNote) sink.write(`${prefix}epoch ${epoch}/${epochs}: evaluating on the test set${note}…\n`);
        return;
      }
      sink.write(`\r\x1b[2K${prefix}epoch ${epoch}/${epochs}: evaluating on the test set${note}…`);
      barShown = true;
    },
    onEvaluationProgress(epoch, done, total) {
      if (!sink.isTTY || total <= 0) return;
      const t = Date.now();
      if (t - lastDraw < 100 && done < total) return;
      lastDraw = t;
      const note = evaluationNote ? ` (${evaluationNote})` : '';
      sink.write(`\r\x1b[2K${prefix}epoch ${epoch}/${epochs}: evaluating on the test set${note}… ${Math.floor((100 * done) / total)}%`);
      barShown = true;
    },
    onEpoch(epoch, records) {
      clear();
      const rate = last ? `  (${last.updatesPerSecond.toFixed(1)} updates/s, ETA ${formatDuration(last.etaSeconds)})` : '';
      const evaluation = records[0]?.evaluationSeconds ? ` (evaluation ${records[0].evaluationSeconds.toFixed(1)} s)` : '';
      sink.write(`${prefix}epoch ${epoch}/${epochs}  ${records[0]?.seconds.toFixed(1) ?? '?'} s${evaluation}${rate}\n`);
      records.forEach((record, i) => {
        sink.write(`${prefix}  ${runs[i].estimator} seed ${runs[i].seed}: ${describeRecord(record)}\n`);
      });
    },
    finish() {
      clear();
    },
  };
}
