// The ways on besides choosing a candidate: manual entry of the company/contact details, and a retried search with
// an edited query (name, street, city). Both are forms in modals with the server's field errors in place.
import { Button, Group, Modal, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldErrorsOf, messageOf, useTRPC } from '../app/trpc';
import { notifyBulk, notifyDone, notifyFailed } from '../app/mutations';
import type { ReviewItem } from '../pages/ReviewInboxPage';

const MANUAL_FIELDS = [
  ['contact_name', 'Contact name'],
  ['full_legal_name', 'Full legal name'],
  ['contact_email', 'Contact email'],
  ['contact_phone', 'Contact phone'],
  ['company_name', 'Company name'],
  ['company_number', 'Company number'],
  ['gst_number', 'GST number'],
  ['nzbn', 'NZBN'],
] as const;

export function ManualEntryModal({ item, onClose }: { item: ReviewItem | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Record<(typeof MANUAL_FIELDS)[number][0], string>>({
    initialValues: Object.fromEntries(MANUAL_FIELDS.map(([k]) => [k, ''])) as Record<
      (typeof MANUAL_FIELDS)[number][0],
      string
    >,
    validate: { contact_name: (v) => (v.trim() ? null : 'a contact name is required') },
  });
  const save = useMutation(
    trpc.reviews.manualEntry.mutationOptions({
      onSuccess: (result) => {
        const refused = result.results.find((r) => !r.ok);
        if (refused) {
          for (const [k, v] of Object.entries(refused.fieldErrors ?? {}))
            form.setFieldError(k.replace(/^entries\.\d+\.entry\./, ''), v.join(', '));
          notifyBulk('Manual entry', result);
          return;
        }
        notifyDone('Manual entry saved', 'Step 4 continues with these details.');
        void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
        form.reset();
        onClose();
      },
      onError: (error) => {
        const fields = fieldErrorsOf(error);
        for (const [k, v] of Object.entries(fields))
          form.setFieldError(k.replace(/^entries\.\d+\.entry\./, ''), v.join(', '));
        if (Object.keys(fields).length === 0) notifyFailed('Manual entry was not saved')(error);
      },
    }),
  );
  return (
    <Modal
      opened={item !== null}
      onClose={onClose}
      title={`Enter details by hand: ${item?.restaurant.name ?? ''}`}
      size="lg"
    >
      <form
        aria-label="Manual entry"
        onSubmit={form.onSubmit((values) => {
          if (!item) return;
          const entry = Object.fromEntries(
            Object.entries(values).map(([k, v]) => [k, v.trim() === '' ? null : v.trim()]),
          );
          save.mutate({
            entries: [{ jobId: item.jobId, entry: { ...entry, contact_name: values.contact_name.trim() } }],
          });
        })}
      >
        <Stack>
          <SimpleGrid cols={2}>
            {MANUAL_FIELDS.map(([key, label]) => (
              <TextInput
                key={key}
                label={label}
                required={key === 'contact_name'}
                {...form.getInputProps(key)}
              />
            ))}
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Back
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save details
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

interface Query {
  restaurant_name?: string;
  street?: string;
  city?: string;
}

export function RetrySearchModal({ item, onClose }: { item: ReviewItem | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = (item?.queries ?? {}) as Query;
  const form = useForm({
    initialValues: {
      restaurant_name: q.restaurant_name ?? item?.restaurant.name ?? '',
      street: q.street ?? '',
      city: q.city ?? item?.restaurant.city ?? '',
    },
  });
  const retry = useMutation(
    trpc.jobs.retrySearch.mutationOptions({
      onSuccess: () => {
        notifyDone('Search started again', 'New candidates appear here when it finishes.');
        void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
        onClose();
      },
      onError: (error) => {
        const fields = fieldErrorsOf(error);
        for (const [k, v] of Object.entries(fields))
          form.setFieldError(k.replace(/^query\./, ''), v.join(', '));
        if (Object.keys(fields).length === 0)
          notifyFailed('The search did not start')(new Error(messageOf(error)));
      },
    }),
  );
  return (
    <Modal
      opened={item !== null}
      onClose={onClose}
      title={`Search again: ${item?.restaurant.name ?? ''}`}
      size="lg"
      key={item?.jobId ?? 'none'}
    >
      <form
        aria-label="Retry search"
        onSubmit={form.onSubmit((values) => {
          if (!item) return;
          const query: Query = {};
          if (values.restaurant_name.trim()) query.restaurant_name = values.restaurant_name.trim();
          if (values.street.trim()) query.street = values.street.trim();
          if (values.city.trim()) query.city = values.city.trim();
          retry.mutate({ jobId: item.jobId, query });
        })}
      >
        <Stack>
          <TextInput label="Name to search" {...form.getInputProps('restaurant_name')} />
          <TextInput label="Street" {...form.getInputProps('street')} />
          <TextInput label="City" {...form.getInputProps('city')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Back
            </Button>
            <Button type="submit" loading={retry.isPending}>
              Search again
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
