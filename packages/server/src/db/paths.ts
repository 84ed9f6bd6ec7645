// Where the project's files are: the checkout root (found from this file, not the cwd, so the CLI works from
// any directory) and the supabase/ folder the migrator reads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The directory holding pnpm-workspace.yaml above this package; the cwd when run from elsewhere. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return (cachedRoot = dir);
    const parent = path.dirname(dir);
    if (parent === dir) return (cachedRoot = process.cwd());
    dir = parent;
  }
}

export function supabaseDir(root: string = projectRoot()): string {
  return path.join(root, 'supabase');
}
