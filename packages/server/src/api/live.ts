// Live updates for the SSE subscriptions: one LISTEN connection per server on the engine's events channel wakes the
// streams of the batches and jobs a notification names; each stream then reads the event log from its cursor as the
// user (RLS), so a notification is only a hint and a lost or truncated one costs latency, never an event.
//
// Cursors (DESIGN §7), monotonic in commit order:
// - job stream: the job's revision. The row lock makes revisions commit in order, so the visible ones are a prefix.
// - batch stream: "<txid>.<id>" of each event, where txid is the writing transaction's id (column added by
//   migration 20261203200000). A read delivers only events of transactions below the snapshot's xmin, i.e. already
//   finished, in (txid, id) order; any later commit has txid >= that xmin, hence sorts after everything delivered.
//   No gap and no repeat on resume, and writers take no extra lock.
import pg from 'pg';
import type { Logger } from 'pino';
import { tracked, type TrackedEnvelope } from '@trpc/server';
import { CHANNEL_EVENTS } from '../engine/engine';
import { toTRPCError } from './errors';

export interface LiveHub {
  /** Registers interest in batch/job ids (none: every notification); `notify` runs on each match and on reconnects. */
  watch(keys: { batchId?: string; jobId?: string }, notify: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly listening: boolean;
}

interface NotePayload {
  t?: string;
  id?: string;
  batch?: string;
}

/** A hub over a direct/session connection (`listenUrl`); null URL = no LISTEN, streams fall back to their poll. */
export function createLiveHub(opts: { listenUrl: string | null; log: Logger; reconnectMs?: number }): LiveHub {
  const watchers = new Map<string, Set<() => void>>();
  const all = new Set<() => void>();
  const wildcards = new Set<() => void>();
  let client: pg.Client | null = null;
  let stopped = false;
  let listening = false;
  let timer: NodeJS.Timeout | undefined;

  const fire = (key: string) => watchers.get(key)?.forEach((fn) => fn());
  const fireAll = () => all.forEach((fn) => fn());

  function onNotification(msg: pg.Notification): void {
    if (msg.channel !== CHANNEL_EVENTS) return;
    let notes: NotePayload[];
    try {
      notes = JSON.parse(msg.payload ?? '[]') as NotePayload[];
      if (!Array.isArray(notes)) throw new Error('not an array');
    } catch {
      fireAll();
      return;
    }
    wildcards.forEach((fn) => fn());
    const fired = new Set<string>();
    for (const n of notes) {
      for (const key of [n.batch ? `b:${n.batch}` : null, n.t === 'job' && n.id ? `j:${n.id}` : null, n.t === 'batch' && n.id ? `b:${n.id}` : null]) {
        if (key && !fired.has(key)) {
          fired.add(key);
          fire(key);
        }
      }
    }
    // The engine caps a payload at 20 events; a capped one may have left streams out.
    if (notes.length >= 20) fireAll();
  }

  async function connect(): Promise<void> {
    if (!opts.listenUrl || stopped) return;
    const c = new pg.Client({ connectionString: opts.listenUrl, application_name: 'regbatch-api-listen' });
    c.on('notification', onNotification);
    c.on('error', (error) => {
      opts.log.warn({ err: error.message }, 'LISTEN connection failed; reconnecting');
      listening = false;
      void c.end().catch(() => {});
      if (client === c) client = null;
      scheduleReconnect();
    });
    await c.connect();
    await c.query(`listen ${CHANNEL_EVENTS}`);
    client = c;
    listening = true;
    // Whatever happened while not listening: every stream re-reads from its cursor.
    fireAll();
  }

  function scheduleReconnect(): void {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch((error: unknown) => {
        opts.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'LISTEN reconnect failed');
        scheduleReconnect();
      });
    }, opts.reconnectMs ?? 1_000);
  }

  return {
    get listening() {
      return listening;
    },
    watch(keys, notify) {
      const names = [keys.batchId ? `b:${keys.batchId}` : null, keys.jobId ? `j:${keys.jobId}` : null].filter((k): k is string => k !== null);
      for (const k of names) {
        let set = watchers.get(k);
        if (!set) watchers.set(k, (set = new Set()));
        set.add(notify);
      }
      all.add(notify);
      if (names.length === 0) wildcards.add(notify);
      return () => {
        all.delete(notify);
        wildcards.delete(notify);
        for (const k of names) {
          const set = watchers.get(k);
          set?.delete(notify);
          if (set?.size === 0) watchers.delete(k);
        }
      };
    },
    async start() {
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      listening = false;
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}

/** A wake-up flag a stream awaits between reads; a notification that lands during a read is not lost. */
export function createWaker(): { wake(): void; wait(ms: number, signal: AbortSignal | undefined): Promise<void>; reset(): void } {
  let dirty = false;
  let resolve: (() => void) | null = null;
  return {
    wake() {
      dirty = true;
      resolve?.();
    },
    reset() {
      dirty = false;
    },
    wait(ms, signal) {
      if (dirty || signal?.aborted) return Promise.resolve();
      return new Promise<void>((done) => {
        const finish = () => {
          clearTimeout(t);
          signal?.removeEventListener('abort', finish);
          resolve = null;
          done();
        };
        const t = setTimeout(finish, ms);
        resolve = finish;
        signal?.addEventListener('abort', finish, { once: true });
      });
    },
  };
}

/** One read of a stream: the messages after the cursor, and whether more are known to be on their way. */
export interface StreamPage<M> {
  readonly messages: readonly M[];
  readonly pending?: boolean;
}

/**
 * The loop of every event subscription: read a page after the cursor, yield each message tracked by its cursor, and
 * between pages wait for a LISTEN wake-up of `keys` (or a short poll while LISTEN is down, or while a transaction
 * still in flight may commit events below the head). Errors reach the client mapped like any other.
 */
export async function* eventStream<M extends { readonly cursor: string }>(opts: {
  readonly live: LiveHub;
  readonly keys: { batchId?: string; jobId?: string };
  readonly signal: AbortSignal | undefined;
  /** Reads the page after the last message yielded (`after` is null before the first). */
  readonly read: (after: M | null) => Promise<StreamPage<M>>;
  readonly pageSize: number;
}): AsyncGenerator<TrackedEnvelope<M>> {
  const waker = createWaker();
  const unwatch = opts.live.watch(opts.keys, () => waker.wake());
  let last: M | null = null;
  try {
    while (!opts.signal?.aborted) {
      waker.reset();
      const { messages, pending } = await opts.read(last);
      for (const m of messages) {
        yield tracked(m.cursor, m);
        last = m;
      }
      if (messages.length === opts.pageSize) continue;
      await waker.wait(pending ? 20 : opts.live.listening ? 5_000 : 500, opts.signal);
    }
  } catch (error) {
    throw toTRPCError(error);
  } finally {
    unwatch();
  }
}
