// The configuration form of step 5, generated from the shared ExecutionConfigObjectSchema: each section of the
// schema is a tab, each field an input chosen from its zod type (switches, selects, numbers, text), with colour
// pickers for colours, opening hours as editable rows, cuisines as tags, passwords masked. Errors sit under their field.
import {
  ActionIcon,
  Button,
  ColorInput,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Tabs,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Autocomplete,
  VisuallyHidden,
} from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { DAYS, ExecutionConfigObjectSchema, YOLO_PLAN } from '@regbatch/machines';
import type { z } from 'zod';
import { describeField, getPath, humanise, setPath } from './schemaFields';

export type ConfigDraft = Record<string, unknown>;

const SHAPE = ExecutionConfigObjectSchema.shape as unknown as Record<string, z.ZodType>;
const MASK = '********';

/** Top-level sections of the schema and the tab they go in. Top-level scalars form the "Account" tab. */
const SECTION_LABELS: Record<string, string> = {
  restaurant: 'Restaurant',
  settings: 'Website',
  services: 'Services',
  payment: 'Payment',
  onboarding: 'Onboarding',
  steps_enabled: 'Sub-steps',
};
const HIDDEN = new Set(['config_version']);
const SECRET = new Set(['password', 'onboarding.user_password']);
const LONG_TEXT = new Set([
  'settings.custom_head_code',
  'settings.custom_body_code',
  'settings.seo_description',
]);

export interface ConfigFormProps {
  value: ConfigDraft;
  onChange: (next: ConfigDraft) => void;
  errors: Record<string, string>;
  idPrefix: string;
}

