// Status words of the seed as coloured badges; the colour carries meaning, the text says it (not colour alone).
import { Badge, type MantineColor } from '@mantine/core';

const COLOURS: Record<string, MantineColor> = {
  draft: 'gray',
  pending: 'gray',
  queued: 'gray',
  in_progress: 'blue',
  running: 'blue',
  retrying: 'yellow',
  action_required: 'orange',
  completed: 'green',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'dark',
  skipped: 'gray',
  paused: 'yellow',
  needs_attention: 'orange',
};

export function statusLabel(status: string): string {
  if (status === 'action_required') return 'needs action';
  return status.replace(/_/g, ' ');
}

export function StatusBadge({ status, size = 'sm' }: { status: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge
      color={COLOURS[status] ?? 'gray'}
      variant={status === 'cancelled' ? 'outline' : 'light'}
      size={size}
      data-status={status}
    >
      {statusLabel(status)}
    </Badge>
  );
}
