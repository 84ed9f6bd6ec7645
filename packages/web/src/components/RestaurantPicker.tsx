// Choosing imported restaurants that are in no unfinished batch: search, a page of rows with checkboxes, pagination.
// Shared by "New batch" and a draft batch's "Add restaurants".
import { useState } from 'react';
import { Checkbox, Group, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../app/trpc';
import { EmptyState, QueryView } from './States';
import { Pager } from './Pager';

const PAGE = 25;

export function RestaurantPicker({
  enabled,
  selected,
  onChange,
  error,
}: {
  enabled: boolean;
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  error: string | null;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const restaurants = useQuery(
    trpc.restaurants.list.queryOptions(
      {
        availableOnly: true,
        limit: PAGE,
        offset: (page - 1) * PAGE,
        ...(debounced ? { search: debounced } : {}),
      },
      { enabled, placeholderData: keepPreviousData },
    ),
  );
  const items = restaurants.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((r) => selected.has(r.id));
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onChange(next);
  };

  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text fw={500} size="sm" id="restaurants-label">
          Restaurants ({selected.size} selected)
        </Text>
        <TextInput
          aria-label="Search restaurants"
          placeholder="Search restaurants"
          size="xs"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
        />
      </Group>
      {error ? (
        <Text c="red.9" size="sm" role="alert">
          {error}
        </Text>
      ) : null}
      <QueryView
        query={restaurants}
        loading="Loading restaurants…"
        error="Restaurants could not be loaded"
        empty={(data) =>
          data.items.length === 0 ? (
            <EmptyState title={debounced ? 'No restaurant matches' : 'No restaurants available'}>
              {debounced
                ? 'Try another name.'
                : 'Upload a leads file first; restaurants already in an unfinished batch are not listed.'}
            </EmptyState>
          ) : null
        }
      >
        {() => (
          <ScrollArea.Autosize mah={300} type="auto">
            <Table aria-labelledby="restaurants-label" withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select every restaurant on this page"
                      checked={allOnPage}
                      indeterminate={!allOnPage && items.some((r) => selected.has(r.id))}
                      onChange={(e) =>
                        toggle(
                          items.map((r) => r.id),
                          e.currentTarget.checked,
                        )
                      }
                    />
                  </Table.Th>
                  <Table.Th>Restaurant</Table.Th>
                  <Table.Th>City</Table.Th>
                  <Table.Th>Menu</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${r.name}`}
                        checked={selected.has(r.id)}
                        onChange={(e) => toggle([r.id], e.currentTarget.checked)}
                      />
                    </Table.Td>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td>{r.city ?? '—'}</Table.Td>
                    <Table.Td>{r.hasMenuSource ? 'yes' : 'no'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        )}
      </QueryView>
      <Pager
        size="sm"
        total={restaurants.data?.total ?? 0}
        pageSize={PAGE}
        page={page}
        onChange={setPage}
        label="Pages of restaurants"
      />
    </Stack>
  );
}
