// `regbatch serve`: the API (tRPC + SSE), the web build (packages/web/dist when built), and task workers in this
// process running the real handler set by default; `--no-workers` when `regbatch worker` processes run elsewhere.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { startServe } from '../main';
import { projectRoot } from '../db/paths';
import type { SimulateConfig } from '../work/simulate';
import { parseHandlerTarget } from '../work/handlers/index';
import type { CliContext } from './context';
import { listenForShutdown } from './signals';

interface ServeCliOptions {
  host?: string;
  port?: string;
  web?: string | false;
  workers: string | false;
  target: string;
  handlers?: string;
  sandboxUrl?: string;
  simulate?: string;
  browserSlots: string;
  accountGapMs?: string;
}

function int(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Serve the API (tRPC at /trpc, live updates over SSE), /healthz, /metrics and the web build, with task workers in this process.')
    .option('--host <host>', `listen address (env REGBATCH_API_HOST, default ${ctx.env.REGBATCH_API_HOST})`)
    .option('--port <port>', `listen port, 0 = any free port (env REGBATCH_API_PORT, default ${ctx.env.REGBATCH_API_PORT})`)
    .option('--web <dir>', 'serve this built web client at / (default: packages/web/dist when it is built)')
    .option('--no-web', 'serve the API only')
    .option('--workers <n>', 'task handlers running at once in this process', '4')
    .option('--no-workers', 'run no workers here (run `regbatch worker` elsewhere)')
    .option('--target <target>', 'handlers of in-process workers: "real" (each organisation\'s target per its settings) or "simulate"', 'real')
    .option('--handlers <set>', 'older spelling of --target')
    .option('--sandbox-url <url>', 'the sandbox real handlers drive for sandbox-target organisations whose settings name no URLs')
    .option('--simulate <json>', 'simulate handler configuration as JSON')
    .option('--browser-slots <n>', 'browser-heavy tasks running at once across all workers', '4')
    .option('--account-gap-ms <ms>', 'minimum gap between account creations per integrator')
    .action(async (o: ServeCliOptions) => {
      const shutdown = listenForShutdown();
      const target = o.handlers !== undefined ? parseHandlerTarget('--handlers', o.handlers) : parseHandlerTarget('--target', o.target);
      let simulate: SimulateConfig | undefined;
      if (o.simulate) {
        try {
          simulate = JSON.parse(o.simulate) as SimulateConfig;
        } catch (error) {
          throw new Error(`--simulate: not valid JSON (${String(error)}): ${o.simulate}`);
        }
      }
      const built = path.join(projectRoot(), 'packages/web/dist');
      const webDir = o.web === false ? null : typeof o.web === 'string' ? o.web : existsSync(path.join(built, 'index.html')) ? built : null;
      const workers = o.workers === false ? 0 : int('workers', o.workers, 0);
      const running = await startServe(ctx.env, {
        host: o.host ?? ctx.env.REGBATCH_API_HOST,
        port: o.port !== undefined ? int('port', o.port, 0) : ctx.env.REGBATCH_API_PORT,
        webDir,
        workers,
        handlers: target,
        ...(o.sandboxUrl !== undefined ? { sandboxUrl: o.sandboxUrl } : {}),
        ...(simulate ? { simulate } : {}),
        browserSlots: int('browser-slots', o.browserSlots, 1),
        ...(o.accountGapMs !== undefined ? { accountGapMs: int('account-gap-ms', o.accountGapMs, 0) } : {}),
      });
      ctx.print(
        `regbatch API on ${running.url}${webDir ? ' (web UI at /)' : ''}; ${workers ? `${workers} ${target} worker slot(s) in this process` : 'no workers in this process'}` +
          `${running.localMode ? ' — local mode: sign in with `regbatch dev-token --user <email>`' : ''}`,
      );
      await shutdown.wait();
      await running.close();
    });
}
