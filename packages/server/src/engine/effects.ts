// Reads the effects a machine transition asks for (named actions with params, DESIGN §3) into plain data the
// engine turns into task rows. Pure: no I/O, so it is tested and reused by replay and the reconciler.

export interface RunTaskEffect {
  readonly task: string;
  readonly kind: string;
  readonly attempt: number;
  readonly input: unknown;
}
export interface ScheduleEffect {
  readonly id: string;
  readonly event: { type: string; [k: string]: unknown };
  readonly delayMs: number;
  readonly jitter: number;
}
export interface Effects {
  readonly runTasks: RunTaskEffect[];
  readonly cancelTasks: string[];
  readonly schedules: ScheduleEffect[];
  readonly cancelSchedules: string[];
  readonly notifyBatch: { type: string; [k: string]: unknown }[];
}

interface ActionLike {
  readonly type: string;
  readonly params?: unknown;
}

export function readEffects(actions: readonly ActionLike[]): Effects {
  const fx: Effects = { runTasks: [], cancelTasks: [], schedules: [], cancelSchedules: [], notifyBatch: [] };
  for (const a of actions) {
    const p = (a.params ?? {}) as Record<string, unknown>;
    switch (a.type) {
      case 'runTask':
        fx.runTasks.push({
          task: requireString(p.task, 'runTask.task'),
          kind: requireString(p.kind, 'runTask.kind'),
          attempt: typeof p.attempt === 'number' ? p.attempt : 1,
          input: p.input ?? null,
        });
        break;
      case 'cancelTask':
        fx.cancelTasks.push(requireString(p.task, 'cancelTask.task'));
        break;
      case 'schedule':
        fx.schedules.push({
          id: requireString(p.id, 'schedule.id'),
          event: p.event as ScheduleEffect['event'],
          delayMs: typeof p.delayMs === 'number' ? Math.max(0, p.delayMs) : 0,
          jitter: typeof p.jitter === 'number' ? Math.min(1, Math.max(0, p.jitter)) : 0,
        });
        break;
      case 'cancelSchedule':
        fx.cancelSchedules.push(requireString(p.id, 'cancelSchedule.id'));
        break;
      case 'notifyBatch':
        fx.notifyBatch.push(p.event as Effects['notifyBatch'][number]);
        break;
      default:
        break; // assignments and other pure actions are already folded into the snapshot
    }
  }
  return fx;
}

/** The delay the host adds on top of a schedule: up to `jitter` × delay, so retries of many jobs spread out. */
export function jitteredDelay(delayMs: number, jitter: number, random: () => number): number {
  return Math.round(delayMs * (1 + jitter * random()));
}

function requireString(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`effect param ${what} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}
