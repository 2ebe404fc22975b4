// Errors stay in their panel (issue 25): a render error in one panel (a chart fed data it cannot
// draw, a view of a model file the loader accepted) replaces that panel with one line naming
// what failed and a reset button, while the rest of the page keeps working. The boundary is
// react-error-boundary's; a panel may be made to throw on purpose by the browser tests
// (panelFaults.ts, active only with ?test-hooks=1).
import type { ComponentType, ReactNode } from 'react';
import { ErrorBoundary, getErrorMessage, type FallbackProps } from 'react-error-boundary';
import { clearPanelFault, usePanelFault } from './panelFaults.ts';

/** A one-line description of anything thrown. */
export function thrownMessage(thrown: unknown): string {
  return getErrorMessage(thrown) ?? String(thrown);
}

/**
 * Throws while a test hook has injected a fault into panel `id` (renders nothing otherwise). Every
 * PanelBoundary holds one; App holds one outside them all (id "page": an error no panel catches).
 */
export function FaultProbe({ id }: { id: string }) {
  const fault = usePanelFault(id);
  if (fault) throw new Error(fault);
  return null;
}

/**
 * Renders `children`; when one of them throws while rendering, shows instead "The NAME failed:
 * MESSAGE" with a button that renders the panel again (after a test hook's fault is cleared).
 * `id` names the panel in data-testid attributes (`panel-error-ID`, `panel-reset-ID`).
 */
export function PanelBoundary({ id, name, children }: { id: string; name: string; children: ReactNode }) {
  const fallback = ({ error, resetErrorBoundary }: FallbackProps) => (
    <div className="panel panel-error" role="alert" data-testid={`panel-error-${id}`}>
      <p>
        <strong>The {name} failed:</strong> {thrownMessage(error)}
      </p>
      <p>
        The rest of the page still works.{' '}
        <button type="button" data-testid={`panel-reset-${id}`} onClick={() => resetErrorBoundary()}>
          Reset this panel
        </button>
      </p>
    </div>
  );
  return (
    <ErrorBoundary fallbackRender={fallback} onReset={() => clearPanelFault(id)}>
      <FaultProbe id={id} />
      {children}
    </ErrorBoundary>
  );
}

/** `Component` (a panel without props) inside its PanelBoundary, as a component of its own. */
export function inPanel(id: string, name: string, Component: ComponentType): ComponentType {
  const Wrapped = () => (
    <PanelBoundary id={id} name={name}>
      <Component />
    </PanelBoundary>
  );
  Wrapped.displayName = `InPanel(${Component.displayName ?? Component.name})`;
  return Wrapped;
}
