// Serves the built web client (packages/web's Vite output) at /, with index.html for client-side routes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export async function registerWeb(app: FastifyInstance, webDir: string): Promise<void> {
  const root = path.resolve(webDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`web build not found: ${path.join(root, 'index.html')} does not exist (build packages/web first, or omit --web)`);
  }
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    if (req.method === 'GET' && !url.startsWith('/trpc') && !url.startsWith('/api/') && !path.extname(url)) {
      return reply.sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${url}` } });
  });
}
