// The typed tRPC client: queries and mutations batched over HTTP, subscriptions over SSE (httpSubscriptionLink
// reconnects by itself and resumes from the last tracked() id). The bearer token is read per request, so signing in
// or out needs no new client.
import { QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@regbatch/server';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

// Annotated through AppRouter so the declarations name it instead of expanding the server's internals.
type TRPCContext = ReturnType<typeof createTRPCContext<AppRouter>>;
const context: TRPCContext = createTRPCContext<AppRouter>();
export const TRPCProvider: TRPCContext['TRPCProvider'] = context.TRPCProvider;
export const useTRPC: TRPCContext['useTRPC'] = context.useTRPC;
export const useTRPCClient: TRPCContext['useTRPCClient'] = context.useTRPCClient;

export function createClient(getToken: () => string | null): TRPCClient<AppRouter> {
  const url = `${window.location.origin}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // EventSource cannot send headers: the server reads the token from the connection parameters.
        true: httpSubscriptionLink({ url, connectionParams: () => ({ token: getToken() ?? '' }) }),
        false: httpBatchLink({
          url,
          maxURLLength: 4000,
          headers: () => {
            const token = getToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });
}

export function createQueryClient(onUnauthorized: () => void) {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // Live data arrives through subscriptions, which invalidate; nothing refetches on a timer.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !isClientError(error) && count < 2,
      },
      mutations: {
        onError: (error) => {
          if (errorCode(error) === 'UNAUTHORIZED') onUnauthorized();
        },
      },
    },
  });
  client.getQueryCache().subscribe((event) => {
    if (
      event.type === 'updated' &&
      event.action.type === 'error' &&
      errorCode(event.action.error) === 'UNAUTHORIZED'
    )
      onUnauthorized();
  });
  return client;
}

export function errorCode(error: unknown): string | null {
  if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code ?? null;
  return null;
}

function isClientError(error: unknown): boolean {
  const status =
    error instanceof TRPCClientError
      ? (error.data as { httpStatus?: number } | undefined)?.httpStatus
      : undefined;
  return status !== undefined && status >= 400 && status < 500;
}

/** Field errors the server put in `data.fieldErrors` (dotted paths → messages), or an empty object. */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  if (error instanceof TRPCClientError) {
    const data = error.data as { fieldErrors?: Record<string, string[]> | null } | undefined;
    return data?.fieldErrors ?? {};
  }
  return {};
}

export function messageOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (error.message === 'Failed to fetch' || /NetworkError|fetch failed/i.test(error.message))
      return 'The server cannot be reached. Check that `regbatch serve` is running.';
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
