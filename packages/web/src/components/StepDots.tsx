// The six steps of a restaurant (or a batch's current step) as a compact row of labelled marks.
import { Group, Tooltip, Box, VisuallyHidden } from '@mantine/core';
import { STEPS } from '@regbatch/machines';
import { statusLabel } from './StatusBadge';

const FILL: Record<string, string> = {
  completed: 'var(--mantine-color-green-6)',
  in_progress: 'var(--mantine-color-blue-6)',
  retrying: 'var(--mantine-color-yellow-6)',
  action_required: 'var(--mantine-color-orange-6)',
  failed: 'var(--mantine-color-red-6)',
  skipped: 'var(--mantine-color-gray-5)',
  pending: 'var(--mantine-color-gray-2)',
};

/** `steps` maps "step_1".."step_6" to a status. */
export function StepDots({ steps, label }: { steps: Record<string, string | undefined>; label: string }) {
  const words = STEPS.map(
    (s) => `step ${s.number} ${statusLabel(steps[`step_${s.number}`] ?? 'pending')}`,
  ).join(', ');
  return (
    <Group gap={4} wrap="nowrap" role="img" aria-label={`${label}: ${words}`}>
      {STEPS.map((s) => {
        const status = steps[`step_${s.number}`] ?? 'pending';
        return (
          <Tooltip key={s.number} label={`${s.number}. ${s.name}: ${statusLabel(status)}`} withArrow>
            <Box
              w={22}
              h={10}
              style={{
                borderRadius: 3,
                background: FILL[status] ?? FILL.pending,
                border: '1px solid var(--mantine-color-gray-4)',
              }}
              {...(status === 'in_progress' ? { className: 'rb-pulse' } : {})}
              data-step={s.number}
              data-status={status}
            >
              <VisuallyHidden>{`${s.name}: ${statusLabel(status)}`}</VisuallyHidden>
            </Box>
          </Tooltip>
        );
      })}
    </Group>
  );
}
