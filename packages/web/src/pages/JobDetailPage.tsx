// Job detail: one restaurant's six steps with their results, step 6 as a Gantt timeline with per-sub-step operator
// actions (retry, skip, mark done — with the dependency rules spelled out), every failed attempt with its error,
// screenshot and trace, the event history, and the live statechart. Live through the job's SSE stream.
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Accordion,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Image,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconDownload, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { STEPS, YOLO_PLAN, type SubStepKey } from '@regbatch/machines';
import { useTRPC, type RouterOutputs } from '../app/trpc';
import { LiveIndicator, useJobLive } from '../app/live';
import { isAdmin, useMe } from '../app/me';
import { formatAgo, formatDuration, formatTime } from '../app/format';
import { notifyDone, notifyFailed } from '../app/mutations';
import { useArtifactDownload, useArtifactImage } from '../app/artifacts';
import { ConfirmButton } from '../components/ConfirmButton';
import { Gantt } from '../components/Gantt';
import { Statechart } from '../components/Statechart';
import { StatusBadge } from '../components/StatusBadge';
import { StepDots } from '../components/StepDots';
import { EmptyState, QueryView } from '../components/States';
import { DetailHeader } from '../components/DetailHeader';
import { Pager } from '../components/Pager';

type Job = RouterOutputs['jobs']['get'];
type Task = Job['tasks'][number];
const FINAL = new Set(['completed', 'cancelled']);

export function JobDetailPage() {
  const { jobId = '' } = useParams();
  const trpc = useTRPC();
  const job = useQuery(trpc.jobs.get.queryOptions({ jobId }));
  const live = useJobLive(job.isSuccess && !job.data.readOnly ? jobId : null, () => [
    trpc.jobs.get.queryKey({ jobId }),
  ]);
  if (!job.isSuccess)
    return (
      <QueryView query={job} loading="Loading the restaurant…" error="The restaurant could not be loaded" />
    );
  const j = job.data;
  return (
    <Stack>
      <DetailHeader
        back={{ to: `/batches/${j.batchId}`, label: 'Batch' }}
        title={j.restaurant.name ?? 'Restaurant'}
        badges={
          <>
            <StatusBadge status={j.status} size="md" />
            {j.readOnly ? (
              <Badge variant="outline">read-only (original implementation)</Badge>
            ) : (
              <LiveIndicator status={FINAL.has(j.status) ? 'off' : live} />
            )}
          </>
        }
        actions={<JobActions job={j} />}
      >
        <Group gap="sm">
          <StepDots steps={j.steps} label="Steps" />
          <Text size="sm" c="dimmed">
            {j.restaurant.city ?? ''} · created {formatAgo(j.createdAt)}
            {j.completedAt ? ` · finished ${formatAgo(j.completedAt)}` : ''}
          </Text>
        </Group>
      </DetailHeader>
      {j.errorMessage ? (
        <Paper withBorder p="sm" radius="md" bg="red.0" role="alert">
          <Text size="sm" c="red.9">
            <b>Error:</b> {j.errorMessage}
          </Text>
        </Paper>
      ) : null}
      <StepsTable job={j} />
      <Step6 job={j} />
      <FailedAttempts tasks={j.tasks.filter((t) => t.status === 'failed' || t.error)} />
      <Statechart value={j.state} />
      <Events events={j.events} />
    </Stack>
  );
}

function useRefresh(jobId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: trpc.jobs.get.queryKey({ jobId }) });
}

function JobActions({ job }: { job: Job }) {
  const trpc = useTRPC();
  const refresh = useRefresh(job.id);
  const cancel = useMutation(
    trpc.jobs.cancel.mutationOptions({
      onSuccess: () => (notifyDone('Restaurant cancelled'), refresh()),
      onError: notifyFailed('The restaurant was not cancelled'),
    }),
  );
  if (job.readOnly || FINAL.has(job.status)) return null;
  return (
    <Group>
      {job.waitingAtStep ? (
        <Button component={Link} to={`/reviews?batch=${job.batchId}`} color="orange">
          Decide step {job.waitingAtStep}
        </Button>
      ) : null}
      <ConfirmButton
        title="Cancel this restaurant?"
        message="Its running tasks are cancelled and it is not retried. Cancelled is final; the rest of the batch goes on."
        confirmLabel="Cancel restaurant"
        onConfirm={() => cancel.mutate({ jobId: job.id })}
        loading={cancel.isPending}
      >
        Cancel restaurant
      </ConfirmButton>
    </Group>
  );
}

