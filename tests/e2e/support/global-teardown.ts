// Stops the stack the global setup started (SIGTERM: the server closes, the database is dropped, PostgreSQL stops).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { PID_FILE } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(PID_FILE)) return;
  const pid = Number(readFileSync(PID_FILE, 'utf8'));
  rmSync(PID_FILE);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 600; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
