// Batches: tabs by status (including "needs attention", so no batch falls out of every tab as in the original),
// search, server-side sort and pagination, live rows (progress, counters, pending reviews), and the two ways in:
// upload a leads file, create a batch from the imported restaurants.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Pagination,
  Progress,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconPlus, IconSearch, IconUpload } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createColumnHelper, type SortingState } from '@tanstack/react-table';
import { STEPS } from '@regbatch/machines';
import { useTRPC, type RouterInputs, type RouterOutputs } from '../app/trpc';
import { LiveIndicator, useListLive } from '../app/live';
import { formatAgo } from '../app/format';
import { DataTable } from '../components/DataTable';
import { StatusBadge } from '../components/StatusBadge';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { CreateBatchModal } from './CreateBatchModal';
import { UploadLeadsModal } from './UploadLeadsModal';

type Batch = RouterOutputs['batches']['list']['items'][number];
type ListInput = Exclude<RouterInputs['batches']['list'], void | undefined>;
type Tab = NonNullable<ListInput['status']>;
type SortKey = NonNullable<ListInput['sort']>;

const TABS: { value: Tab; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'needs_attention', label: 'Needs attention' },
  { value: 'draft', label: 'Drafts' },
  { value: 'completed', label: 'Completed' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'all', label: 'All' },
];
const PAGE_SIZE = 20;

const col = createColumnHelper<Batch>();

