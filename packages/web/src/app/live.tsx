// Live updates: the batch and job SSE streams (tRPC subscriptions). An event invalidates the queries that show it,
// coalesced over a short window so a burst of events costs one refetch; nothing refetches on a timer.
// httpSubscriptionLink reconnects by itself and resumes from the last tracked() cursor, so no event is missed;
// onStarted also invalidates, covering what changed between the first read and the stream's start.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Badge, Tooltip } from '@mantine/core';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from './trpc';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

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

/** What every stream hook shares: a coalesced invalidation of `keys`, and whether the stream has started once. */
function useInvalidation(keys: () => QueryKey[], ms = 200) {
  const queryClient = useQueryClient();
  const [started, setStarted] = useState(false);
  const invalidate = useCoalesced(() => {
    for (const key of keys()) void queryClient.invalidateQueries({ queryKey: key });
  }, ms);
  return {
    started,
    invalidate,
    onStarted: () => {
      setStarted(true);
      invalidate();
    },
  };
}

const NO_ID = '00000000-0000-4000-8000-000000000000';

/** Invalidates `keys` whenever the batch stream delivers an event; returns the stream's status. */
export function useBatchLive(
  batchId: string | null,
  keys: () => QueryKey[],
  onEvent?: (type: string, jobId: string | null) => void,
): LiveStatus {
  const trpc = useTRPC();
  const { started, invalidate, onStarted } = useInvalidation(keys);
  const sub = useSubscription(
    trpc.batches.onChange.subscriptionOptions(
      { batchId: batchId ?? NO_ID },
      {
        enabled: batchId !== null,
        onStarted,
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
  const { started, invalidate, onStarted } = useInvalidation(keys, 100);
  const sub = useSubscription(
    trpc.jobs.onChange.subscriptionOptions(
      { jobId: jobId ?? NO_ID },
      { enabled: jobId !== null, onStarted, onData: () => invalidate() },
    ),
  );
  return statusOf(sub.status, jobId !== null, started);
}

/**
 * Invalidates `keys` whenever the organisation-wide batch stream (`batches.onListChange`: every batch's own events
 * and its jobs' step, park and finish reports) delivers an event, optionally only for one batch. One connection
 * whatever the number of batches on screen: what the batch list and the review inbox follow.
 */
export function useListLive(keys: () => QueryKey[], onlyBatchId: string | null = null): LiveStatus {
  const trpc = useTRPC();
  const { started, invalidate, onStarted } = useInvalidation(keys);
  const sub = useSubscription(
    trpc.batches.onListChange.subscriptionOptions(
      {},
      {
        onStarted,
        onData: (message) => {
          if (onlyBatchId === null || message.data.batchId === onlyBatchId) invalidate();
        },
      },
    ),
  );
  return statusOf(sub.status, true, started);
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
