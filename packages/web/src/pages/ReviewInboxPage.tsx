// Review inbox: every decision waiting for a person, across batches. Company selections (candidates with scores,
// evidence, match source, register status, a link to the register; keyboard-first; bulk accept of the confident
// ones; no match, manual entry, retry with an edited query), step 2's waits (no candidate / failed search), and the
// configurations of step 5 (schema-driven form, copy from another restaurant, apply to many). Live through the
// organisation's batch stream (batches.onListChange), one connection for every batch.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Anchor, Badge, Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '../app/trpc';
import { LiveIndicator, useListLive } from '../app/live';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { CompanySelections } from '../review/CompanySelections';
import { SearchWaits } from '../review/SearchWaits';
import { ConfigReviews } from '../review/ConfigReviews';

export type ReviewItem = RouterOutputs['reviews']['list']['items'][number];
type Kind = 'all' | 'company' | 'search' | 'config';

export function ReviewInboxPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const batchId = params.get('batch');
  const [kind, setKind] = useState<Kind>((params.get('kind') as Kind | null) ?? 'all');
  const reviews = useQuery(trpc.reviews.list.queryOptions({ limit: 500, ...(batchId ? { batchId } : {}) }));
  const items = useMemo(() => reviews.data?.items ?? [], [reviews.data]);
  const live = useListLive(() => [trpc.reviews.list.queryKey()], batchId);
  const byKind = {
    company: items.filter((i) => i.kind === 'company'),
    search: items.filter((i) => i.kind === 'search'),
    config: items.filter((i) => i.kind === 'config'),
  };
  const show = (k: Exclude<Kind, 'all'>) => (kind === 'all' || kind === k) && byKind[k].length > 0;

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={1}>Review inbox</Title>
          <LiveIndicator status={live} />
        </Group>
        <SegmentedControl
          aria-label="Show decisions of kind"
          value={kind}
          onChange={(v) => {
            setKind(v as Kind);
            const next = new URLSearchParams(params);
            next.set('kind', v);
            setParams(next, { replace: true });
          }}
          data={[
            { value: 'all', label: `All (${items.length})` },
            { value: 'company', label: `Companies (${byKind.company.length})` },
            { value: 'search', label: `Searches (${byKind.search.length})` },
            { value: 'config', label: `Configurations (${byKind.config.length})` },
          ]}
        />
      </Group>
      {batchId ? (
        <Group gap="xs">
          <Badge variant="light">Batch: {items[0]?.batchName ?? batchId.slice(0, 8)}</Badge>
          <Button
            variant="subtle"
            size="xs"
            onClick={() => {
              const next = new URLSearchParams(params);
              next.delete('batch');
              setParams(next, { replace: true });
            }}
          >
            Show every batch
          </Button>
          <Anchor component={Link} to={`/batches/${batchId}`} size="sm">
            Open the batch
          </Anchor>
        </Group>
      ) : null}
      {reviews.isPending ? (
        <LoadingState label="Loading decisions…" />
      ) : reviews.isError ? (
        <ErrorState
          title="Decisions could not be loaded"
          error={reviews.error}
          onRetry={() => void reviews.refetch()}
        />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing waits for you">
          Company selections and configurations appear here as restaurants reach steps 3 and 5.
        </EmptyState>
      ) : kind !== 'all' && byKind[kind].length === 0 ? (
        <EmptyState title="Nothing of this kind waits for you" />
      ) : (
        <Stack gap="xl">
          {show('company') ? <CompanySelections items={byKind.company} /> : null}
          {show('search') ? <SearchWaits items={byKind.search} /> : null}
          {show('config') ? <ConfigReviews items={byKind.config} /> : null}
          {reviews.data.total > items.length ? (
            <Text size="sm" c="dimmed">
              Showing {items.length} of {reviews.data.total}; decide these and the rest follow.
            </Text>
          ) : null}
        </Stack>
      )}
    </Stack>
  );
}
