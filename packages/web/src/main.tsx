// Entry: Mantine theme, notifications, TanStack Query with the tRPC client, auth and the routes.
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import './app/app.css';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { AuthProvider, useAuth } from './app/auth';
import { createClient, createQueryClient, TRPCProvider } from './app/trpc';
import { cssVariablesResolver, theme } from './app/theme';
import { App } from './app/App';

function Providers() {
  const auth = useAuth();
  const queryClient = useMemo(() => createQueryClient(() => auth.setToken(null)), [auth.setToken]);
  const trpcClient = useMemo(() => createClient(auth.getToken), [auth.getToken]);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <AuthProvider>
        <Providers />
      </AuthProvider>
    </MantineProvider>
  </StrictMode>,
);
