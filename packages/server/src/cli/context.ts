// What every CLI command receives: the parsed environment and the logger (pino, to stderr so stdout stays
// for results and --json).
import pino from 'pino';
import type { Logger } from 'pino';
import type { Command } from 'commander';
import type { Env } from '../env';

export interface CliContext {
  env: Env;
  log: Logger;
  /** Where results go (stdout by default; tests capture it). */
  print(text: string): void;
}

/** One file per command under src/cli/ exports a registrar; cli.ts lists them. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export function createCliLogger(level: Env['LOG_LEVEL']): Logger {
  return pino({ level, base: null }, pino.destination(2));
}
