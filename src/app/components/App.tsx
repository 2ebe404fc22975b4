// The whole playground on one screen: header, notices, controls on the left, everything else on the right.
import { ChartsPanel } from '../charts/ChartsPanel.tsx';
import { ControlsPanel } from './ControlsPanel.tsx';
import { EvaluationPanel } from './EvaluationPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { Header } from './Header.tsx';
import { InsideNetwork } from './InsideNetwork.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TransportBar } from './TransportBar.tsx';
import { VaeViews } from './VaeViews.tsx';
import { WorkerDead } from './WorkerDead.tsx';

export function App() {
  return (
    <div className="playground">
      <Header />
      <WorkerDead />
      <Notices />
      <main className="layout">
        <aside className="controls-column">
          <TransportBar />
          <ModelPanel />
          <ControlsPanel />
        </aside>
        <section className="results-column">
          <StatusBar />
          <ChartsPanel />
          <InsideNetwork />
          <VaeViews />
          <EvaluationPanel />
          <ExportPanel />
        </section>
      </main>
    </div>
  );
}
