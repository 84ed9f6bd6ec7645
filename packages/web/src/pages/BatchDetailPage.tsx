// Batch detail: the progress card (counts per status, per step, ETA from observed durations), the commands (start,
// pause, resume, cancel with confirmation, export), the restaurants with their six steps (paginated, cancel one;
// add and remove restaurants until the batch starts), and the heatmap of jobs per job-machine state with time in state. Live through the batch's SSE stream.
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconDownload, IconPlayerPause, IconPlayerPlay, IconPlus, IconX } from '@tabler/icons-react';
import { useDisclosure } from '@mantine/hooks';
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { STEPS } from '@regbatch/machines';
import { useTRPC, useTRPCClient, type RouterOutputs } from '../app/trpc';
import { LiveIndicator, useBatchLive } from '../app/live';
import { isAdmin, useMe } from '../app/me';
import { formatAgo, formatDuration } from '../app/format';
import { notifyDone, notifyFailed } from '../app/mutations';
import { ConfirmButton } from '../components/ConfirmButton';
import { DataTable } from '../components/DataTable';
import { StatusBadge, statusLabel } from '../components/StatusBadge';
import { StepDots } from '../components/StepDots';
import { EmptyState, QueryView } from '../components/States';
import { DetailHeader } from '../components/DetailHeader';
import { BatchProgress } from './BatchesPage';
import { AddRestaurantsModal } from './AddRestaurantsModal';
import { Pager } from '../components/Pager';

type Batch = RouterOutputs['batches']['get'];
type Job = RouterOutputs['jobs']['list']['items'][number];
const PAGE = 25;
const FINAL = new Set(['completed', 'failed', 'cancelled']);
/** Restaurants can be added and removed until the batch starts. */
const editable = (b: Batch) => !b.readOnly && (b.status === 'draft' || b.status === 'pending');
const col = createColumnHelper<Job>();

export function BatchDetailPage() {
  const { batchId = '' } = useParams();
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const [statusFilter, setStatusFilter] = useState<string>('all');
  const [adding, addModal] = useDisclosure(false);
  const batch = useQuery(trpc.batches.get.queryOptions({ batchId }));
  const jobsInput = {
    batchId,
    limit: PAGE,
    offset: (page - 1) * PAGE,
    ...(statusFilter !== 'all'
      ? {
          status: statusFilter as Job['status'] &
            ('pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'skipped'),
        }
      : {}),
  };
  const jobs = useQuery(
    trpc.jobs.list.queryOptions(jobsInput, { placeholderData: keepPreviousData, enabled: batch.isSuccess }),
  );
  const heat = useQuery(trpc.batches.stateCounts.queryOptions({ batchId }, { enabled: batch.isSuccess }));
  const live = useBatchLive(batch.isSuccess && !batch.data.readOnly ? batchId : null, () => [
    trpc.batches.get.queryKey({ batchId }),
    trpc.jobs.list.queryKey(),
    trpc.batches.stateCounts.queryKey({ batchId }),
  ]);

  if (!batch.isSuccess)
    return <QueryView query={batch} loading="Loading the batch…" error="The batch could not be loaded" />;
  const b = batch.data;

  return (
    <Stack>
      <DetailHeader
        back={{ to: '/batches', label: 'Batches' }}
        title={b.name}
        badges={
          <>
            <StatusBadge status={b.status} size="md" />
            {b.paused ? <StatusBadge status="paused" size="md" /> : null}
            {b.readOnly ? (
              <Badge color="gray" variant="outline">
                read-only (original implementation)
              </Badge>
            ) : null}
            {FINAL.has(b.status) ? null : <LiveIndicator status={live} />}
          </>
        }
        actions={<BatchActions batch={b} />}
      >
        <Text size="sm" c="dimmed">
          {b.executionMode} · created {formatAgo(b.createdAt)}
          {b.startedAt ? ` · started ${formatAgo(b.startedAt)}` : ''}
          {b.completedAt ? ` · finished ${formatAgo(b.completedAt)}` : ''}
          {b.cancelledAt ? ` · cancelled ${formatAgo(b.cancelledAt)}` : ''}
        </Text>
      </DetailHeader>
      <ProgressCard batch={b} />
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="restaurants-heading">
        <Stack>
          <Group justify="space-between">
            <Group gap="sm">
              <Title order={2} size="h3" id="restaurants-heading">
                Restaurants
              </Title>
              {editable(b) ? (
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconPlus size={14} />}
                  onClick={addModal.open}
                >
                  Add restaurants
                </Button>
              ) : null}
            </Group>
            <SegmentedControl
              size="xs"
              aria-label="Filter restaurants by status"
              value={statusFilter}
              onChange={(v) => {
                setStatusFilter(v);
                setPage(1);
              }}
              data={['all', 'pending', 'in_progress', 'completed', 'failed', 'cancelled'].map((s) => ({
                value: s,
                label: s === 'all' ? 'All' : statusLabel(s),
              }))}
            />
          </Group>
          <QueryView
            query={jobs}
            loading="Loading restaurants…"
            error="Restaurants could not be loaded"
            empty={(data) =>
              data.items.length === 0 ? (
                <EmptyState title="No restaurants here">
                  {statusFilter === 'all'
                    ? 'This batch has no restaurants.'
                    : 'No restaurant has this status.'}
                </EmptyState>
              ) : null
            }
          >
            {(data) => (
              <>
                <JobsTable jobs={data.items} batch={b} />
                <Pager
                  total={data.total}
                  pageSize={PAGE}
                  page={page}
                  onChange={setPage}
                  label="Pages of restaurants"
                />
              </>
            )}
          </QueryView>
        </Stack>
      </Paper>
      <Heatmap query={heat} />
      {editable(b) ? <AddRestaurantsModal batchId={b.id} opened={adding} onClose={addModal.close} /> : null}
    </Stack>
  );
}

