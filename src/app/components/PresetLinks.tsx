// Classroom presets as plain links (URL configurations), and a button copying the current link.
import { useState } from 'react';
import { PRESETS } from '../model/presets.ts';

export function PresetLinks() {
  const [copied, setCopied] = useState(false);
  return (
    <div className="presets" data-group="presets">
      <h3>Presets and sharing</h3>
      <ul>
        {PRESETS.map((p) => (
          <li key={p.name}>
            <a href={p.query} title={p.description}>
              {p.name}
            </a>
          </li>
        ))}
      </ul>
      <button
        type="button"
        title="The address bar always holds the configuration; this copies it"
        onClick={() => {
          void navigator.clipboard?.writeText(window.location.href).then(() => setCopied(true));
        }}
      >
        {copied ? 'Link copied' : 'Copy link to this configuration'}
      </button>
    </div>
  );
}