function StepsTable({ job }: { job: Job }) {
  const trpc = useTRPC();
  const refresh = useRefresh(job.id);
  const retry = useMutation(
    trpc.jobs.retryStep.mutationOptions({
      onSuccess: (_d, v) => (notifyDone(`Step ${v.step} retried`), refresh()),
      onError: notifyFailed('The step was not retried'),
    }),
  );
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="steps-heading">
      <Stack gap="xs">
        <Title order={2} size="h3" id="steps-heading">
          Steps
        </Title>
        <Accordion multiple variant="separated" chevronPosition="left">
          {STEPS.map((def) => {
            const s = job.stepsDetail.find((x) => x.stepNumber === def.number);
            const status = s?.status ?? 'pending';
            return (
              <Accordion.Item
                key={def.number}
                value={String(def.number)}
                data-step={def.number}
                data-status={status}
              >
                <Group wrap="nowrap" pr="sm">
                  <Accordion.Control aria-label={`Step ${def.number}: ${def.name}, ${status}`}>
                    <Group gap="sm" wrap="nowrap">
                      <Text fw={600} size="sm" w={260}>
                        {def.number}. {def.name}
                      </Text>
                      <StatusBadge status={status} />
                      <Text size="xs" c="dimmed">
                        {s?.durationMs
                          ? formatDuration(s.durationMs)
                          : s?.startedAt
                            ? `started ${formatAgo(s.startedAt)}`
                            : ''}
                        {s && s.retryCount > 0
                          ? ` · ${s.retryCount} retr${s.retryCount === 1 ? 'y' : 'ies'}`
                          : ''}
                      </Text>
                      {s?.errorMessage ? (
                        <Text size="xs" c="red.9" lineClamp={1}>
                          {s.errorMessage}
                        </Text>
                      ) : null}
                    </Group>
                  </Accordion.Control>
                  {status === 'failed' && !job.readOnly ? (
                    <Button
                      size="xs"
                      leftSection={<IconRefresh size={14} />}
                      onClick={() => retry.mutate({ jobId: job.id, step: def.number })}
                      loading={retry.isPending && retry.variables?.step === def.number}
                    >
                      Retry step {def.number}
                    </Button>
                  ) : null}
                </Group>
                <Accordion.Panel>
                  <Stack gap={4}>
                    <Text size="xs" c="dimmed">
                      {def.description} ·{' '}
                      {def.type === 'action_required' ? 'waits for a person' : 'automatic'} · started{' '}
                      {formatTime(s?.startedAt)} · finished {formatTime(s?.completedAt)}
                    </Text>
                    {s?.result ? (
                      <Code block style={{ maxHeight: 240, overflow: 'auto' }}>
                        {JSON.stringify(s.result, null, 2)}
                      </Code>
                    ) : (
                      <Text size="sm">No result yet.</Text>
                    )}
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            );
          })}
        </Accordion>
      </Stack>
    </Paper>
  );
}

interface SubEntry {
  status?: string;
  attempts?: number;
  duration_ms?: number;
  error?: string;
  reason?: string;
  manually_updated?: boolean;
}

function subStepEntries(job: Job): Partial<Record<SubStepKey, SubEntry>> {
  const progress = job.stepsDetail.find((s) => s.stepNumber === 6)?.subSteps as {
    phases?: Record<string, { sub_steps?: Record<string, SubEntry> }>;
  } | null;
  const out: Partial<Record<SubStepKey, SubEntry>> = {};
  for (const phase of Object.values(progress?.phases ?? {}))
    for (const [k, v] of Object.entries(phase.sub_steps ?? {})) out[k as SubStepKey] = v;
  return out;
}

const LABEL = new Map(YOLO_PLAN.map((p) => [p.key, p.label]));

function rulesOf(key: SubStepKey) {
  const p = YOLO_PLAN.find((x) => x.key === key)!;
  const needers = YOLO_PLAN.filter((x) => x.needs.includes(key)).map((x) => x.label);
  const afters = YOLO_PLAN.filter((x) => x.after.includes(key)).map((x) => x.label);
  return { p, needers, afters };
}

