// Step 5: the configurations. A list of restaurants (tick to include in a bulk submit), the schema-driven form of
// the active one (validated with the shared ExecutionConfigSchema before sending; the server's field errors land on
// the same fields), "copy settings from" another restaurant, and "apply to the ticked" for the shared sections.
import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Checkbox,
  Grid,
  Group,
  NavLink,
  Paper,
  ScrollArea,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ExecutionConfigSchema } from '@regbatch/machines';
import { fieldErrorsOf, useTRPC } from '../app/trpc';
import { notifyFailed } from '../app/mutations';
import { notifications } from '@mantine/notifications';
import { ConfigForm, type ConfigDraft } from '../config/ConfigForm';
import { issuesToErrors } from '../config/schemaFields';
import type { ReviewItem } from '../pages/ReviewInboxPage';

/** Sections that are the same kind of choice for every restaurant; identity (login, name, hours…) is never copied. */
const SHARED_SECTIONS = ['settings', 'services', 'payment', 'steps_enabled'] as const;
/** Per-restaurant values inside a shared section. */
const PER_RESTAURANT = new Set(['settings.menu_to_import']);

function copyShared(from: ConfigDraft, to: ConfigDraft): ConfigDraft {
  const next: ConfigDraft = { ...to };
  for (const section of SHARED_SECTIONS) {
    const src = (from[section] ?? {}) as Record<string, unknown>;
    const dst = (to[section] ?? {}) as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...structuredClone(src) };
    for (const key of Object.keys(dst)) if (PER_RESTAURANT.has(`${section}.${key}`)) merged[key] = dst[key];
    next[section] = merged;
  }
  return next;
}

function validate(draft: ConfigDraft): Record<string, string> {
  const result = ExecutionConfigSchema.safeParse(draft);
  return result.success ? {} : issuesToErrors(result.error.issues);
}

