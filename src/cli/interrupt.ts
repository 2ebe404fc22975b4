// Ctrl-C and SIGTERM during training: stop at the next update boundary, keep every finished
// epoch, exit 130 / 143 (128 + the signal number, as shells report it).

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Whether a stop was asked for, and by which signal. */
export interface InterruptState {
  /** the first signal received, or undefined while none was */
  requested(): StopSignal | undefined;
}

/** Exit code for a run stopped by `signal`: 130 (SIGINT) or 143 (SIGTERM). */
export function interruptExitCode(signal: StopSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Installs SIGINT and SIGTERM handlers on the real process: the first signal asks the training
 * loop to stop at its next update boundary (`say` tells the user); a second one exits at once
 * with the same code. Only the command-line entry installs it (tests use a fake state).
 */
export function installInterruptHandlers(say: (text: string) => void): InterruptState {
  let received: StopSignal | undefined;
  const handler = (signal: StopSignal): void => {
    if (received !== undefined) process.exit(interruptExitCode(received));
    received = signal;
    say(`\nhnca: ${signal} received: stopping after the update in progress and writing the finished epochs (again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { requested: () => received };
}