function Step6({ job }: { job: Job }) {
  const trpc = useTRPC();
  const me = useMe();
  const refresh = useRefresh(job.id);
  const entries = subStepEntries(job);
  const now = Date.now();
  const retry = useMutation(
    trpc.jobs.retrySubStep.mutationOptions({
      onSuccess: (_d, v) => (notifyDone(`${LABEL.get(v.key)} retried`), refresh()),
      onError: notifyFailed('The sub-step was not retried'),
    }),
  );
  const skip = useMutation(
    trpc.jobs.skipSubStep.mutationOptions({
      onSuccess: (_d, v) => (notifyDone(`${LABEL.get(v.key)} skipped`), refresh()),
      onError: notifyFailed('The sub-step was not skipped'),
    }),
  );
  const done = useMutation(
    trpc.jobs.markSubStepDone.mutationOptions({
      onSuccess: (_d, v) => (notifyDone(`${LABEL.get(v.key)} marked done`), refresh()),
      onError: notifyFailed('The sub-step was not marked done'),
    }),
  );
  const started =
    Object.keys(entries).length > 0 ||
    job.tasks.some((t) => (YOLO_PLAN as readonly { key: string }[]).some((p) => p.key === t.kind));
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="step6-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="step6-heading">
          Step 6: Pumpd account setup
        </Title>
        {!started ? (
          <EmptyState title="Step 6 has not started">
            The twelve sub-steps run once the configuration is submitted.
          </EmptyState>
        ) : (
          <>
            <Gantt tasks={job.tasks} now={now} />
            <Table withTableBorder fz="sm" aria-label="Sub-steps">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={180}>Sub-step</Table.Th>
                  <Table.Th w={110}>Status</Table.Th>
                  <Table.Th w={110}>Attempts · time</Table.Th>
                  <Table.Th>Rules</Table.Th>
                  <Table.Th w={250}>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {YOLO_PLAN.map((p) => {
                  const e = entries[p.key] ?? {};
                  const status = e.status ?? 'pending';
                  const { needers, afters } = rulesOf(p.key);
                  const editable = !job.readOnly && !FINAL.has(job.status);
                  return (
                    <Table.Tr key={p.key} data-substep={p.key} data-status={status}>
                      <Table.Td>
                        <Tooltip label={p.why} multiline w={300}>
                          <Text size="sm" fw={500}>
                            {p.label}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={status} />
                        {e.manually_updated ? <Text size="xs">by an operator</Text> : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {e.attempts ?? 0} · {formatDuration(e.duration_ms)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {p.needs.length ? `Needs ${p.needs.map((k) => LABEL.get(k)).join(', ')}. ` : ''}
                          {p.after.length ? `After ${p.after.map((k) => LABEL.get(k)).join(', ')}. ` : ''}
                          {p.lock ? `Shares the “${p.lock}” lock. ` : ''}
                          {e.error ? (
                            <Text span c="red.9" size="xs">
                              {e.error}{' '}
                            </Text>
                          ) : null}
                          {e.reason ? (
                            <Text span c="dimmed" size="xs">
                              {e.reason}
                            </Text>
                          ) : null}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {editable && (status === 'failed' || status === 'skipped') ? (
                          <Group gap={4}>
                            <Button
                              size="compact-xs"
                              onClick={() => retry.mutate({ jobId: job.id, key: p.key })}
                              loading={retry.isPending && retry.variables?.key === p.key}
                              aria-label={`Retry ${p.label}`}
                            >
                              Retry
                            </Button>
                            {status === 'failed' ? (
                              <ConfirmButton
                                title={`Skip ${p.label}?`}
                                message={`${p.label} will not run. ${needers.length ? `Sub-steps that need it are skipped too (“${p.label} skipped”): ${needers.join(', ')}. ` : ''}${afters.length ? `Sub-steps only ordered after it go on: ${afters.join(', ')}. ` : ''}The job can then complete without it.`}
                                confirmLabel="Skip"
                                color="yellow"
                                onConfirm={() => skip.mutate({ jobId: job.id, key: p.key })}
                                buttonProps={{ size: 'compact-xs', 'aria-label': `Skip ${p.label}` }}
                              >
                                Skip
                              </ConfirmButton>
                            ) : null}
                            {status === 'failed' && isAdmin(me) ? (
                              <ConfirmButton
                                title={`Mark ${p.label} done?`}
                                message={`Say this only if ${p.label} is really done in the portal (for example, fixed by hand). ${needers.length ? `It unblocks ${needers.join(', ')}, which run next. ` : ''}Its output is empty, so sub-steps that read it use what the portal shows.`}
                                confirmLabel="Mark done"
                                color="green"
                                onConfirm={() => done.mutate({ jobId: job.id, key: p.key })}
                                buttonProps={{ size: 'compact-xs', 'aria-label': `Mark ${p.label} done` }}
                              >
                                Mark done
                              </ConfirmButton>
                            ) : null}
                          </Group>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed">
              Rules: a sub-step starts as soon as what it needs succeeded, what it comes after succeeded or
              was skipped because disabled, and its lock is free. A failed or skipped need skips it (“blocked
              by X”). A failed sub-step lets independent branches finish, then fails the job; retrying it
              re-opens the job.
            </Text>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function FailedAttempts({ tasks }: { tasks: Task[] }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="failures-heading">
      <Stack gap="sm">
        <Title order={2} size="h3" id="failures-heading">
          Failed attempts ({tasks.length})
        </Title>
        {tasks.length === 0 ? (
          <Text size="sm">No attempt has failed.</Text>
        ) : (
          tasks.map((t) => <FailedAttempt key={t.id} task={t} />)
        )}
      </Stack>
    </Paper>
  );
}

function FailedAttempt({ task }: { task: Task }) {
  const error = (task.error ?? {}) as { code?: string; message?: string; retryable?: boolean };
  const artifacts = task.artifacts as { name: string; url: string }[];
  const screenshot = artifacts.find((a) => /\.(png|jpe?g)$/i.test(a.name)) ?? null;
  const traces = artifacts.filter((a) => /\.zip$/i.test(a.name));
  const image = useArtifactImage(screenshot?.url ?? null);
  const download = useArtifactDownload();
  const label = LABEL.get(task.kind as SubStepKey) ?? task.kind;
  return (
    <Paper
      withBorder
      p="sm"
      radius="sm"
      role="group"
      aria-label={`${label} attempt ${task.attempt}`}
      data-task={task.kind}
      data-attempt={task.attempt}
    >
      <Group align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs">
            <Text fw={600} size="sm">
              {label} · attempt {task.attempt}
            </Text>
            <StatusBadge status={task.status} />
            {error.code ? <Badge variant="outline">{error.code}</Badge> : null}
            {error.retryable === false ? (
              <Badge color="red" variant="outline">
                not retryable
              </Badge>
            ) : null}
            <Text size="xs" c="dimmed">
              {formatTime(task.finishedAt ?? task.startedAt)}
            </Text>
          </Group>
          <Text size="sm" c="red.8" style={{ overflowWrap: 'anywhere' }}>
            {error.message ?? JSON.stringify(task.error)}
          </Text>
          <Group gap="xs">
            {traces.map((t) => (
              <Button
                key={t.name}
                size="xs"
                variant="default"
                leftSection={<IconDownload size={14} />}
                onClick={() =>
                  void download(t.url, t.name).catch(notifyFailed('The trace could not be downloaded'))
                }
              >
                Download trace {t.name}
              </Button>
            ))}
            {artifacts.length === 0 ? (
              <Text size="xs" c="dimmed">
                No screenshot or trace for this attempt.
              </Text>
            ) : null}
          </Group>
        </Stack>
        {screenshot ? (
          image.src ? (
            <Anchor
              href={image.src}
              target="_blank"
              rel="noreferrer"
              aria-label={`Open the screenshot of ${label} attempt ${task.attempt}`}
            >
              <Image
                src={image.src}
                alt={`Screenshot of ${label} attempt ${task.attempt}`}
                w={240}
                radius="sm"
                style={{ border: '1px solid var(--mantine-color-gray-4)' }}
              />
            </Anchor>
          ) : (
            <Text size="xs" c={image.error ? 'red.9' : 'dimmed'} w={240}>
              {image.error ? `Screenshot unavailable: ${image.error}` : 'Loading screenshot…'}
            </Text>
          )
        ) : null}
      </Group>
    </Paper>
  );
}

function Events({ events }: { events: Job['events'] }) {
  const [page, setPage] = useState(1);
  const PAGE = 20;
  const shown = useMemo(() => events.slice((page - 1) * PAGE, page * PAGE), [events, page]);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="events-heading">
      <Stack gap="xs">
        <Title order={2} size="h3" id="events-heading">
          Event history ({events.length})
        </Title>
        {events.length === 0 ? (
          <Text size="sm">No events yet.</Text>
        ) : (
          <>
            <Table withTableBorder fz="xs" layout="fixed" aria-label="Events, newest first">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={60}>Rev.</Table.Th>
                  <Table.Th w={170}>When</Table.Th>
                  <Table.Th w={190}>Event</Table.Th>
                  <Table.Th w={120}>By</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((e) => {
                  const { type: _type, at: _at, ...rest } = (e.event ?? {}) as Record<string, unknown>;
                  const details = JSON.stringify(rest);
                  return (
                    <Table.Tr key={e.id}>
                      <Table.Td>{e.revision}</Table.Td>
                      <Table.Td>{formatTime(e.at)}</Table.Td>
                      <Table.Td>
                        <Code>{e.type}</Code>
                      </Table.Td>
                      <Table.Td>{e.actor}</Table.Td>
                      <Table.Td>
                        <Text
                          size="xs"
                          lineClamp={2}
                          style={{
                            fontFamily: 'var(--mantine-font-family-monospace)',
                            overflowWrap: 'anywhere',
                          }}
                          title={details}
                        >
                          {details === '{}' ? '' : details}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            <Pager
              size="sm"
              total={events.length}
              pageSize={PAGE}
              page={page}
              onChange={setPage}
              label="Pages of events"
            />
          </>
        )}
      </Stack>
    </Paper>
  );
}
