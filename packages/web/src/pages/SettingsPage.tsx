// Settings (admins): every per-organisation setting of DESIGN §5. Secrets are write-only: the page shows whether
// one is set, a typed value replaces it, "clear" removes it; the server never sends a secret back.
import { useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fieldErrorsOf, useTRPC, type RouterInputs, type RouterOutputs } from '../app/trpc';
import { notifyDone, notifyFailed } from '../app/mutations';
import { ErrorState, LoadingState } from '../components/States';

type Settings = RouterOutputs['settings']['get'];
type Values = Settings['values'];
type SecretKey = keyof Settings['secrets'];

const URL_FIELDS: { key: keyof Values; label: string; help: string }[] = [
  { key: 'adminUrl', label: 'Admin portal URL', help: 'The platform admin portal the sub-steps drive.' },
  {
    key: 'manageUrl',
    label: 'Manage site URL',
    help: 'Onboarding users and the ordering-page code generator.',
  },
  { key: 'apiUrl', label: 'Platform API URL', help: 'Account registration API.' },
  { key: 'onboardingUrl', label: 'Onboarding lookup URL', help: 'The onboarding-record lookup endpoint.' },
  { key: 'cdnUrl', label: 'Image CDN URL', help: 'Where menu images are uploaded.' },
  { key: 'nzbnApiUrl', label: 'NZBN API base URL', help: 'NZBN API v5.' },
  {
    key: 'registerUrl',
    label: 'Companies register base URL',
    help: 'Address search and the register links in the review inbox.',
  },
];
const TEXT_FIELDS: { key: keyof Values; label: string }[] = [
  { key: 'manageEmail', label: 'Manage site login email' },
  { key: 'integratorId', label: 'Platform integrator id' },
  { key: 'cdnPublicKey', label: 'CDN public key' },
];
const SECRETS: { key: SecretKey; label: string }[] = [
  { key: 'managePassword', label: 'Manage site password' },
  { key: 'integratorSecret', label: 'Integrator secret' },
  { key: 'verificationCode', label: 'Account verification code' },
  { key: 'onboardingKey', label: 'Onboarding lookup key' },
  { key: 'nzbnApiKey', label: 'NZBN API subscription key' },
  { key: 'cdnSecret', label: 'CDN secret' },
];

type FormValues = Values & { secrets: Record<string, string>; clear: Record<string, boolean> };

export function SettingsPage() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions({}));
  return (
    <Stack>
      <Title order={1}>Settings</Title>
      {settings.isPending ? (
        <LoadingState label="Loading settings…" />
      ) : settings.isError ? (
        <ErrorState
          title="Settings could not be loaded"
          error={settings.error}
          onRetry={() => void settings.refetch()}
        />
      ) : (
        <SettingsForm settings={settings.data} />
      )}
    </Stack>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [secretState, setSecretState] = useState(settings.secrets);
  const form = useForm<FormValues>({ initialValues: { ...settings.values, secrets: {}, clear: {} } });
  useEffect(() => setSecretState(settings.secrets), [settings.secrets]);
  const save = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (data) => {
        notifyDone('Settings saved');
        setSecretState(data.secrets);
        form.setValues({ ...data.values, secrets: {}, clear: {} });
        form.resetDirty();
        queryClient.setQueryData(trpc.settings.get.queryKey({}), data);
      },
      onError: (error) => {
        const fields = fieldErrorsOf(error);
        for (const [k, v] of Object.entries(fields))
          form.setFieldError(SECRETS.some((s) => s.key === k) ? `secrets.${k}` : k, v.join(', '));
        if (Object.keys(fields).length === 0) notifyFailed('Settings were not saved')(error);
      },
    }),
  );
  return (
    <form
      aria-label="Organisation settings"
      onSubmit={form.onSubmit((values) => {
        const { secrets, clear, ...plain } = values;
        const input: RouterInputs['settings']['update'] = { ...plain };
        const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
        for (const f of [...URL_FIELDS, ...TEXT_FIELDS])
          (input as Record<string, unknown>)[f.key] = blank(plain[f.key]);
        for (const s of SECRETS) {
          if (clear[s.key]) (input as Record<string, unknown>)[s.key] = null;
          else if (secrets[s.key]) (input as Record<string, unknown>)[s.key] = secrets[s.key];
        }
        save.mutate(input);
      })}
    >
      <Stack>
        <Text c="dimmed" size="sm">
          {settings.organisationName}: where registrations go and how the outside services are reached.
        </Text>
        <Paper withBorder p="md" radius="md">
          <Stack>
            <Title order={2} size="h4">
              Target
            </Title>
            <SimpleGrid cols={3}>
              <Select
                label="Target"
                data={[
                  { value: 'sandbox', label: 'Sandbox' },
                  { value: 'production', label: 'Production' },
                ]}
                allowDeselect={false}
                {...form.getInputProps('target')}
              />
              <NumberInput
                label="Gap between account creations (ms)"
                min={0}
                max={3_600_000}
                {...form.getInputProps('accountGapMs')}
              />
              <NumberInput
                label="Keep screenshots and traces (days)"
                min={1}
                max={3650}
                {...form.getInputProps('artifactRetentionDays')}
              />
            </SimpleGrid>
          </Stack>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Stack>
            <Title order={2} size="h4">
              Addresses and identities
            </Title>
            <SimpleGrid cols={2}>
              {URL_FIELDS.map((f) => (
                <TextInput
                  key={f.key}
                  label={f.label}
                  description={f.help}
                  placeholder="https://…"
                  {...form.getInputProps(f.key)}
                  value={(form.values[f.key] as string | null) ?? ''}
                />
              ))}
              {TEXT_FIELDS.map((f) => (
                <TextInput
                  key={f.key}
                  label={f.label}
                  {...form.getInputProps(f.key)}
                  value={(form.values[f.key] as string | null) ?? ''}
                />
              ))}
            </SimpleGrid>
          </Stack>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Stack>
            <Title order={2} size="h4">
              Secrets (write-only)
            </Title>
            <Text size="sm" c="dimmed">
              Stored encrypted; never shown again. Type a value to set or replace it.
            </Text>
            <SimpleGrid cols={2}>
              {SECRETS.map((s) => (
                <Stack key={s.key} gap={4}>
                  <PasswordInput
                    label={
                      <Group gap={6} component="span">
                        {s.label}
                        <Badge size="xs" color={secretState[s.key].set ? 'green' : 'gray'} component="span">
                          {secretState[s.key].set ? 'set' : 'not set'}
                        </Badge>
                      </Group>
                    }
                    autoComplete="new-password"
                    placeholder={secretState[s.key].set ? 'unchanged' : 'not set'}
                    disabled={form.values.clear[s.key] === true}
                    {...form.getInputProps(`secrets.${s.key}`)}
                    value={form.values.secrets[s.key] ?? ''}
                  />
                  {secretState[s.key].set ? (
                    <Checkbox
                      size="xs"
                      label={`Clear the ${s.label.toLowerCase()}`}
                      {...form.getInputProps(`clear.${s.key}`, { type: 'checkbox' })}
                    />
                  ) : null}
                </Stack>
              ))}
            </SimpleGrid>
          </Stack>
        </Paper>
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
