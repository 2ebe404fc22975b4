// Classroom presets as plain links (URL configurations), and a button copying the current link.
import { useState } from 'react';
import { PRESETS } from '../model/presets.ts';

/**
 * Copies `text` to the clipboard: the Clipboard API where the page has it (secure contexts), else
 * the older copy command on a selected field (plain HTTP on a LAN address has no Clipboard API).
 * @throws Error with one line saying why nothing was copied (permission denied, no clipboard)
 */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      if (name === 'NotAllowedError') throw new Error('the browser denied access to the clipboard');
      throw new Error(`the browser could not write to the clipboard (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  field.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  } finally {
    field.remove();
  }
  if (!copied) throw new Error(window.isSecureContext ? 'this browser offers no clipboard to the page' : 'this page is not a secure context (plain HTTP), where browsers offer no clipboard');
}

export function PresetLinks() {
  const [outcome, setOutcome] = useState<{ copied: true } | { copied: false; reason: string } | null>(null);
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
        data-testid="copy-link"
        title="The address bar always holds the configuration; this copies it"
        onClick={() => {
          copyText(window.location.href).then(
            () => setOutcome({ copied: true }),
            (error: unknown) => setOutcome({ copied: false, reason: error instanceof Error ? error.message : String(error) }),
          );
        }}
      >
        {outcome?.copied ? 'Link copied' : 'Copy link to this configuration'}
      </button>
      {outcome && !outcome.copied && (
        <p className="error-line" role="status" data-testid="copy-link-message">
          Not copied: {outcome.reason}. The address bar holds the link: copy it from there.
        </p>
      )}
    </div>
  );
}
