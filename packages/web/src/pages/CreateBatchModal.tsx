// Create a batch from imported restaurants: name, mode, the auto policies of the two human steps, and either save
// as a draft (restaurants can still change) or create ready to start / start at once.
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Group, Modal, Radio, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldErrorsOf, messageOf, useTRPC } from '../app/trpc';
import { RestaurantPicker } from '../components/RestaurantPicker';

interface Values {
  name: string;
  mode: 'parallel' | 'sequential';
  select: 'never' | 'confident';
  config: 'never' | 'defaults';
}

export function CreateBatchModal({
  opened,
  onClose,
  initialSelection,
}: {
  opened: boolean;
  onClose: () => void;
  initialSelection?: string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [selected, setSelected] = useState<Set<string>>(() => new Set(initialSelection ?? []));
  const form = useForm<Values>({
    initialValues: {
      name: `Batch ${new Date().toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}`,
      mode: 'parallel',
      select: 'never',
      config: 'never',
    },
    validate: { name: (v) => (v.trim() ? null : 'a batch needs a name') },
  });
  const [restaurantsError, setRestaurantsError] = useState<string | null>(null);
  const create = useMutation(
    trpc.batches.create.mutationOptions({
      onSuccess: (data, vars) => {
        void queryClient.invalidateQueries({ queryKey: trpc.batches.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.restaurants.list.queryKey() });
        notifications.show({
          color: 'green',
          title: 'Batch created',
          message: `${data.jobIds.length} restaurants${data.started ? ', started' : vars.draft ? ', saved as draft' : ''}.`,
        });
        onClose();
        setSelected(new Set());
        void navigate(`/batches/${data.batchId}`);
      },
      onError: (error) => {
        const fields = fieldErrorsOf(error);
        if (fields.name) form.setFieldError('name', fields.name.join(', '));
        setRestaurantsError(fields.restaurantIds ? fields.restaurantIds.join(', ') : null);
        if (!fields.name && !fields.restaurantIds)
          notifications.show({ color: 'red', title: 'The batch was not created', message: messageOf(error) });
      },
    }),
  );

  const submit = () =>
    form.onSubmit((values) => {
      const how = howRef.current;
      if (selected.size === 0) {
        setRestaurantsError('choose at least one restaurant');
        return;
      }
      setRestaurantsError(null);
      create.mutate({
        name: values.name.trim(),
        restaurantIds: [...selected],
        mode: values.mode,
        draft: how === 'draft',
        start: how === 'start',
        autoPolicies: { select: values.select, config: values.config },
      });
    });

  // The clicked button decides; a ref, because the submit event fires before a state update re-renders.
  const howRef = useRef<'draft' | 'create' | 'start'>('create');
  const [how, setHowState] = useState<'draft' | 'create' | 'start'>('create');
  const setHow = (h: 'draft' | 'create' | 'start') => {
    howRef.current = h;
    setHowState(h);
  };

  return (
    <Modal opened={opened} onClose={onClose} title="New batch" size="xl">
      <form onSubmit={submit()} aria-label="New batch">
        <Stack>
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <Group align="flex-start" grow>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="mode-label">
                Mode
              </Text>
              <SegmentedControl
                aria-labelledby="mode-label"
                data={[
                  { value: 'parallel', label: 'Parallel' },
                  { value: 'sequential', label: 'Sequential' },
                ]}
                {...form.getInputProps('mode')}
              />
              <Text size="xs" c="dimmed">
                Sequential starts the next restaurant when one finishes or waits for a person.
              </Text>
            </Stack>
            <Radio.Group label="Company selection (step 3)" {...form.getInputProps('select')}>
              <Stack gap={4} mt={4}>
                <Radio value="never" label="A person decides" />
                <Radio value="confident" label="Auto-select confident matches" />
              </Stack>
            </Radio.Group>
            <Radio.Group label="Configuration (step 5)" {...form.getInputProps('config')}>
              <Stack gap={4} mt={4}>
                <Radio value="never" label="A person submits" />
                <Radio value="defaults" label="Submit the derived defaults" />
              </Stack>
            </Radio.Group>
          </Group>
          <RestaurantPicker
            enabled={opened}
            selected={selected}
            onChange={setSelected}
            error={restaurantsError}
          />
          <Group justify="flex-end">
            <Button
              variant="default"
              type="submit"
              onClick={() => setHow('draft')}
              loading={create.isPending && how === 'draft'}
            >
              Save as draft
            </Button>
            <Button
              variant="light"
              type="submit"
              onClick={() => setHow('create')}
              loading={create.isPending && how === 'create'}
            >
              Create
            </Button>
            <Button
              type="submit"
              onClick={() => setHow('start')}
              loading={create.isPending && how === 'start'}
            >
              Create and start
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
