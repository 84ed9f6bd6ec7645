// Adding restaurants to a batch that has not started (draft or pending): the same picker as "New batch".
import { useState } from 'react';
import { Button, Group, Modal, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldErrorsOf, messageOf, useTRPC } from '../app/trpc';
import { notifyDone } from '../app/mutations';
import { RestaurantPicker } from '../components/RestaurantPicker';

export function AddRestaurantsModal({
  batchId,
  opened,
  onClose,
}: {
  batchId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [error, setError] = useState<string | null>(null);
  const add = useMutation(
    trpc.batches.addRestaurants.mutationOptions({
      onSuccess: (data) => {
        notifyDone(
          'Restaurants added',
          `${data.jobIds.length} added; the batch has ${data.totalRestaurants}.`,
        );
        for (const key of [
          trpc.batches.get.queryKey({ batchId }),
          trpc.jobs.list.queryKey(),
          trpc.batches.list.queryKey(),
          trpc.restaurants.list.queryKey(),
          trpc.batches.stateCounts.queryKey({ batchId }),
        ])
          void queryClient.invalidateQueries({ queryKey: key });
        setSelected(new Set());
        setError(null);
        onClose();
      },
      onError: (e) => {
        const fields = fieldErrorsOf(e);
        setError(fields.restaurantIds ? fields.restaurantIds.join(', ') : messageOf(e));
      },
    }),
  );
  return (
    <Modal opened={opened} onClose={onClose} title="Add restaurants" size="xl">
      <Stack>
        <RestaurantPicker enabled={opened} selected={selected} onChange={setSelected} error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button
            disabled={selected.size === 0}
            loading={add.isPending}
            onClick={() => add.mutate({ batchId, restaurantIds: [...selected] })}
          >
            {`Add ${selected.size} restaurant${selected.size === 1 ? '' : 's'}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