export function ConfigForm({ value, onChange, errors, idPrefix }: ConfigFormProps) {
  const sections = Object.keys(SHAPE).filter((k) => describeField(SHAPE[k]!).type.kind === 'object');
  const scalars = Object.keys(SHAPE).filter((k) => !sections.includes(k) && !HIDDEN.has(k));
  const errorIn = (prefix: string) =>
    Object.keys(errors).some((k) => k === prefix || k.startsWith(`${prefix}.`));
  const set = (path: string, v: unknown) => onChange(setPath(value, path, v));
  return (
    <Tabs defaultValue="account" keepMounted>
      <Tabs.List aria-label="Configuration sections">
        <Tabs.Tab value="account" {...(scalars.some(errorIn) ? { color: 'red' } : {})}>
          Account{scalars.some(errorIn) ? ' ⚠' : ''}
        </Tabs.Tab>
        {sections.map((s) => (
          <Tabs.Tab key={s} value={s} {...(errorIn(s) ? { color: 'red' } : {})}>
            {SECTION_LABELS[s] ?? humanise(s)}
            {errorIn(s) ? ' ⚠' : ''}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value="account" pt="sm">
        <SimpleGrid cols={2} spacing="sm">
          {scalars.map((k) => (
            <Field
              key={k}
              path={k}
              schema={SHAPE[k]!}
              value={value}
              set={set}
              errors={errors}
              idPrefix={idPrefix}
            />
          ))}
        </SimpleGrid>
      </Tabs.Panel>
      {sections.map((s) => {
        const info = describeField(SHAPE[s]!);
        const shape = info.type.kind === 'object' ? info.type.shape : {};
        if (s === 'steps_enabled') {
          return (
            <Tabs.Panel key={s} value={s} pt="sm">
              <Text size="sm" c="dimmed" mb="xs">
                Each switch enables one sub-step of step 6. A disabled sub-step does not block the ones
                ordered after it.
              </Text>
              <SimpleGrid cols={3} spacing="xs">
                {YOLO_PLAN.map((p) => (
                  <Switch
                    key={p.key}
                    id={`${idPrefix}-steps_enabled-${p.key}`}
                    label={p.label}
                    description={p.why}
                    checked={getPath(value, `steps_enabled.${p.key}`) !== false}
                    onChange={(e) => set(`steps_enabled.${p.key}`, e.currentTarget.checked)}
                  />
                ))}
              </SimpleGrid>
            </Tabs.Panel>
          );
        }
        return (
          <Tabs.Panel key={s} value={s} pt="sm">
            {errors[s] ? (
              <Text c="red.9" size="sm" role="alert" mb="xs">
                {errors[s]}
              </Text>
            ) : null}
            <SimpleGrid cols={2} spacing="sm">
              {Object.keys(shape).map((k) => (
                <Field
                  key={k}
                  path={`${s}.${k}`}
                  schema={shape[k]!}
                  value={value}
                  set={set}
                  errors={errors}
                  idPrefix={idPrefix}
                />
              ))}
            </SimpleGrid>
          </Tabs.Panel>
        );
      })}
    </Tabs>
  );
}

function Field({
  path,
  schema,
  value,
  set,
  errors,
  idPrefix,
}: {
  path: string;
  schema: z.ZodType;
  value: ConfigDraft;
  set: (path: string, v: unknown) => void;
  errors: Record<string, string>;
  idPrefix: string;
}) {
  const info = describeField(schema);
  const key = path.split('.').pop()!;
  const label = humanise(key);
  const id = `${idPrefix}-${path.replace(/\./g, '-')}`;
  const current = getPath(value, path);
  const error = errors[path] ?? Object.entries(errors).find(([k]) => k.startsWith(`${path}.`))?.[1];
  const common = { id, label, error, 'data-path': path } as const;
  const text = (v: unknown) => (v === null || v === undefined || v === false ? '' : String(v));

  if (SECRET.has(path)) {
    const masked = current === MASK;
    return (
      <PasswordInput
        {...common}
        autoComplete="new-password"
        description={masked ? 'Set (hidden). Type to replace it; leave as is to keep it.' : undefined}
        value={text(current)}
        onChange={(e) => set(path, e.currentTarget.value)}
      />
    );
  }
  if (key === 'opening_hours')
    return (
      <OpeningHoursRows
        id={id}
        value={Array.isArray(current) ? current : []}
        onChange={(v) => set(path, v)}
        error={error}
      />
    );
  if (/_colou?r$/.test(key) && info.type.kind === 'string') {
    return (
      <ColorInput
        {...common}
        format="hex"
        fixOnBlur={false}
        value={text(current)}
        onChange={(v) => set(path, v)}
        placeholder="#rrggbb"
        eyeDropperButtonProps={{ 'aria-label': `Pick the ${label.toLowerCase()} from the screen` }}
      />
    );
  }
  switch (info.type.kind) {
    case 'boolean':
      return (
        <Switch
          {...common}
          mt="lg"
          checked={current === true}
          onChange={(e) => set(path, e.currentTarget.checked)}
        />
      );
    case 'enum':
      return (
        <Select
          {...common}
          data={info.type.options}
          value={typeof current === 'string' ? current : null}
          onChange={(v) => set(path, v ?? (info.nullable ? null : info.defaultValue))}
          clearable={info.nullable}
          allowDeselect={info.nullable}
        />
      );
    case 'union': {
      const options = info.type.options;
      if (/_colou?r$|_tint$/.test(key)) {
        return (
          <Autocomplete
            {...common}
            description={`${options.join(', ')} or a hex colour${/_tint$/.test(key) ? '; empty for none' : ''}`}
            data={options}
            value={text(current)}
            onChange={(v) => set(path, v)}
          />
        );
      }
      return (
        <TextInput {...common} value={text(current)} onChange={(e) => set(path, e.currentTarget.value)} />
      );
    }
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof current === 'number' ? current : ''}
          onChange={(v) =>
            set(path, typeof v === 'number' ? v : v === '' ? (info.nullable ? null : '') : Number(v))
          }
          allowDecimal={!info.type.integer}
          {...(info.type.min !== undefined ? { min: info.type.min } : {})}
          {...(info.type.max !== undefined ? { max: info.type.max } : {})}
        />
      );
    case 'stringList':
      return (
        <TagsInput
          {...common}
          value={Array.isArray(current) ? current.map(String) : []}
          onChange={(v) => set(path, v)}
        />
      );
    case 'string':
    default:
      if (LONG_TEXT.has(path))
        return (
          <Textarea
            {...common}
            autosize
            minRows={2}
            maxRows={6}
            value={text(current)}
            onChange={(e) =>
              set(path, e.currentTarget.value === '' && info.nullable ? null : e.currentTarget.value)
            }
          />
        );
      return (
        <TextInput
          {...common}
          value={text(current)}
          type={key === 'email' || key.endsWith('_email') ? 'email' : 'text'}
          onChange={(e) =>
            set(path, e.currentTarget.value === '' && info.nullable ? null : e.currentTarget.value)
          }
        />
      );
  }
}

interface HoursRow {
  day: string;
  open: string;
  close: string;
}

function OpeningHoursRows({
  id,
  value,
  onChange,
  error,
}: {
  id: string;
  value: HoursRow[];
  onChange: (v: HoursRow[]) => void;
  error: string | undefined;
}) {
  const update = (i: number, patch: Partial<HoursRow>) =>
    onChange(value.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Stack gap={4} style={{ gridColumn: '1 / -1' }} id={id} role="group" aria-labelledby={`${id}-label`}>
      <Group justify="space-between">
        <Text size="sm" fw={500} id={`${id}-label`}>
          Opening hours
        </Text>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          onClick={() => onChange([...value, { day: 'Monday', open: '11:00', close: '21:00' }])}
        >
          Add hours
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        One row per day and shift; a closing time at or before the opening time ends after midnight. No rows:
        the restaurant record&apos;s hours.
      </Text>
      {value.length > 0 ? (
        <Table withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Day</Table.Th>
              <Table.Th>Opens</Table.Th>
              <Table.Th>Closes</Table.Th>
              <Table.Th w={50}>
                <VisuallyHidden>Remove</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {value.map((row, i) => (
              <Table.Tr key={i}>
                <Table.Td>
                  <Select
                    aria-label={`Day of row ${i + 1}`}
                    data={[...DAYS]}
                    value={row.day}
                    onChange={(v) => update(i, { day: v ?? row.day })}
                    allowDeselect={false}
                    size="xs"
                  />
                </Table.Td>
                <Table.Td>
                  <TimeInput
                    aria-label={`Opening time of row ${i + 1}`}
                    value={row.open}
                    onChange={(e) => update(i, { open: e.currentTarget.value })}
                    size="xs"
                  />
                </Table.Td>
                <Table.Td>
                  <TimeInput
                    aria-label={`Closing time of row ${i + 1}`}
                    value={row.close}
                    onChange={(e) => update(i, { close: e.currentTarget.value })}
                    size="xs"
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove row ${i + 1}`}
                    onClick={() => onChange(value.filter((_, j) => j !== i))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {error ? (
        <Text c="red.9" size="xs" role="alert">
          {error}
        </Text>
      ) : null}
    </Stack>
  );
}
