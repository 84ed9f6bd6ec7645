// `regbatch sandbox --port --registry`: the local stand-in for the registry, store pages and (when present) the
// admin portal; runs until SIGINT/SIGTERM. The server itself lives in @regbatch/automation.
import type { Command } from 'commander';
import { runSandboxCli, type SandboxCliOptions } from '@regbatch/automation';
import type { CliContext } from './context';
import { listenForShutdown } from './signals';

export function registerSandboxCommand(program: Command, ctx: CliContext): void {
  program
    .command('sandbox')
    .description('Run the local sandbox of the external sites (NZBN API, register search, store pages, portal) until Ctrl-C.')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4010')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--registry <file>', 'registry file in fixtures/registry.json format (default: the shared fixture)')
    .option('--leads <file>', 'leads file whose store pages to serve (default: the shared fixtures/leads.csv)')
    .option('--faults <json>', 'faults at start, e.g. \'{"nzbn.search":{"errorRate":0.2}}\'')
    .option('--json', 'print the addresses as JSON')
    .action(async (o: SandboxCliOptions) => {
      const stop = listenForShutdown().wait().then(() => undefined);
      await runSandboxCli(o, { print: ctx.print }, stop);
      ctx.log.info('sandbox stopped');
    });
}
