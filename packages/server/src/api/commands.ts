// Sends a user's command to the engine: the engine checks visibility as the user (RLS), then applies the event
// with the service role. A rejection becomes the mapped tRPC error; bulk commands report per item instead.
import type { AuthUser } from '../auth/users';
import type { Actor, Engine, Target } from '../engine/engine';
import type { AnyEventObject } from '../engine/machines';
import { rejectionError, toTRPCError } from './errors';

export function userActor(user: AuthUser): Actor {
  return { type: 'user', userId: user.id, claims: { email: user.email } };
}

export interface CommandResult {
  readonly revision: number;
  readonly state: unknown;
}

export async function command(engine: Engine, user: AuthUser, target: Target, event: AnyEventObject, fieldPrefix = ''): Promise<CommandResult> {
  const res = await engine.applyEvent(target, { ...event, by: user.id }, userActor(user));
  if (!res.ok) throw rejectionError(res, fieldPrefix);
  return { revision: res.revision, state: res.snapshot.value };
}

export interface BulkItemResult {
  readonly jobId: string;
  readonly ok: boolean;
  readonly revision?: number;
  /** tRPC code and domain code of a refused item. */
  readonly code?: string;
  readonly domainCode?: string;
  readonly message?: string;
  readonly fieldErrors?: Record<string, string[]>;
}

/** Applies one event per job, each in its own transaction; one refusal does not stop the others. */
export async function bulkCommand(
  engine: Engine,
  user: AuthUser,
  items: readonly { jobId: string; event: AnyEventObject }[],
  concurrency = 8,
): Promise<{ results: BulkItemResult[]; applied: number; refused: number }> {
  const results: BulkItemResult[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      try {
        const r = await command(engine, user, { type: 'job', id: item.jobId }, item.event);
        results[i] = { jobId: item.jobId, ok: true, revision: r.revision };
      } catch (error) {
        const mapped = toTRPCError(error);
        if (mapped.code === 'INTERNAL_SERVER_ERROR') throw error;
        const data = mapped as unknown as { domainCode?: string; fieldErrors?: Record<string, string[]> };
        results[i] = {
          jobId: item.jobId,
          ok: false,
          code: mapped.code,
          ...(data.domainCode ? { domainCode: data.domainCode } : {}),
          message: mapped.message,
          ...(data.fieldErrors ? { fieldErrors: data.fieldErrors } : {}),
        };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  const applied = results.filter((r) => r.ok).length;
  return { results, applied, refused: results.length - applied };
}
