// Designed loading, empty and error states, used by every list and page (so none shows a blank area).
import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import { messageOf } from '../app/trpc';

export function LoadingState({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite" aria-label={label}>
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Paper withBorder p="xl" radius="md" role="region" aria-label={title}>
      <Stack align="center" gap="xs">
        <IconInbox size={36} aria-hidden="true" color="var(--mantine-color-gray-6)" />
        <Title order={3} size="h4">
          {title}
        </Title>
        {children ? (
          <Text c="dimmed" ta="center" maw={520}>
            {children}
          </Text>
        ) : null}
        {action}
      </Stack>
    </Paper>
  );
}

export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
}) {
  return (
    <Alert
      color="red"
      variant="light"
      title={title}
      icon={<IconAlertTriangle aria-hidden="true" />}
      role="alert"
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{messageOf(error)}</Text>
        {onRetry ? (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Try again
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

/**
 * A query's designed states in one place: loading, error (with "Try again"), optionally empty, else `children` with
 * the data. What every list and page renders around its queries.
 */
export function QueryView<T>({
  query,
  loading,
  error,
  empty,
  children,
}: {
  query: UseQueryResult<T, unknown>;
  loading: string;
  error: string;
  /** The empty state for this data, or null when the data is not empty. */
  empty?: (data: T) => ReactNode | null;
  /** What to show with the data; absent when the caller renders the data itself once the query succeeded. */
  children?: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loading} />;
  if (query.isError)
    return <ErrorState title={error} error={query.error} onRetry={() => void query.refetch()} />;
  return <>{empty?.(query.data) ?? children?.(query.data) ?? null}</>;
}
