// Step 2's waits: the search found no candidate, or failed after its retries. The ways on: search again with an
// edited query, enter the details by hand, mark no match, or (after a failure) retry the step as it was.
import { useState } from 'react';
import { Alert, Button, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../app/trpc';
import { notifyBulk, notifyDone, notifyFailed } from '../app/mutations';
import { formatAgo } from '../app/format';
import type { ReviewItem } from '../pages/ReviewInboxPage';
import { ManualEntryModal, RetrySearchModal } from './decisionForms';

export function SearchWaits({ items }: { items: ReviewItem[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [manual, setManual] = useState<ReviewItem | null>(null);
  const [retry, setRetry] = useState<ReviewItem | null>(null);
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
  const noMatch = useMutation(
    trpc.reviews.noMatch.mutationOptions({
      onSuccess: (r) => (notifyBulk('Marked as no match', r), invalidate()),
      onError: notifyFailed('No match was not saved'),
    }),
  );
  const retryStep = useMutation(
    trpc.jobs.retryStep.mutationOptions({
      onSuccess: () => (notifyDone('Step 2 retried'), invalidate()),
      onError: notifyFailed('The step was not retried'),
    }),
  );
  return (
    <Stack component="section" aria-labelledby="search-heading">
      <Title order={2} size="h3" id="search-heading">
        Searches without a result ({items.length})
      </Title>
      {items.map((item) => {
        const q = (item.queries ?? {}) as { restaurant_name?: string; street?: string; city?: string };
        return (
          <Card
            key={item.jobId}
            withBorder
            radius="md"
            role="group"
            aria-label={item.restaurant.name}
            data-job-id={item.jobId}
          >
            <Stack gap="xs">
              <Group justify="space-between">
                <Title order={3} size="h4">
                  {item.restaurant.name}
                </Title>
                <Text size="sm" c="dimmed">
                  {item.batchName} · waiting {formatAgo(item.waitingSince)}
                </Text>
              </Group>
              {item.searchFailed ? (
                <Alert color="red" title="The search failed after its retries">
                  {item.errorMessage ?? 'no error message'}
                </Alert>
              ) : (
                <Text size="sm">The register had no candidate for this restaurant.</Text>
              )}
              <Text size="sm">
                Searched: <Code>{q.restaurant_name ?? item.restaurant.name}</Code> at{' '}
                <Code>{[q.street, q.city].filter(Boolean).join(', ') || '—'}</Code>
              </Text>
              <Group gap="xs">
                <Button onClick={() => setRetry(item)}>Search again</Button>
                {item.searchFailed ? (
                  <Button
                    variant="default"
                    onClick={() => retryStep.mutate({ jobId: item.jobId, step: 2 })}
                    loading={retryStep.isPending}
                  >
                    Retry step 2 as it was
                  </Button>
                ) : null}
                <Button variant="default" onClick={() => setManual(item)}>
                  Enter by hand
                </Button>
                <Button
                  variant="default"
                  onClick={() => noMatch.mutate({ jobIds: [item.jobId] })}
                  loading={noMatch.isPending}
                >
                  No match
                </Button>
              </Group>
            </Stack>
          </Card>
        );
      })}
      <ManualEntryModal item={manual} onClose={() => setManual(null)} />
      <RetrySearchModal key={retry?.jobId ?? 'none'} item={retry} onClose={() => setRetry(null)} />
    </Stack>
  );
}
