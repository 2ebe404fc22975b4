// The notice about URL parameters that were ignored (malformed or out of range).
import { useShallow } from 'zustand/react/shallow';
import { usePlayground } from '../store/playgroundStore.ts';

export function Notices() {
  const { notices, dismiss } = usePlayground(useShallow((s) => ({ notices: s.notices, dismiss: s.dismissNotices })));
  if (notices.length === 0) return null;
  return (
    <div className="notice" role="status" data-testid="url-notice">
      <strong>Some link parameters were not used as given; each line says what applies instead.</strong>
      <ul>
        {notices.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
