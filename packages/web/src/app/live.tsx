// Live updates: the batch and job SSE streams (tRPC subscriptions). An event invalidates the queries that show it,
// coalesced over a short window so a burst of events costs one refetch; nothing refetches on a timer.
// httpSubscriptionLink reconnects by itself and resumes from the last tracked() cursor, so no event is missed;
// onStarted also invalidates, covering what changed between the first read and the stream's start.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Badge, Tooltip } from '@mantine/core';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from './trpc';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

/** Browsers allow six HTTP/1.1 connections per host; keep two for queries and mutations. */
export const MAX_STREAMS = 4;

function useCoalesced(fn: () => void, ms = 200): () => void {
  const ref = useRef(fn);
  ref.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useMemo(
    () => () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        ref.current();
      }, ms);
    },
    [ms],
  );
}

function statusOf(
  s: 'idle' | 'connecting' | 'pending' | 'error',
  enabled: boolean,
  started: boolean,
): LiveStatus {
  if (!enabled) return 'off';
  if (s === 'pending') return 'live';
  if (s === 'connecting') return started ? 'reconnecting' : 'connecting';
  if (s === 'error') return 'reconnecting';
  return 'off';
}

/** Invalidates `keys` whenever the batch stream delivers an event; returns the stream's status. */
export function useBatchLive(
  batchId: string | null,
  keys: () => QueryKey[],
  onEvent?: (type: string, jobId: string | null) => void,
): LiveStatus {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [started, setStarted] = useState(false);
  const invalidate = useCoalesced(() => {
    for (const key of keys()) void queryClient.invalidateQueries({ queryKey: key });
  });
  const sub = useSubscription(
    trpc.batches.onChange.subscriptionOptions(
      { batchId: batchId ?? '00000000-0000-4000-8000-000000000000' },
      {
        enabled: batchId !== null,
        onStarted: () => {
          setStarted(true);
          invalidate();
        },
        onData: (message) => {
          onEvent?.(message.data.type, message.data.jobId);
          invalidate();
        },
      },
    ),
  );
  return statusOf(sub.status, batchId !== null, started);
}

/** Invalidates `keys` whenever the job stream delivers an event. */
export function useJobLive(jobId: string | null, keys: () => QueryKey[]): LiveStatus {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [started, setStarted] = useState(false);
  const invalidate = useCoalesced(() => {
    for (const key of keys()) void queryClient.invalidateQueries({ queryKey: key });
  }, 100);
  const sub = useSubscription(
    trpc.jobs.onChange.subscriptionOptions(
      { jobId: jobId ?? '00000000-0000-4000-8000-000000000000' },
      {
        enabled: jobId !== null,
        onStarted: () => {
          setStarted(true);
          invalidate();
        },
        onData: () => invalidate(),
      },
    ),
  );
  return statusOf(sub.status, jobId !== null, started);
}

/** One batch stream as a component, so a page can follow a variable list of batches. */
function BatchStream({
  batchId,
  keys,
  onStatus,
}: {
  batchId: string;
  keys: () => QueryKey[];
  onStatus: (id: string, s: LiveStatus) => void;
}) {
  const status = useBatchLive(batchId, keys);
  useEffect(() => onStatus(batchId, status), [batchId, status, onStatus]);
  useEffect(() => () => onStatus(batchId, 'off'), [batchId, onStatus]);
  return null;
}

/** Follows up to MAX_STREAMS batches; returns the element to render and the combined status. */
export function useBatchStreams(
  batchIds: readonly string[],
  keys: () => QueryKey[],
): { element: ReactNode; status: LiveStatus; following: number } {
  const ids = useMemo(() => [...new Set(batchIds)].slice(0, MAX_STREAMS), [batchIds]);
  const [statuses, setStatuses] = useState<Record<string, LiveStatus>>({});
  const onStatus = useMemo(
    () => (id: string, s: LiveStatus) =>
      setStatuses((prev) => (prev[id] === s ? prev : { ...prev, [id]: s })),
    [],
  );
  const keysRef = useRef(keys);
  keysRef.current = keys;
  const stableKeys = useMemo(() => () => keysRef.current(), []);
  const current = ids.map((id) => statuses[id] ?? 'connecting');
  const status: LiveStatus =
    ids.length === 0
      ? 'off'
      : current.includes('reconnecting')
        ? 'reconnecting'
        : current.includes('connecting')
          ? 'connecting'
          : 'live';
  const element = ids.map((id) => (
    <BatchStream key={id} batchId={id} keys={stableKeys} onStatus={onStatus} />
  ));
  return { element, status, following: ids.length };
}

const LIVE_TEXT: Record<LiveStatus, { label: string; color: string; help: string }> = {
  live: { label: 'Live', color: 'green', help: 'Changes appear as they happen.' },
  connecting: { label: 'Connecting…', color: 'gray', help: 'Opening the live stream.' },
  reconnecting: {
    label: 'Reconnecting…',
    color: 'yellow',
    help: 'The live stream dropped; it reconnects and resumes where it stopped.',
  },
  off: { label: 'Not live', color: 'gray', help: 'Nothing here is running, so there is nothing to follow.' },
};

export function LiveIndicator({ status, note }: { status: LiveStatus; note?: string }) {
  const t = LIVE_TEXT[status];
  return (
    <Tooltip label={note ? `${t.help} ${note}` : t.help} withArrow>
      <Badge
        variant="dot"
        color={t.color}
        role="status"
        aria-live="polite"
        aria-label={`Live updates: ${t.label}`}
        data-live={status}
      >
        {t.label}
      </Badge>
    </Tooltip>
  );
}
