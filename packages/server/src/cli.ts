// The `regbatch` command line (commander). Each command lives in src/cli/<command>.ts and is registered in
// COMMANDS below; main() is the only place that reads process.env (through parseEnv).
import { Command, CommanderError } from 'commander';
import { parseEnv } from './env';
import { createCliLogger } from './cli/context';
import type { CliContext, RegisterCommand } from './cli/context';
import { registerMigrateCommand } from './cli/migrate';
import { registerWorkerCommand } from './cli/worker';
import { registerServeCommand } from './cli/serve';
import { registerDevTokenCommand } from './cli/devToken';
import { registerSandboxCommand } from './cli/sandbox';
import { registerLeadsCommand } from './cli/leads';
import { registerBatchCommand } from './cli/batch';
import { registerDemoCommand } from './cli/demo';

/** Add your command's registrar here (one file per command under src/cli/). */
const COMMANDS: RegisterCommand[] = [registerMigrateCommand, registerWorkerCommand, registerServeCommand, registerDevTokenCommand, registerSandboxCommand, registerLeadsCommand, registerBatchCommand, registerDemoCommand];

export function buildCli(ctx: CliContext, io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Command {
  // Output settings first: subcommands copy them when registered.
  const program = new Command('regbatch')
    .description('Durable batch onboarding of New Zealand restaurants')
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs the CLI and resolves to the exit code. A failure prints a readable message, never a stack, unless LOG_LEVEL=debug. */
export async function main(
  argv: string[],
  source: Record<string, string | undefined>,
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let ctx: CliContext;
  try {
    const env = parseEnv(source);
    ctx = { env, log: createCliLogger(env.LOG_LEVEL), print: (text) => io.stdout.write(`${text}\n`) };
  } catch (error) {
    io.stderr.write(`regbatch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    await buildCli(ctx, io).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander already printed help or the usage error
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`regbatch: ${message}\n`);
    if (ctx.env.LOG_LEVEL === 'debug' || ctx.env.LOG_LEVEL === 'trace') ctx.log.debug({ err: error }, 'failure');
    return 1;
  }
}
