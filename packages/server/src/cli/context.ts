// What every CLI command receives: the parsed environment and the logger (pino, to stderr so stdout stays
// for results and --json).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

/**
 * For commands whose terminal shows progress (demo): the whole log at `level` goes to `file`, and only warnings and
 * errors reach stderr, so JSON lines do not interleave with the progress view.
 */
export function createFileLogger(level: Env['LOG_LEVEL'], file: string): Logger {
  if (level === 'silent') return pino({ level });
  mkdirSync(path.dirname(file), { recursive: true });
  const consoleLevel: pino.Level = pino.levels.values[level]! > pino.levels.values.warn! ? level : 'warn';
  return pino(
    { level, base: null },
    pino.multistream([
      { level: consoleLevel, stream: pino.destination(2) },
      { level, stream: pino.destination({ dest: file, sync: false }) },
    ]),
  );
}
