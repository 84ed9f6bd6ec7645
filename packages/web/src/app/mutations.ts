// Feedback for commands: a notification on success, the server's message on failure (typed errors read well).
import { notifications } from '@mantine/notifications';
import { messageOf } from './trpc';

export function notifyDone(title: string, message?: string) {
  notifications.show({ color: 'green', title, message: message ?? 'Done.' });
}

export function notifyFailed(title: string) {
  return (error: unknown) =>
    notifications.show({ color: 'red', title, message: messageOf(error), autoClose: 10_000 });
}

/** Bulk review commands answer per job: one refusal does not stop the others. */
export interface BulkResult {
  results: { jobId: string; ok: boolean; message?: string; fieldErrors?: Record<string, string[]> }[];
  applied: number;
  refused: number;
}

export function notifyBulk(
  title: string,
  result: BulkResult,
  names: (jobId: string) => string = (id) => id.slice(0, 8),
) {
  const refused = result.results.filter((r) => !r.ok);
  notifications.show({
    color: refused.length ? (result.applied ? 'yellow' : 'red') : 'green',
    title,
    message: refused.length
      ? `${result.applied} applied; ${refused.length} refused: ${refused.map((r) => `${names(r.jobId)}: ${r.message ?? 'refused'}`).join('; ')}`
      : `${result.applied} applied.`,
    autoClose: refused.length ? 12_000 : 4_000,
  });
}
