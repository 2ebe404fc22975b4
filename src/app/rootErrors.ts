// The React roots' error handlers (React 19 createRoot options, issue 25). An error that a panel's
// boundary caught (PanelBoundary) is logged once with its component stack; an error no boundary
// caught has unmounted the whole tree, so the page's root then shows one line naming the error
// and a reload button instead of a blank page (the URL keeps the configuration).
import type { ErrorInfo, RootOptions } from 'react-dom/client';

function describeError(thrown: unknown): string {
  return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
}

/**
 * createRoot options for the page `page` ("The playground", "The Learn page") rendered into
 * `container`: onCaughtError logs a panel's error; onUncaughtError logs it and replaces the
 * container's content with a message (role=alert, data-testid="page-error") and a Reload button.
 */
export function rootErrorOptions(container: HTMLElement, page: string): Pick<RootOptions, 'onCaughtError' | 'onUncaughtError'> {
  return {
    onCaughtError(error: unknown, info: ErrorInfo) {
      console.error(`${page}: a panel failed and shows its message; the rest of the page still works. ${describeError(error)}${info.componentStack ?? ''}`);
    },
    onUncaughtError(error: unknown, info: ErrorInfo) {
      console.error(`${page} stopped: ${describeError(error)}${info.componentStack ?? ''}`);
      const box = document.createElement('div');
      box.className = 'page-error';
      box.setAttribute('role', 'alert');
      box.dataset.testid = 'page-error';
      const line = document.createElement('p');
      line.textContent = `${page} stopped after an error: ${describeError(error)}.`;
      const reload = document.createElement('button');
      reload.type = 'button';
      reload.textContent = 'Reload the page';
      reload.addEventListener('click', () => window.location.reload());
      box.append(line, reload);
      // React unmounts the tree after this handler returns: show the message once it is gone
      setTimeout(() => container.replaceChildren(box), 0);
    },
  };
}
