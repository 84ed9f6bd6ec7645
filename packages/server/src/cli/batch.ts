// `regbatch batch create|add|remove|start|pause|resume|status|watch|cancel|export`: the API's batch procedures called
// in-process as the --as user, with progress bars for `watch`, a summary table for `status`, and `--json` for scripts.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context';
import { DEFAULT_CLI_USER, openCliSession, type CliSession } from './session';
import { FINISHED_JOB, batchLine, createProgressView, progressStream, describeJob, readProgress, settled, watchBatch, type BatchProgress } from './progress';
import { readSummary, renderSummary } from './summary';

interface SessionOptions {
  as?: string;
  json?: boolean;
}

export interface CreateBatchCliOptions extends SessionOptions {
  name?: string;
  restaurants?: string;
  all?: boolean;
  mode: string;
  autoSelect: string;
  config: string;
  draft?: boolean;
  start?: boolean;
}

async function withSession<T>(ctx: CliContext, as: string | undefined, fn: (s: CliSession) => Promise<T>): Promise<T> {
  const session = await openCliSession(ctx.env, ctx.log, { as });
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

const asOption = ['--as <email>', `act as this user (default ${DEFAULT_CLI_USER})`] as const;

export function parseChoice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** Every restaurant of the user's organisation, oldest first (for `--all`). */
export async function allRestaurantIds(session: CliSession): Promise<string[]> {
  if (!session.user.organisationId) throw new Error('--all: a super admin has no organisation of its own; use --restaurants');
  const rows = await session.db
    .selectFrom('restaurants')
    .select('id')
    .where('organisation_id', '=', session.user.organisationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Machine-readable status: the batch, its jobs with their current step, and the summary rows. */
export async function statusJson(session: CliSession, batchId: string) {
  const p = await readProgress(session, batchId);
  const summary = await readSummary(session, batchId);
  const b = p.batch;
  return {
    batch: {
      id: b.id,
      name: b.name,
      status: b.status,
      paused: b.paused,
      mode: b.executionMode,
      total: b.totalRestaurants,
      completed: b.completedRestaurants,
      failed: b.failedRestaurants,
      pendingReviews: b.pendingReviews,
      jobsByStatus: b.jobsByStatus,
      createdAt: b.createdAt,
      startedAt: b.startedAt,
      completedAt: b.completedAt,
    },
    jobs: p.jobs.map((j) => {
      const s = summary.find((r) => r.jobId === j.id);
      return {
        id: j.id,
        restaurantId: j.restaurantId,
        restaurant: j.name,
        status: j.status,
        currentStep: j.currentStep,
        waitingAtStep: j.waitingAtStep,
        subStepsDone: j.subStepsDone,
        progress: describeJob(j),
        company: s?.company ?? null,
        outcome: s?.outcome ?? j.status,
        durationMs: s?.durationMs ?? null,
        error: j.errorMessage,
      };
    }),
  };
}

export type BatchStatusJson = Awaited<ReturnType<typeof statusJson>>;

function printStatus(ctx: CliContext, p: BatchProgress, table: string): void {
  ctx.print(batchLine(p));
  ctx.print(table);
}

export function registerBatchCommand(program: Command, ctx: CliContext): void {
  const batch = program.command('batch').description('Registration batches: create, add, remove, start, pause, resume, watch, cancel, export');

  batch
    .command('create')
    .description('Create a batch from restaurants of your organisation (imported with `regbatch leads import`).')
    .option('--name <name>', 'batch name (default: "Batch <date time>")')
    .option('--restaurants <ids>', 'comma-separated restaurant ids')
    .option('--all', 'every restaurant of the organisation')
    .option('--mode <mode>', 'parallel | sequential', 'parallel')
    .option('--auto-select <policy>', 'step 3 without a person: confident (pick a confident match, else ask) | never', 'never')
    .option('--config <policy>', 'step 5 without a person: defaults (submit the derived configuration) | never', 'never')
    .option('--draft', 'save as a draft instead of ready to start')
    .option('--start', 'start right away')
    .option('--json', 'print { batchId, jobIds, started } as JSON')
    .option(...asOption)
    .action((o: CreateBatchCliOptions) =>
      withSession(ctx, o.as, async (s) => {
        const mode = parseChoice('--mode', o.mode, ['parallel', 'sequential'] as const);
        const select = parseChoice('--auto-select', o.autoSelect, ['confident', 'never'] as const);
        const config = parseChoice('--config', o.config, ['defaults', 'never'] as const);
        if (!o.all && !o.restaurants) throw new Error('batch create: name the restaurants with --restaurants <ids> or --all');
        const restaurantIds = o.all ? await allRestaurantIds(s) : o.restaurants!.split(',').map((x) => x.trim()).filter(Boolean);
        if (restaurantIds.length === 0) throw new Error('batch create: no restaurants (import leads first: `regbatch leads import FILE`)');
        const created = await s.api.batches.create({
          name: o.name ?? `Batch ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
          restaurantIds,
          mode,
          draft: o.draft === true,
          start: o.start === true,
          autoPolicies: { select, config },
        });
        if (o.json) ctx.print(JSON.stringify(created));
        else ctx.print(`batch ${created.batchId}: ${created.jobIds.length} restaurant(s)${created.started ? ', started' : o.draft ? ', draft' : ''}`);
      }),
    );

  for (const [name, verb] of [
    ['add', 'added to'],
    ['remove', 'removed from'],
  ] as const) {
    batch
      .command(name)
      .argument('<batchId>')
      .description(`Restaurants ${verb} a batch that has not started (draft or pending).`)
      .requiredOption('--restaurants <ids>', 'comma-separated restaurant ids')
      .option('--json', 'print { batchId, jobIds, revision, totalRestaurants } as JSON')
      .option(...asOption)
      .action((batchId: string, o: SessionOptions & { restaurants: string }) =>
        withSession(ctx, o.as, async (s) => {
          const restaurantIds = o.restaurants.split(',').map((x) => x.trim()).filter(Boolean);
          const r = await (name === 'add' ? s.api.batches.addRestaurants : s.api.batches.removeRestaurants)({ batchId, restaurantIds });
          if (o.json) ctx.print(JSON.stringify(r));
          else ctx.print(`batch ${batchId}: ${r.jobIds.length} restaurant(s) ${verb === 'added to' ? 'added' : 'removed'}, ${r.totalRestaurants} in total`);
        }),
      );
  }

  for (const [name, description] of [
    ['start', 'Start a pending batch.'],
    ['pause', 'Pause a batch: no new task starts; running ones finish.'],
    ['resume', 'Resume a paused batch.'],
  ] as const) {
    batch
      .command(name)
      .argument('<batchId>')
      .description(description)
      .option('--json', 'print the result as JSON')
      .option(...asOption)
      .action((batchId: string, o: SessionOptions) =>
        withSession(ctx, o.as, async (s) => {
          const r = await s.api.batches[name]({ batchId });
          if (o.json) ctx.print(JSON.stringify({ batchId, ...r }));
          else ctx.print(`batch ${batchId}: ${name === 'start' ? 'started' : name === 'pause' ? 'paused' : 'resumed'}`);
        }),
      );
  }

  batch
    .command('cancel')
    .argument('<batchId>')
    .description('Cancel a batch and every unfinished restaurant in it (admin).')
    .option('--reason <text>', 'why (kept in the event history)')
    .option('--json', 'print the result as JSON')
    .option(...asOption)
    .action((batchId: string, o: SessionOptions & { reason?: string }) =>
      withSession(ctx, o.as, async (s) => {
        const r = await s.api.batches.cancel({ batchId, ...(o.reason ? { reason: o.reason } : {}) });
        if (o.json) ctx.print(JSON.stringify({ batchId, ...r }));
        else ctx.print(`batch ${batchId}: cancelled`);
      }),
    );

  batch
    .command('status')
    .argument('<batchId>')
    .description('The batch, each restaurant at its current step, and the summary (company chosen, outcome, duration).')
    .option('--json', 'print as JSON')
    .option(...asOption)
    .action((batchId: string, o: SessionOptions) =>
      withSession(ctx, o.as, async (s) => {
        if (o.json) {
          ctx.print(JSON.stringify(await statusJson(s, batchId)));
          return;
        }
        const p = await readProgress(s, batchId);
        printStatus(ctx, p, renderSummary(await readSummary(s, batchId), p));
      }),
    );

  batch
    .command('watch')
    .argument('<batchId>')
    .description('Show progress bars (the batch, then each restaurant and its current step) until the batch finishes or waits for a person.')
    .option('--json', 'print one JSON status line per change instead of bars')
    .option('--timeout <seconds>', 'give up after this long (exit code 1)')
    .option(...asOption)
    .action((batchId: string, o: SessionOptions & { timeout?: string }) =>
      withSession(ctx, o.as, async (s) => {
        const timeoutMs = o.timeout !== undefined ? Number(o.timeout) * 1000 : undefined;
        if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new Error(`--timeout: expected a number of seconds, got "${o.timeout}"`);
        let last = '';
        const view = o.json ? null : createProgressView(progressStream(ctx.print));
        const ac = new AbortController();
        const onSignal = () => ac.abort();
        process.once('SIGINT', onSignal);
        try {
          const p = await watchBatch(s, batchId, {
            signal: ac.signal,
            ...(timeoutMs ? { timeoutMs } : {}),
            onProgress: async (p) => {
              if (view) view.update(p);
              else {
                const line = JSON.stringify(await statusJson(s, batchId));
                if (line !== last) ctx.print((last = line));
              }
            },
          });
          view?.stop();
          if (!o.json) {
            printStatus(ctx, p, renderSummary(await readSummary(s, batchId), p));
            const waiting = p.jobs.filter((j) => !FINISHED_JOB.has(j.status) && j.waitingAtStep !== null).length;
            if (waiting && settled(p)) ctx.print(`${waiting} restaurant(s) wait for a person: decide in the web UI's review inbox.`);
          }
          if (p.batch.status === 'failed' || p.batch.failedRestaurants > 0) throw new Error(`batch ${batchId}: ${p.batch.failedRestaurants} restaurant(s) failed`);
        } finally {
          view?.stop();
          process.off('SIGINT', onSignal);
        }
      }),
    );

  batch
    .command('export')
    .argument('<batchId>')
    .description('Write the batch results as CSV (restaurant, ordering site URL, login e-mail, Stripe link, outcome).')
    .option('--out <file>', 'write to this file (default: stdout)')
    .option(...asOption)
    .action((batchId: string, o: SessionOptions & { out?: string }) =>
      withSession(ctx, o.as, async (s) => {
        const r = await s.api.batches.export({ batchId });
        if (o.out) {
          await writeFile(o.out, r.csv);
          ctx.print(`${r.rows} row(s) written to ${path.resolve(o.out)}`);
        } else ctx.print(r.csv.trimEnd());
      }),
    );
}