function BatchActions({ batch }: { batch: Batch }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const me = useMe();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.batches.get.queryKey({ batchId: batch.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.batches.list.queryKey() });
  };
  const start = useMutation(
    trpc.batches.start.mutationOptions({
      onSuccess: () => (notifyDone('Batch started'), refresh()),
      onError: notifyFailed('The batch did not start'),
    }),
  );
  const pause = useMutation(
    trpc.batches.pause.mutationOptions({
      onSuccess: () => (notifyDone('Batch paused', 'Running tasks finish; no new task starts.'), refresh()),
      onError: notifyFailed('The batch was not paused'),
    }),
  );
  const resume = useMutation(
    trpc.batches.resume.mutationOptions({
      onSuccess: () => (notifyDone('Batch resumed'), refresh()),
      onError: notifyFailed('The batch was not resumed'),
    }),
  );
  const cancel = useMutation(
    trpc.batches.cancel.mutationOptions({
      onSuccess: () => (notifyDone('Batch cancelled'), refresh()),
      onError: notifyFailed('The batch was not cancelled'),
    }),
  );
  const [exporting, setExporting] = useState(false);
  if (batch.readOnly) return null;
  const unfinished = !FINAL.has(batch.status);
  const canStart = batch.status === 'pending' || batch.status === 'draft';

  async function exportCsv() {
    setExporting(true);
    try {
      const out = await client.batches.export.query({ batchId: batch.id });
      const url = URL.createObjectURL(new Blob([out.csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = out.filename;
      a.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      notifyFailed('Export failed')(error);
    } finally {
      setExporting(false);
    }
  }

  return (
    <Group gap="xs">
      {canStart ? (
        <Button
          leftSection={<IconPlayerPlay size={16} />}
          onClick={() => start.mutate({ batchId: batch.id })}
          loading={start.isPending}
        >
          Start batch
        </Button>
      ) : null}
      {unfinished && !canStart && !batch.paused ? (
        <Button
          variant="default"
          leftSection={<IconPlayerPause size={16} />}
          onClick={() => pause.mutate({ batchId: batch.id })}
          loading={pause.isPending}
        >
          Pause
        </Button>
      ) : null}
      {unfinished && batch.paused ? (
        <Button
          variant="default"
          leftSection={<IconPlayerPlay size={16} />}
          onClick={() => resume.mutate({ batchId: batch.id })}
          loading={resume.isPending}
        >
          Resume
        </Button>
      ) : null}
      <Button
        variant="default"
        leftSection={<IconDownload size={16} />}
        onClick={() => void exportCsv()}
        loading={exporting}
      >
        Export CSV
      </Button>
      {unfinished && isAdmin(me) ? (
        <ConfirmButton
          title="Cancel this batch?"
          message={`Every unfinished restaurant of “${batch.name}” stops: running tasks are cancelled and nothing new starts. Cancelled is final.`}
          confirmLabel="Cancel batch"
          onConfirm={() => cancel.mutate({ batchId: batch.id })}
          loading={cancel.isPending}
          buttonProps={{ leftSection: <IconX size={16} /> }}
        >
          Cancel batch
        </ConfirmButton>
      ) : null}
    </Group>
  );
}

function ProgressCard({ batch }: { batch: Batch }) {
  const finished = batch.completedRestaurants + batch.failedRestaurants + (batch.jobsByStatus.cancelled ?? 0);
  const eta = useMemo(() => estimate(batch, finished), [batch, finished]);
  return (
    <Card withBorder radius="md" component="section" aria-labelledby="progress-heading">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h3" id="progress-heading">
            Progress
          </Title>
          <Text size="sm" aria-label="Estimated completion">
            {eta}
          </Text>
        </Group>
        <BatchProgress batch={batch} />
        <SimpleGrid cols={6} spacing="xs" aria-label="Restaurants per status">
          {['pending', 'in_progress', 'completed', 'failed', 'cancelled'].map((s) => (
            <Paper key={s} withBorder p="xs" radius="sm">
              <Text size="xs" c="dimmed">
                {statusLabel(s)}
              </Text>
              <Text fw={700} size="lg" data-count={s}>
                {batch.jobsByStatus[s] ?? 0}
              </Text>
            </Paper>
          ))}
          <Paper withBorder p="xs" radius="sm">
            <Text size="xs" c="dimmed">
              waiting for a person
            </Text>
            {batch.pendingReviews > 0 ? (
              <Anchor
                component={Link}
                to={`/reviews?batch=${batch.id}`}
                fw={700}
                size="lg"
                data-count="reviews"
              >
                {batch.pendingReviews}
              </Anchor>
            ) : (
              <Text fw={700} size="lg" data-count="reviews">
                0
              </Text>
            )}
          </Paper>
        </SimpleGrid>
        <Table withTableBorder aria-label="Restaurants per step and status" fz="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Step</Table.Th>
              {[
                'pending',
                'in_progress',
                'action_required',
                'retrying',
                'completed',
                'failed',
                'skipped',
              ].map((s) => (
                <Table.Th key={s}>{statusLabel(s)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {STEPS.map((s) => {
              const counts = batch.stepSummary[`step_${s.number}`] ?? {};
              return (
                <Table.Tr
                  key={s.number}
                  style={
                    batch.stepRequiringAction === s.number
                      ? { background: 'var(--mantine-color-orange-0)' }
                      : undefined
                  }
                >
                  <Table.Th scope="row" fw={500}>
                    {s.number}. {s.name}
                  </Table.Th>
                  {[
                    'pending',
                    'in_progress',
                    'action_required',
                    'retrying',
                    'completed',
                    'failed',
                    'skipped',
                  ].map((st) => (
                    <Table.Td key={st}>{counts[st] ?? 0}</Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}

/** ETA from the batch's own pace: finished restaurants per elapsed time since start, applied to the rest. */
function estimate(batch: Batch, finished: number): string {
  const total = batch.totalRestaurants;
  if (FINAL.has(batch.status)) return 'Finished';
  if (!batch.startedAt) return 'Not started';
  if (finished === 0) return 'ETA appears once a restaurant finishes';
  const elapsed = Date.now() - new Date(batch.startedAt).getTime();
  const remaining = Math.max(0, total - finished);
  const ms = (elapsed / finished) * remaining;
  const waiting =
    batch.pendingReviews > 0
      ? ` (plus ${batch.pendingReviews} decision${batch.pendingReviews === 1 ? '' : 's'} waiting for a person)`
      : '';
  return `ETA ~${formatDuration(ms)} for ${remaining} more, from ${finished} finished${waiting}`;
}

function JobsTable({ jobs, batch }: { jobs: Job[]; batch: Batch }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.jobs.cancel.mutationOptions({
      onSuccess: () => {
        notifyDone('Restaurant cancelled');
        void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.batches.get.queryKey({ batchId: batch.id }) });
      },
      onError: notifyFailed('The restaurant was not cancelled'),
    }),
  );
  const remove = useMutation(
    trpc.batches.removeRestaurants.mutationOptions({
      onSuccess: (data) => {
        notifyDone('Restaurant removed', `The batch has ${data.totalRestaurants} left.`);
        for (const key of [
          trpc.jobs.list.queryKey(),
          trpc.batches.get.queryKey({ batchId: batch.id }),
          trpc.batches.list.queryKey(),
          trpc.restaurants.list.queryKey(),
          trpc.batches.stateCounts.queryKey({ batchId: batch.id }),
        ])
          void queryClient.invalidateQueries({ queryKey: key });
      },
      onError: notifyFailed('The restaurant was not removed'),
    }),
  );
  const canEdit = editable(batch);
  const columns = useMemo(
    () => [
      col.accessor((j) => j.restaurant.name ?? j.restaurant.id, {
        id: 'restaurant',
        header: 'Restaurant',
        size: 240,
        cell: (info) => (
          <Stack gap={0}>
            <Anchor component={Link} to={`/jobs/${info.row.original.id}`} fw={600}>
              {info.getValue()}
            </Anchor>
            <Text size="xs" c="dimmed">
              {info.row.original.restaurant.city ?? ''}
            </Text>
          </Stack>
        ),
      }),
      col.accessor('status', {
        header: 'Status',
        size: 130,
        cell: (info) => <StatusBadge status={info.getValue()} />,
      }),
      col.display({
        id: 'steps',
        header: 'Steps',
        size: 190,
        cell: (info) => (
          <StepDots
            steps={info.row.original.steps}
            label={`Steps of ${info.row.original.restaurant.name ?? 'restaurant'}`}
          />
        ),
      }),
      col.accessor('currentStep', {
        header: 'Now',
        size: 200,
        cell: (info) => {
          const j = info.row.original;
          const step = STEPS.find((s) => s.number === (j.waitingAtStep ?? info.getValue()));
          if (!step) return <Text size="sm">—</Text>;
          return (
            <Group gap={4}>
              <Text size="sm">{`${step.number}. ${step.name}`}</Text>
              {j.waitingAtStep ? (
                <Anchor component={Link} to={`/reviews?batch=${batch.id}`} size="xs">
                  <Badge color="orange" size="xs" style={{ cursor: 'pointer' }}>
                    needs you
                  </Badge>
                </Anchor>
              ) : null}
            </Group>
          );
        },
      }),
      col.accessor('errorMessage', {
        header: 'Error',
        cell: (info) =>
          info.getValue() ? (
            <Tooltip label={info.getValue()} multiline w={360}>
              <Text size="xs" c="red.9" lineClamp={2}>
                {info.getValue()}
              </Text>
            </Tooltip>
          ) : null,
      }),
      col.display({
        id: 'actions',
        header: 'Actions',
        size: 170,
        cell: (info) => {
          const j = info.row.original;
          if (canEdit)
            return (
              <Button
                size="xs"
                variant="default"
                loading={remove.isPending && remove.variables.restaurantIds[0] === j.restaurant.id}
                onClick={() => remove.mutate({ batchId: batch.id, restaurantIds: [j.restaurant.id] })}
                aria-label={`Remove ${j.restaurant.name ?? 'restaurant'} from the batch`}
              >
                Remove
              </Button>
            );
          if (j.readOnly || FINAL.has(j.status)) return null;
          return (
            <ConfirmButton
              title={`Cancel ${j.restaurant.name ?? 'this restaurant'}?`}
              message="This restaurant stops: its running tasks are cancelled and it is not retried. The rest of the batch goes on."
              confirmLabel="Cancel restaurant"
              onConfirm={() => cancel.mutate({ jobId: j.id })}
              buttonProps={{ size: 'xs', 'aria-label': `Cancel restaurant ${j.restaurant.name ?? ''}` }}
            >
              Cancel restaurant
            </ConfirmButton>
          );
        },
      }),
    ],
    [batch.id, cancel, remove, canEdit],
  );
  return (
    <DataTable
      data={jobs}
      columns={columns}
      caption="Restaurants of this batch"
      getRowId={(j) => j.id}
      rowProps={(row) => ({ 'data-job-id': row.original.id, 'data-status': row.original.status })}
    />
  );
}

function Heatmap({ query }: { query: UseQueryResult<RouterOutputs['batches']['stateCounts'], unknown> }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="heatmap-heading">
      <Stack>
        <Title order={2} size="h3" id="heatmap-heading">
          Where restaurants are (job statechart)
        </Title>
        <QueryView
          query={query}
          loading="Loading states…"
          error="States could not be loaded"
          empty={(data) =>
            data.states.length === 0 ? <EmptyState title="No restaurant has a state yet" /> : null
          }
        >
          {(data) => <HeatGrid data={data} />}
        </QueryView>
      </Stack>
    </Paper>
  );
}

function HeatGrid({ data }: { data: RouterOutputs['batches']['stateCounts'] }) {
  const maxCount = Math.max(...data.states.map((s) => s.count), 1);
  const maxMs = Math.max(...data.states.map((s) => s.avgMs), 1);
  return (
    <Table withTableBorder aria-label="Restaurants per job state and time in state" fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>State</Table.Th>
          <Table.Th w={180}>Restaurants</Table.Th>
          <Table.Th w={180}>Average time in state</Table.Th>
          <Table.Th w={140}>Longest</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {data.states.map((s) => (
          <Table.Tr key={s.state} data-state={s.state}>
            <Table.Th
              scope="row"
              fw={400}
              style={{ fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 }}
            >
              {s.state}
            </Table.Th>
            <Table.Td
              style={{ background: `rgba(66, 99, 235, ${(0.12 + 0.6 * (s.count / maxCount)).toFixed(2)})` }}
            >
              {s.count}
            </Table.Td>
            <Table.Td
              style={{ background: `rgba(245, 159, 0, ${(0.1 + 0.55 * (s.avgMs / maxMs)).toFixed(2)})` }}
            >
              {formatDuration(s.avgMs)}
            </Table.Td>
            <Table.Td>{formatDuration(s.maxMs)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