export function ConfigReviews({ items }: { items: ReviewItem[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, ConfigDraft>>({});
  const [errors, setErrors] = useState<Record<string, Record<string, string>>>({});
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [activeId, setActiveId] = useState<string | null>(items[0]?.jobId ?? null);
  const [copyFrom, setCopyFrom] = useState<string | null>(null);

  // New items get their proposal as the draft; drafts of items that left the inbox are dropped.
  useEffect(() => {
    setDrafts((prev) => {
      const next: Record<string, ConfigDraft> = {};
      for (const i of items)
        next[i.jobId] = prev[i.jobId] ?? structuredClone((i.proposedConfig ?? {}) as ConfigDraft);
      return next;
    });
    if (!activeId || !items.some((i) => i.jobId === activeId)) setActiveId(items[0]?.jobId ?? null);
  }, [items]); // activeId is read, not followed: a click must not re-run the draft merge

  const active = items.find((i) => i.jobId === activeId) ?? null;
  const draft = active ? (drafts[active.jobId] ?? (active.proposedConfig as ConfigDraft) ?? {}) : null;
  const nameOf = useMemo(() => new Map(items.map((i) => [i.jobId, i.restaurant.name])), [items]);

  const submit = useMutation(
    trpc.reviews.submitConfig.mutationOptions({
      onSuccess: (result, vars) => {
        const refused = result.results.filter((r) => !r.ok);
        const nextErrors = { ...errors };
        for (const r of refused)
          nextErrors[r.jobId] = Object.fromEntries(
            Object.entries(r.fieldErrors ?? {}).map(([k, v]) => [
              k.replace(/^configs\.\d+\.config\./, ''),
              v.join(', '),
            ]),
          );
        for (const c of vars.configs)
          if (!refused.some((r) => r.jobId === c.jobId)) delete nextErrors[c.jobId];
        setErrors(nextErrors);
        notifications.show({
          color: refused.length ? 'yellow' : 'green',
          title: 'Configurations submitted',
          message: refused.length
            ? `${result.applied} submitted; refused: ${refused.map((r) => `${nameOf.get(r.jobId) ?? r.jobId}: ${r.message ?? ''}`).join('; ')}`
            : `${result.applied} submitted; step 6 starts.`,
        });
        setTicked((prev) => new Set([...prev].filter((id) => refused.some((r) => r.jobId === id))));
        void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
      },
      onError: (error, vars) => {
        const fields = fieldErrorsOf(error);
        if (Object.keys(fields).length === 0) return notifyFailed('Configurations were not submitted')(error);
        const nextErrors: Record<string, Record<string, string>> = { ...errors };
        for (const [path, messages] of Object.entries(fields)) {
          const m = /^configs\.(\d+)\.config\.(.+)$/.exec(path);
          const jobId = m ? vars.configs[Number(m[1])]?.jobId : undefined;
          if (jobId && m) nextErrors[jobId] = { ...(nextErrors[jobId] ?? {}), [m[2]!]: messages.join(', ') };
        }
        setErrors(nextErrors);
        // One restaurant: its form says it in place (a notification would sit over the submit button).
        if (vars.configs.length > 1)
          notifications.show({
            color: 'red',
            title: 'Fix the highlighted fields',
            message: 'Nothing was submitted.',
          });
      },
    }),
  );

  function send(jobIds: string[]) {
    const local: Record<string, Record<string, string>> = {};
    for (const id of jobIds) {
      const e = validate(drafts[id] ?? {});
      if (Object.keys(e).length) local[id] = e;
    }
    if (Object.keys(local).length) {
      setErrors((prev) => ({ ...prev, ...local }));
      const first = Object.keys(local)[0]!;
      setActiveId(first);
      if (jobIds.length > 1)
        notifications.show({
          color: 'red',
          title: 'Fix the highlighted fields',
          message: `${Object.keys(local)
            .map((id) => nameOf.get(id))
            .join(', ')}: nothing was submitted.`,
        });
      return;
    }
    submit.mutate({ configs: jobIds.map((jobId) => ({ jobId, config: drafts[jobId] ?? {} })) });
  }

  if (!active || !draft) return null;
  const activeErrors = errors[active.jobId] ?? {};

  return (
    <Stack component="section" aria-labelledby="config-heading">
      <Group justify="space-between">
        <Title order={2} size="h3" id="config-heading">
          Configurations ({items.length})
        </Title>
        <Group gap="xs">
          <Button variant="default" disabled={ticked.size === 0} onClick={() => setTicked(new Set())}>
            Clear ticks
          </Button>
          <Button
            disabled={ticked.size === 0}
            loading={submit.isPending && (submit.variables?.configs.length ?? 0) > 1}
            onClick={() => send([...ticked])}
          >
            Submit ticked ({ticked.size})
          </Button>
        </Group>
      </Group>
      <Grid gutter="md">
        <Grid.Col span={3}>
          <Paper withBorder radius="md" p={4}>
            <Group justify="space-between" px="xs" py={4}>
              <Checkbox
                size="xs"
                label="Tick all"
                checked={ticked.size === items.length}
                indeterminate={ticked.size > 0 && ticked.size < items.length}
                onChange={(e) =>
                  setTicked(e.currentTarget.checked ? new Set(items.map((i) => i.jobId)) : new Set())
                }
              />
            </Group>
            <ScrollArea.Autosize mah={560} type="auto">
              <nav aria-label="Restaurants to configure">
                {items.map((i) => (
                  <Group key={i.jobId} gap={0} wrap="nowrap">
                    <Checkbox
                      ml="xs"
                      size="xs"
                      aria-label={`Tick ${i.restaurant.name}`}
                      checked={ticked.has(i.jobId)}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setTicked((prev) => {
                          const next = new Set(prev);
                          if (on) next.add(i.jobId);
                          else next.delete(i.jobId);
                          return next;
                        });
                      }}
                    />
                    <NavLink
                      component="button"
                      type="button"
                      label={i.restaurant.name}
                      description={i.batchName}
                      active={i.jobId === active.jobId}
                      onClick={() => setActiveId(i.jobId)}
                      aria-current={i.jobId === active.jobId ? 'true' : undefined}
                      rightSection={
                        errors[i.jobId] && Object.keys(errors[i.jobId]!).length ? (
                          <Badge color="red" size="xs">
                            fix
                          </Badge>
                        ) : null
                      }
                    />
                  </Group>
                ))}
              </nav>
            </ScrollArea.Autosize>
          </Paper>
        </Grid.Col>
        <Grid.Col span={9}>
          <Paper
            withBorder
            radius="md"
            p="md"
            role="region"
            aria-label={`Configuration of ${active.restaurant.name}`}
          >
            <Stack>
              <Group justify="space-between" align="flex-end">
                <Title order={3} size="h4">
                  {active.restaurant.name}
                </Title>
                <Group gap="xs" align="flex-end">
                  <Select
                    label="Copy settings from"
                    placeholder="another restaurant"
                    size="xs"
                    w={220}
                    data={items
                      .filter((i) => i.jobId !== active.jobId)
                      .map((i) => ({ value: i.jobId, label: i.restaurant.name }))}
                    value={copyFrom}
                    onChange={setCopyFrom}
                    clearable
                  />
                  <Button
                    size="xs"
                    variant="light"
                    disabled={!copyFrom}
                    onClick={() => {
                      if (!copyFrom) return;
                      setDrafts((prev) => ({
                        ...prev,
                        [active.jobId]: copyShared(prev[copyFrom] ?? {}, prev[active.jobId] ?? draft),
                      }));
                      notifications.show({
                        title: 'Settings copied',
                        message: `Website, services, payment and sub-steps from ${nameOf.get(copyFrom)}. Login, name, address and hours stay this restaurant's.`,
                      });
                    }}
                  >
                    Copy
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    disabled={[...ticked].filter((id) => id !== active.jobId).length === 0}
                    onClick={() => {
                      const targets = [...ticked].filter((id) => id !== active.jobId);
                      setDrafts((prev) => {
                        const next = { ...prev };
                        for (const id of targets) next[id] = copyShared(draft, prev[id] ?? {});
                        return next;
                      });
                      notifications.show({
                        title: 'Settings applied',
                        message: `Website, services, payment and sub-steps applied to ${targets.length} ticked restaurant(s).`,
                      });
                    }}
                  >
                    Apply to ticked
                  </Button>
                </Group>
              </Group>
              {Object.keys(activeErrors).length ? (
                <Text c="red.9" size="sm" role="alert">
                  {Object.keys(activeErrors).length} field{Object.keys(activeErrors).length === 1 ? '' : 's'}{' '}
                  to fix: {Object.keys(activeErrors).join(', ')}. Nothing was submitted.
                </Text>
              ) : null}
              <ConfigForm
                key={active.jobId}
                idPrefix={`cfg-${active.jobId.slice(0, 8)}`}
                value={draft}
                errors={activeErrors}
                onChange={(next) => {
                  setDrafts((prev) => ({ ...prev, [active.jobId]: next }));
                  if (errors[active.jobId]) {
                    const still = validate(next);
                    setErrors((prev) => ({ ...prev, [active.jobId]: still }));
                  }
                }}
              />
              <Group justify="flex-end">
                <Button
                  onClick={() => send([active.jobId])}
                  loading={submit.isPending && submit.variables?.configs.length === 1}
                >
                  Submit configuration
                </Button>
              </Group>
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
