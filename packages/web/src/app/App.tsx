// Routes and the application shell: navigation, who is signed in, and the gate that sends a signed-out visitor to
// the login page. A server that cannot be reached gets its own page rather than a blank screen.
import { Navigate, NavLink as RouterNavLink, Route, Routes, useLocation } from 'react-router';
import { AppShell, Badge, Button, Group, Loader, NavLink, Stack, Text, Title } from '@mantine/core';
import { IconInbox, IconLayoutList, IconLogout, IconSettings } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useAuth } from './auth';
import { errorCode, useTRPC, type RouterOutputs } from './trpc';
import { MeContext } from './me';
import { ErrorState } from '../components/States';
import { LoginPage } from '../pages/LoginPage';
import { BatchesPage } from '../pages/BatchesPage';
import { BatchDetailPage } from '../pages/BatchDetailPage';
import { ReviewInboxPage } from '../pages/ReviewInboxPage';
import { JobDetailPage } from '../pages/JobDetailPage';
import { SettingsPage } from '../pages/SettingsPage';
import { NotFoundPage } from '../pages/NotFoundPage';

export function App() {
  const { token } = useAuth();
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="*" element={token ? <SignedIn /> : <Navigate to="/login" replace />} />
    </Routes>
  );
}

function SignedIn() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  if (me.isPending) {
    return (
      <Group justify="center" mt="xl" role="status" aria-label="Loading your account">
        <Loader />
        <Text>Loading your account…</Text>
      </Group>
    );
  }
  if (me.isError) {
    if (errorCode(me.error) === 'UNAUTHORIZED') return <Navigate to="/login" replace />;
    return (
      <Stack maw={640} mx="auto" mt="xl">
        <Title order={1}>regbatch</Title>
        <ErrorState title="The server cannot be reached" error={me.error} onRetry={() => void me.refetch()} />
      </Stack>
    );
  }
  return (
    <MeContext.Provider value={me.data}>
      <Shell me={me.data} />
    </MeContext.Provider>
  );
}

function Shell({ me }: { me: RouterOutputs['auth']['me'] }) {
  const { signOut } = useAuth();
  const location = useLocation();
  const admin = me.role === 'admin' || me.role === 'super_admin';
  const links = [
    { to: '/batches', label: 'Batches', icon: IconLayoutList },
    { to: '/reviews', label: 'Review inbox', icon: IconInbox },
    ...(admin ? [{ to: '/settings', label: 'Settings', icon: IconSettings }] : []),
  ];
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 'xs' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Text fw={700} size="lg" component="span">
              regbatch
            </Text>
            <Text c="dimmed" size="sm" component="span" visibleFrom="sm">
              Restaurant registration batches
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" aria-label="Signed in as">
              {me.email}
            </Text>
            <Badge variant="light" color={admin ? 'grape' : 'gray'}>
              {me.role.replace('_', ' ')}
            </Badge>
            {me.organisationName ? (
              <Text size="sm" c="dimmed">
                {me.organisationName}
              </Text>
            ) : null}
            <Button variant="subtle" size="xs" leftSection={<IconLogout size={16} />} onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {links.map((l) => (
          <NavLink
            key={l.to}
            component={RouterNavLink}
            to={l.to}
            label={l.label}
            leftSection={<l.icon size={18} />}
            active={location.pathname.startsWith(l.to)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Routes>
          <Route path="/" element={<Navigate to="/batches" replace />} />
          <Route path="/batches" element={<BatchesPage />} />
          <Route path="/batches/:batchId" element={<BatchDetailPage />} />
          <Route path="/reviews" element={<ReviewInboxPage />} />
          <Route path="/jobs/:jobId" element={<JobDetailPage />} />
          <Route
            path="/settings"
            element={admin ? <SettingsPage /> : <NotFoundPage message="Settings are for administrators." />}
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}