export function BatchesPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const tab = (TABS.find((t) => t.value === params.get('tab'))?.value ?? 'active') as Tab;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'created_at', desc: true }]);
  const [createOpen, createModal] = useDisclosure(false);
  const [uploadOpen, uploadModal] = useDisclosure(false);

  const input: ListInput = {
    status: tab,
    sort: (sorting[0]?.id ?? 'created_at') as SortKey,
    direction: sorting[0]?.desc === false ? 'asc' : 'desc',
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    ...(debounced ? { search: debounced } : {}),
  };
  const list = useQuery(trpc.batches.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const attention = useQuery(trpc.batches.list.queryOptions({ status: 'needs_attention', limit: 1 }));

  const live = useListLive(() => [trpc.batches.list.queryKey()]);

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    if (key !== 'page') next.delete('page');
    setParams(next, { replace: true });
  };

  const columns = useMemo(
    () => [
      col.accessor('name', {
        id: 'name',
        header: 'Batch',
        meta: 'name',
        size: 260,
        cell: (info) => (
          <Stack gap={2}>
            <Anchor component={Link} to={`/batches/${info.row.original.id}`} fw={600}>
              {info.getValue()}
            </Anchor>
            <Text size="xs" c="dimmed">
              {info.row.original.executionMode} · created {formatAgo(info.row.original.createdAt)}
            </Text>
          </Stack>
        ),
      }),
      col.accessor('status', {
        id: 'status',
        header: 'Status',
        enableSorting: false,
        size: 150,
        cell: (info) => (
          <Group gap={4}>
            <StatusBadge status={info.getValue()} />
            {info.row.original.paused ? <StatusBadge status="paused" /> : null}
            {info.row.original.readOnly ? (
              <Tooltip label="Written by the original implementation: shown, never driven">
                <Badge color="gray" variant="outline" size="sm">
                  read-only
                </Badge>
              </Tooltip>
            ) : null}
          </Group>
        ),
      }),
      col.accessor('totalRestaurants', {
        id: 'total_restaurants',
        header: 'Progress',
        meta: 'restaurant count',
        size: 230,
        cell: (info) => <BatchProgress batch={info.row.original} />,
      }),
      col.accessor('currentStep', {
        id: 'current_step',
        header: 'Step',
        meta: 'current step',
        size: 190,
        cell: (info) => {
          const step = STEPS.find((s) => s.number === info.getValue());
          return step ? (
            <Text size="sm">{`${step.number}. ${step.name}`}</Text>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          );
        },
      }),
      col.accessor('pendingReviews', {
        id: 'pending',
        header: 'Waiting for you',
        enableSorting: false,
        size: 140,
        cell: (info) =>
          info.getValue() > 0 ? (
            <Anchor component={Link} to={`/reviews?batch=${info.row.original.id}`} size="sm">
              <Badge color="orange" variant="filled" style={{ cursor: 'pointer' }}>
                {info.getValue()} to review
              </Badge>
            </Anchor>
          ) : (
            <Text size="sm" c="dimmed">
              none
            </Text>
          ),
      }),
      col.accessor('createdAt', {
        id: 'created_at',
        header: 'Created',
        meta: 'created date',
        size: 120,
        cell: (info) => <Text size="sm">{formatAgo(info.getValue())}</Text>,
      }),
    ],
    [],
  );

  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={1}>Batches</Title>
          <LiveIndicator status={live} note="Every batch of your organisation, in one stream." />
        </Group>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconUpload size={16} />} onClick={uploadModal.open}>
            Upload leads
          </Button>
          <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
            New batch
          </Button>
        </Group>
      </Group>
      <Tabs value={tab} onChange={(v) => setParam('tab', v)}>
        <Tabs.List aria-label="Batches by status">
          {TABS.map((t) => (
            <Tabs.Tab
              key={t.value}
              value={t.value}
              rightSection={
                t.value === 'needs_attention' && attention.data && attention.data.total > 0 ? (
                  <Badge
                    size="xs"
                    color="orange"
                    circle
                    aria-label={`${attention.data.total} batches need attention`}
                  >
                    {attention.data.total}
                  </Badge>
                ) : null
              }
            >
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((t) =>
          t.value === tab ? (
            <Tabs.Panel key={t.value} value={t.value} pt="sm">
              <Stack>
                <TextInput
                  label="Search batches"
                  placeholder="Batch name"
                  leftSection={<IconSearch size={16} />}
                  value={search}
                  onChange={(e) => {
                    setSearch(e.currentTarget.value);
                    setParam('q', e.currentTarget.value || null);
                  }}
                  maw={360}
                />
                {list.isPending ? (
                  <LoadingState label="Loading batches…" />
                ) : list.isError ? (
                  <ErrorState
                    title="Batches could not be loaded"
                    error={list.error}
                    onRetry={() => void list.refetch()}
                  />
                ) : list.data.items.length === 0 ? (
                  <EmptyState
                    title={
                      debounced
                        ? `No batch matches “${debounced}”`
                        : tab === 'needs_attention'
                          ? 'Nothing needs your attention'
                          : 'No batches here yet'
                    }
                    action={
                      !debounced && tab !== 'needs_attention' ? (
                        <Group>
                          <Button variant="default" onClick={uploadModal.open}>
                            Upload leads
                          </Button>
                          <Button onClick={createModal.open}>Create a batch</Button>
                        </Group>
                      ) : undefined
                    }
                  >
                    {debounced
                      ? 'Try another name, or another tab.'
                      : 'Import a leads file, then create a batch from its restaurants.'}
                  </EmptyState>
                ) : (
                  <>
                    <DataTable
                      data={list.data.items}
                      columns={columns}
                      caption="Batches"
                      getRowId={(b) => b.id}
                      sorting={sorting}
                      onSortingChange={(updater) => {
                        setSorting((old) => (typeof updater === 'function' ? updater(old) : updater));
                        setParam('page', null);
                      }}
                      rowProps={(row) => ({
                        'data-batch-id': row.original.id,
                        'aria-label': row.original.name,
                      })}
                    />
                    <Group justify="space-between">
                      <Text size="sm" c="dimmed" aria-live="polite">
                        {total} batch{total === 1 ? '' : 'es'}
                      </Text>
                      {pages > 1 ? (
                        <Pagination
                          total={pages}
                          value={page}
                          onChange={(p) => setParam('page', String(p))}
                          aria-label="Pages of batches"
                        />
                      ) : null}
                    </Group>
                  </>
                )}
              </Stack>
            </Tabs.Panel>
          ) : (
            <Tabs.Panel key={t.value} value={t.value}>
              {null}
            </Tabs.Panel>
          ),
        )}
      </Tabs>
      <CreateBatchModal opened={createOpen} onClose={createModal.close} />
      <UploadLeadsModal opened={uploadOpen} onClose={uploadModal.close} />
    </Stack>
  );
}

export function BatchProgress({
  batch,
}: {
  batch: Pick<Batch, 'totalRestaurants' | 'completedRestaurants' | 'failedRestaurants'>;
}) {
  const total = Math.max(batch.totalRestaurants, 1);
  const done = (batch.completedRestaurants / total) * 100;
  const failed = (batch.failedRestaurants / total) * 100;
  return (
    <Stack gap={4}>
      <Progress.Root size="md">
        <Progress.Section
          value={done}
          color="green"
          aria-label={`${batch.completedRestaurants} of ${batch.totalRestaurants} completed`}
        />
        <Progress.Section
          value={failed}
          color="red"
          aria-label={`${batch.failedRestaurants} of ${batch.totalRestaurants} failed`}
        />
      </Progress.Root>
      <Text size="xs">
        {batch.completedRestaurants} completed · {batch.failedRestaurants} failed · {batch.totalRestaurants}{' '}
        total
      </Text>
    </Stack>
  );
}
