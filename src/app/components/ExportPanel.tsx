// Export the metrics (CSV, JSON) and the charts (SVG, PNG).
import { useContext } from 'react';
import { metricsCsv, metricsJson } from '../model/metricsExport.ts';
import type { EngineTask } from '../../engine/types.ts';
import { PlaygroundStoreContext, usePlayground } from '../store/playgroundStore.ts';
import { downloadBlob, standaloneSvg, svgToPngBlob } from './download.ts';

/** The charts of each task that export as SVG and PNG. */
const CHARTS: readonly { id: string; name: string; tasks: readonly EngineTask[] }[] = [
  { id: 'accuracy', name: 'accuracy', tasks: ['bandit', 'conv-bandit'] },
  { id: 'elbo', name: 'elbo', tasks: ['vae'] },
  { id: 'variance', name: 'gradient-variance', tasks: ['bandit', 'vae', 'conv-bandit'] },
  { id: 'layer-variance', name: 'layer-variance', tasks: ['bandit', 'vae', 'conv-bandit'] },
];

/** The chart's drawing (recharts' surface) and its title. */
function chartSvg(id: string): { svg: SVGSVGElement; title: string } | null {
  const figure = document.querySelector(`[data-chart="${id}"]`);
  const svg = figure?.querySelector<SVGSVGElement>('svg.recharts-surface');
  return figure && svg ? { svg, title: figure.querySelector('figcaption')?.textContent ?? id } : null;
}

export function ExportPanel() {
  const store = useContext(PlaygroundStoreContext);
  const task = usePlayground((s) => s.engine?.task ?? 'bandit');
  if (!store) return null;
  const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');
  const exportCsv = (): void => {
    const { points, engine, failures, config } = store.getState();
    if (!engine) return;
    const shape = {
      task: engine.task,
      varianceLayers: engine.layers,
      categories: engine.task === 'bandit' && config.units === 'categorical' ? config.categories : null,
      testK: engine.task === 'vae' ? config.testK : null,
    };
    downloadBlob(new Blob([metricsCsv(points, engine.runs, failures, shape)], { type: 'text/csv' }), `hnca-metrics-${stamp()}.csv`);
  };
  const exportJson = (): void => {
    const { points, engine, config, failures } = store.getState();
    if (!engine) return;
    downloadBlob(new Blob([metricsJson(config, engine.info.description, points, engine.runs, failures)], { type: 'application/json' }), `hnca-metrics-${stamp()}.json`);
  };
  const exportSvg = (id: string, name: string): void => {
    const chart = chartSvg(id);
    if (chart) downloadBlob(new Blob([standaloneSvg(chart.svg, chart.title)], { type: 'image/svg+xml' }), `hnca-${name}-${stamp()}.svg`);
  };
  const exportPng = async (id: string, name: string): Promise<void> => {
    const chart = chartSvg(id);
    if (chart) downloadBlob(await svgToPngBlob(chart.svg, standaloneSvg(chart.svg, chart.title), 2), `hnca-${name}-${stamp()}.png`);
  };
  return (
    <div className="panel export" data-testid="export">
      <h2>Export</h2>
      <button type="button" data-testid="export-csv" onClick={exportCsv} title="One row per recorded point and run, in the results format of hnca reproduce (README: Results format): depth, estimator, seed, update, epoch, scores, log gradient variances overall and per layer">
        Metrics CSV
      </button>
      <button type="button" data-testid="export-json" onClick={exportJson} title="Configuration, engine, runs, failures and every recorded point">
        Metrics JSON
      </button>
      {CHARTS.filter((c) => c.tasks.includes(task)).map((c) => (
        <span key={c.id} className="export-chart">
          {c.name}:{' '}
          <button type="button" data-testid={`export-svg-${c.id}`} onClick={() => exportSvg(c.id, c.name)}>
            SVG
          </button>
          <button type="button" data-testid={`export-png-${c.id}`} onClick={() => void exportPng(c.id, c.name)}>
            PNG
          </button>
        </span>
      ))}
    </div>
  );
}
