// createServer(deps): the fastify app with tRPC at /trpc (queries, mutations, SSE subscriptions), the plain routes
// beside it (leads upload, artifact download, /healthz, /metrics), and the live hub's lifecycle.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { sql } from 'kysely';
import { AuthError } from '../auth/errors';
import { bearerToken } from '../auth/verifier';
import { ArtifactError } from '../ops/artifacts';
import { checkHealth } from '../ops/health';
import { createContextFactory, asUser, type ApiDeps } from './context';
import { ApiError, httpStatusOf, toTRPCError } from './errors';
import { registerLeadsUpload } from './leads';
import { appRouter, type AppRouter } from './router';

export interface ServerOptions {
  /** Serve a built web client from this folder at / (optional). */
  readonly webDir?: string | null;
  /** Start the LISTEN connection (default true). */
  readonly listen?: boolean;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  /** Listens on host:port (port 0 = any free port); resolves to the base URL. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createServer(deps: ApiDeps, options: ServerOptions = {}): Promise<ApiServer> {
  const app = Fastify({
    loggerInstance: deps.log as unknown as FastifyBaseLogger,
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5_000 },
    bodyLimit: 10 * 1024 * 1024,
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory(deps),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.log.error({ err: error.cause ?? error, path }, 'tRPC error');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  await registerLeadsUpload(app, deps);

  app.get<{ Params: { taskId: string; name: string } }>('/api/artifacts/:taskId/:name', async (req, reply) => {
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw new AuthError('unauthenticated', 'sign in: send "Authorization: Bearer <token>"');
      const user = await deps.authenticator.authenticate(token);
      const { taskId, name } = req.params;
      if (!/^[0-9a-f-]{36}$/i.test(taskId)) throw new ApiError('not_found', `task ${taskId} does not exist or is not visible to you`);
      // Visible as the user (RLS on registration_tasks), and listed on that task: nothing else is served.
      const task = await asUser(deps.db, user, async (trx) => {
        const { rows } = await sql<{ id: string; organisation_id: string; artifacts: unknown }>`
          select id, organisation_id, artifacts from registration_tasks where id = ${taskId}`.execute(trx);
        return rows[0];
      });
      if (!task) throw new ApiError('not_found', `task ${taskId} does not exist or is not visible to you`);
      const listed = (Array.isArray(task.artifacts) ? task.artifacts : []).find((a: unknown) =>
        typeof a === 'string' ? a.split('/').pop() === name : (a as { name?: string } | null)?.name === name,
      ) as { contentType?: string } | string | undefined;
      if (!listed) throw new ApiError('not_found', `task ${taskId} has no artifact ${JSON.stringify(name)}`);
      const file = await deps.artifacts.open({ organisationId: task.organisation_id, taskId: task.id }, name);
      const type = typeof listed === 'object' && listed.contentType ? listed.contentType : name.endsWith('.png') ? 'image/png' : name.endsWith('.zip') ? 'application/zip' : 'application/octet-stream';
      return reply
        .header('content-type', type)
        .header('content-length', file.size)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(file.stream);
    } catch (error) {
      const mapped = toTRPCError(error);
      if (mapped.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error }, 'artifact download failed');
      const status = error instanceof ArtifactError && error.code === 'artifact_purged' ? 410 : httpStatusOf(mapped.code);
      return reply.status(status).send({ error: { code: mapped.code, message: mapped.message } });
    }
  });

  app.get('/healthz', async (_req, reply) => {
    const report = await checkHealth(deps.db, deps.inProcessWorkers ?? (() => null));
    return reply.status(report.ok ? 200 : 503).send({ ...report, live: { listening: deps.live.listening } });
  });

  app.get('/metrics', async (_req, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(body);
  });

  if (options.webDir) {
    const webDir = options.webDir;
    const { registerWeb } = await import('./web');
    await registerWeb(app, webDir);
  }

  app.addHook('onClose', async () => {
    await deps.live.stop();
  });

  return {
    app,
    async listen(port, host = '127.0.0.1') {
      if (options.listen !== false) await deps.live.start();
      const address = await app.listen({ port, host });
      return address.replace('[::1]', 'localhost');
    },
    close: () => app.close(),
  };
}
