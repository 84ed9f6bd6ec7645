// Step 6 as a Gantt chart: one row per sub-step (YOLO_PLAN order), one bar per attempt from start to finish (or now),
// the wait before an attempt (backoff, queue, a lock) drawn as a lighter band. Times come from the task rows.
import { Box, Group, Stack, Text } from '@mantine/core';
import { YOLO_PLAN } from '@regbatch/machines';
import { formatDuration } from '../app/format';

export interface GanttTask {
  task: string;
  kind: string;
  attempt: number;
  status: string;
  runAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

const COLOUR: Record<string, string> = {
  succeeded: '#2f9e44',
  failed: '#e03131',
  running: '#4263eb',
  queued: '#adb5bd',
  cancelled: '#495057',
};

const LABEL_W = 190;
const ROW_H = 26;

export function Gantt({ tasks, now }: { tasks: GanttTask[]; now: number }) {
  const rows = YOLO_PLAN.map((p) => ({
    plan: p,
    attempts: tasks.filter((t) => t.kind === p.key).sort((a, b) => a.attempt - b.attempt),
  }));
  const times = tasks.flatMap((t) =>
    [t.runAt, t.startedAt, t.finishedAt].filter((x): x is string => !!x).map((x) => new Date(x).getTime()),
  );
  if (times.length === 0) return <Text size="sm">No sub-step has run yet.</Text>;
  const start = Math.min(...times);
  const end = Math.max(
    ...times,
    tasks.some((t) => t.status === 'running' || t.status === 'queued') ? now : 0,
  );
  const span = Math.max(end - start, 1000);
  const width = 880;
  const x = (iso: string | number) =>
    LABEL_W + ((new Date(iso).getTime() - start) / span) * (width - LABEL_W - 10);
  const height = rows.length * ROW_H + 30;
  return (
    <Stack gap={4}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label="Sub-step timeline: bars are attempts, light bands are waits"
        data-testid="gantt"
      >
        {[0, 0.25, 0.5, 0.75, 1].map((f) => (
          <g key={f}>
            <line
              x1={LABEL_W + f * (width - LABEL_W - 10)}
              x2={LABEL_W + f * (width - LABEL_W - 10)}
              y1={0}
              y2={height - 20}
              stroke="#e9ecef"
            />
            <text
              x={LABEL_W + f * (width - LABEL_W - 10)}
              y={height - 6}
              fontSize={10}
              textAnchor="middle"
              fill="#495057"
            >
              +{formatDuration(f * span)}
            </text>
          </g>
        ))}
        {rows.map((row, i) => {
          const y = i * ROW_H + 4;
          return (
            <g key={row.plan.key} data-substep={row.plan.key}>
              <text x={4} y={y + 15} fontSize={11} fill="#212529">
                {row.plan.label}
              </text>
              {row.attempts.map((a, j) => {
                const prevEnd = j > 0 ? row.attempts[j - 1]!.finishedAt : null;
                const waitFrom = prevEnd ?? a.runAt;
                const s = a.startedAt ?? null;
                const f = a.finishedAt ?? (a.status === 'running' ? new Date(now).toISOString() : null);
                return (
                  <g key={a.attempt} data-attempt={a.attempt} data-status={a.status}>
                    {waitFrom && (s ?? (a.status === 'queued' ? now : null)) ? (
                      <rect
                        x={x(waitFrom)}
                        y={y + 8}
                        width={Math.max(1, x(s ?? now) - x(waitFrom))}
                        height={6}
                        fill="#dee2e6"
                      >
                        <title>{`${row.plan.label}: waited ${formatDuration(new Date(s ?? now).getTime() - new Date(waitFrom).getTime())} before attempt ${a.attempt}`}</title>
                      </rect>
                    ) : null}
                    {s && f ? (
                      <rect
                        x={x(s)}
                        y={y + 3}
                        width={Math.max(3, x(f) - x(s))}
                        height={16}
                        rx={3}
                        fill={COLOUR[a.status] ?? '#868e96'}
                      >
                        <title>{`${row.plan.label} attempt ${a.attempt}: ${a.status}, ${formatDuration(new Date(f).getTime() - new Date(s).getTime())}`}</title>
                      </rect>
                    ) : null}
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <Group gap="md">
        {Object.entries(COLOUR).map(([status, colour]) => (
          <Group key={status} gap={4}>
            <Box w={12} h={12} style={{ background: colour, borderRadius: 2 }} aria-hidden="true" />
            <Text size="xs">{status}</Text>
          </Group>
        ))}
        <Group gap={4}>
          <Box w={12} h={6} style={{ background: '#dee2e6' }} aria-hidden="true" />
          <Text size="xs">waiting</Text>
        </Group>
      </Group>
    </Stack>
  );
}
