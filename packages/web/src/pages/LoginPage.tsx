// Sign-in. Local mode (no Supabase auth on the server): pick a seeded user, the server signs a dev token.
// Supabase mode (VITE_SUPABASE_URL + VITE_SUPABASE_ANON_KEY): email and password through supabase-js.
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import {
  Autocomplete,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useAuth, supabase, supabaseConfigured } from '../app/auth';
import { fieldErrorsOf, messageOf, useTRPC } from '../app/trpc';
import { ErrorState, LoadingState } from '../components/States';

/** The users supabase/seed.sql creates (`regbatch migrate --seed`), offered as suggestions; any email can be typed. */
const SEEDED_USERS = [
  'admin@org-a.example',
  'user@org-a.example',
  'admin@org-b.example',
  'user@org-b.example',
  'superadmin@regbatch.example',
];

export function LoginPage() {
  const { token } = useAuth();
  const trpc = useTRPC();
  const mode = useQuery(trpc.auth.mode.queryOptions(undefined, { retry: 1 }));
  if (token) return <Navigate to="/batches" replace />;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} radius="md">
        <Stack>
          <div>
            <Title order={1} size="h2">
              regbatch
            </Title>
            <Text c="dimmed" size="sm">
              Sign in to run restaurant registration batches.
            </Text>
          </div>
          {supabaseConfigured ? (
            <SupabaseLogin />
          ) : mode.isPending ? (
            <LoadingState label="Contacting the server…" />
          ) : mode.isError ? (
            <ErrorState
              title="The server cannot be reached"
              error={mode.error}
              onRetry={() => void mode.refetch()}
            />
          ) : mode.data.local ? (
            <DevLogin />
          ) : (
            <Text role="alert">
              This server verifies Supabase tokens, but this web build has no VITE_SUPABASE_URL /
              VITE_SUPABASE_ANON_KEY.
            </Text>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}

function DevLogin() {
  const trpc = useTRPC();
  const { setToken } = useAuth();
  const navigate = useNavigate();
  const form = useForm({ initialValues: { email: SEEDED_USERS[0]! } });
  const login = useMutation(
    trpc.auth.devLogin.mutationOptions({
      onSuccess: (data) => {
        setToken(data.token);
        void navigate('/batches', { replace: true });
      },
      onError: (error) => {
        const fields = fieldErrorsOf(error);
        form.setFieldError('email', fields.email?.join(', ') ?? messageOf(error));
      },
    }),
  );
  return (
    <form onSubmit={form.onSubmit((values) => login.mutate({ email: values.email }))} aria-label="Dev login">
      <Stack>
        <Text size="sm">
          Local mode: choose a seeded user. The server signs a development token for them.
        </Text>
        <Autocomplete
          label="User"
          description="Seeded by regbatch migrate --seed"
          data={SEEDED_USERS}
          {...form.getInputProps('email')}
        />
        <Button type="submit" loading={login.isPending}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

function SupabaseLogin() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { setToken } = useAuth();
  const navigate = useNavigate();
  const form = useForm({ initialValues: { email: '', password: '' } });
  return (
    <form
      aria-label="Sign in"
      onSubmit={form.onSubmit(async (values) => {
        setBusy(true);
        setError(null);
        try {
          const client = await supabase();
          const { data, error: err } = await client.auth.signInWithPassword(values);
          if (err) throw err;
          setToken(data.session?.access_token ?? null);
          void navigate('/batches', { replace: true });
        } catch (e) {
          setError(e instanceof Error ? e.message : String(e));
        } finally {
          setBusy(false);
        }
      })}
    >
      <Stack>
        <TextInput
          label="Email"
          type="email"
          autoComplete="email"
          required
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          {...form.getInputProps('password')}
        />
        {error ? (
          <Text c="red.9" size="sm" role="alert">
            {error}
          </Text>
        ) : null}
        <Button type="submit" loading={busy}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
