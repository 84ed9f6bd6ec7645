// Tables of the app: @tanstack/react-table for the column model and (server-side) sorting, Mantine's Table to draw.
// Sortable headers are buttons with aria-sort, so sorting works from the keyboard and is announced.
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type OnChangeFn,
  type Row,
} from '@tanstack/react-table';
import { Table, UnstyledButton, Group, Text, VisuallyHidden } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';

export interface DataTableProps<T> {
  data: T[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  caption: string;
  getRowId: (row: T) => string;
  sorting?: SortingState;
  onSortingChange?: OnChangeFn<SortingState>;
  rowProps?: (row: Row<T>) => Record<string, unknown>;
  minWidth?: number;
}

export function DataTable<T>({
  data,
  columns,
  caption,
  getRowId,
  sorting,
  onSortingChange,
  rowProps,
}: DataTableProps<T>) {
  const table = useReactTable({
    data,
    columns,
    getRowId: (row) => getRowId(row),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    enableSorting: Boolean(onSortingChange),
    enableSortingRemoval: false,
    state: sorting ? { sorting } : {},
    ...(onSortingChange ? { onSortingChange } : {}),
  });
  return (
    <Table striped highlightOnHover withTableBorder layout="fixed">
      <VisuallyHidden component="caption">{caption}</VisuallyHidden>
      <Table.Thead>
        {table.getHeaderGroups().map((group) => (
          <Table.Tr key={group.id}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const canSort = header.column.getCanSort();
              const label = header.isPlaceholder
                ? null
                : flexRender(header.column.columnDef.header, header.getContext());
              const width = header.column.columnDef.size !== 150 ? header.column.columnDef.size : undefined;
              return (
                <Table.Th
                  key={header.id}
                  scope="col"
                  aria-sort={
                    sorted === 'asc'
                      ? 'ascending'
                      : sorted === 'desc'
                        ? 'descending'
                        : canSort
                          ? 'none'
                          : undefined
                  }
                  style={width ? { width } : undefined}
                >
                  {canSort ? (
                    <UnstyledButton
                      onClick={header.column.getToggleSortingHandler()}
                      aria-label={`Sort by ${String(header.column.columnDef.meta ?? header.id)}`}
                    >
                      <Group gap={4} wrap="nowrap">
                        <Text fw={700} size="sm">
                          {label}
                        </Text>
                        {sorted === 'asc' ? (
                          <IconArrowUp size={14} aria-hidden="true" />
                        ) : sorted === 'desc' ? (
                          <IconArrowDown size={14} aria-hidden="true" />
                        ) : (
                          <IconArrowsSort size={14} aria-hidden="true" />
                        )}
                      </Group>
                    </UnstyledButton>
                  ) : (
                    label
                  )}
                </Table.Th>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Thead>
      <Table.Tbody>
        {table.getRowModel().rows.map((row) => (
          <Table.Tr key={row.id} {...(rowProps ? rowProps(row) : {})}>
            {row.getVisibleCells().map((cell) => (
              <Table.Td key={cell.id} style={{ overflowWrap: 'anywhere' }}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
