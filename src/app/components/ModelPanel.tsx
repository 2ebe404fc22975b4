// "Save model" downloads the whole training state (configuration, charts' points, engine
// state) as a file; "Load model" continues from one (src/app/model/modelFile.ts).
import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { usePlayground } from '../store/playgroundStore.ts';
import { useController } from '../store/workerClient.ts';
import { downloadBlob } from './download.ts';

/** The save / load controls, with the outcome of the last one in one line. */
export function ModelPanel() {
  const controller = useController();
  const { ready, message, setMessage } = usePlayground(useShallow((s) => ({ ready: s.engine !== null && s.workerDead === null, message: s.modelMessage, setMessage: s.setModelMessage })));
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      const text = await controller.saveModel();
      const name = `hnca-model-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      downloadBlob(new Blob([text], { type: 'application/json' }), name);
      setMessage({ kind: 'info', text: `Saved ${name}.` });
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  const load = async (file: File): Promise<void> => {
    setBusy(true);
    try {
      await controller.loadModel(await file.text(), file.name);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <div className="panel model" data-testid="model-panel">
      <h2>Model</h2>
      <button type="button" data-testid="save-model" disabled={!ready || busy} onClick={() => void save()} title="Download the whole training state (configuration, weights, optimizer moments, random-number and data positions, the charts so far) as a JSON file">
        ⤓ Save model
      </button>
      <button type="button" data-testid="load-model" disabled={busy} onClick={() => input.current?.click()} title="Continue from a saved model file: its configuration applies, and training goes on exactly as if it had never stopped">
        ⤒ Load model…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Model file to load"
        data-testid="load-model-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void load(file);
        }}
      />
      {message && (
        <p className={message.kind === 'error' ? 'model-message error-line' : 'model-message'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="model-message" data-kind={message.kind}>
          {message.text}
        </p>
      )}
    </div>
  );
}
