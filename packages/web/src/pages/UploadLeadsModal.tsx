// Upload a leads file (with the menu files it names) to POST /api/leads/import; the result lists every row error
// in place (line, field, value, message), so an operator fixes the file and uploads again.
import { useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  FileInput,
  Group,
  Modal,
  ScrollArea,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileSpreadsheet, IconFiles } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../app/auth';
import { useTRPC } from '../app/trpc';

interface RowError {
  line: number;
  field?: string;
  value?: string;
  message: string;
}
interface ImportResult {
  imported: number;
  updated?: number;
  restaurantIds: string[];
  errors: RowError[];
}

export function UploadLeadsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { getToken } = useAuth();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [leads, setLeads] = useState<File | null>(null);
  const [menus, setMenus] = useState<File[]>([]);
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<{ message: string; fields: Record<string, string[]> | null } | null>(
    null,
  );

  async function upload() {
    if (!leads) {
      setError({ message: 'choose the leads CSV file', fields: { leads: ['missing'] } });
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body = new FormData();
      body.append('dryRun', String(dryRun));
      body.append('leads', leads, leads.name);
      for (const file of menus) body.append('menu', file, file.name);
      const token = getToken();
      const res = await fetch('/api/leads/import', {
        method: 'POST',
        body,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const json = (await res.json().catch(() => null)) as
        (ImportResult & { error?: { message: string; fieldErrors: Record<string, string[]> | null } }) | null;
      if (!res.ok || !json || json.error) {
        setError({
          message: json?.error?.message ?? `upload failed (HTTP ${res.status})`,
          fields: json?.error?.fieldErrors ?? null,
        });
        return;
      }
      setResult(json);
      if (!dryRun) {
        void queryClient.invalidateQueries({ queryKey: trpc.restaurants.list.queryKey() });
        notifications.show({
          color: json.errors.length ? 'yellow' : 'green',
          title: 'Leads imported',
          message: `${json.imported} restaurants imported, ${json.errors.length} row errors.`,
        });
      }
    } catch (e) {
      setError({
        message: e instanceof TypeError ? 'The server cannot be reached.' : String(e),
        fields: null,
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Upload leads" size="xl">
      <Stack>
        <Text size="sm">
          A leads CSV, and the menu and option-set CSV files it names (paths are matched by file name).
          Restaurants are created or updated; rows with errors are skipped and listed below.
        </Text>
        <FileInput
          label="Leads file (CSV)"
          accept=".csv,text/csv"
          required
          clearable
          leftSection={<IconFileSpreadsheet size={16} />}
          value={leads}
          onChange={setLeads}
          error={error?.fields?.leads?.join(', ')}
        />
        <FileInput
          label="Menu files"
          description="Optional: the menu CSVs the leads file refers to"
          multiple
          clearable
          accept=".csv,text/csv"
          leftSection={<IconFiles size={16} />}
          value={menus}
          onChange={setMenus}
        />
        <Checkbox
          label="Dry run (check the file, import nothing)"
          checked={dryRun}
          onChange={(e) => setDryRun(e.currentTarget.checked)}
        />
        {error ? (
          <Alert color="red" title="The file was not imported" role="alert">
            {error.message}
          </Alert>
        ) : null}
        {result ? (
          <Stack gap="xs" role="region" aria-label="Import result">
            <Alert
              color={result.errors.length ? 'yellow' : 'green'}
              title={dryRun ? 'Checked (dry run)' : 'Imported'}
            >
              {result.imported} restaurant{result.imported === 1 ? '' : 's'}{' '}
              {dryRun ? 'would be imported' : 'imported'}
              {result.updated ? `, ${result.updated} updated` : ''}; {result.errors.length} row error
              {result.errors.length === 1 ? '' : 's'}.
            </Alert>
            {result.errors.length > 0 ? (
              <ScrollArea.Autosize mah={260} type="auto">
                <Table withTableBorder striped aria-label="Row errors">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={70}>Line</Table.Th>
                      <Table.Th w={140}>Field</Table.Th>
                      <Table.Th w={180}>Value</Table.Th>
                      <Table.Th>Problem</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {result.errors.map((e, i) => (
                      <Table.Tr key={i}>
                        <Table.Td>{e.line}</Table.Td>
                        <Table.Td>{e.field ?? '—'}</Table.Td>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>{e.value ?? '—'}</Table.Td>
                        <Table.Td>{e.message}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            ) : null}
          </Stack>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={() => void upload()} loading={busy}>
            {dryRun ? 'Check file' : 'Upload'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
