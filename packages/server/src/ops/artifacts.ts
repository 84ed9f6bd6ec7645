// Where failed attempts' screenshots and traces live: files under <root>/<organisation>/<task>/<name>, referenced
// from the task row's `artifacts` list. The API serves them to users who can see the task; a purge removes those
// older than the retention.
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** What a task row's `artifacts` list holds per file. */
export interface ArtifactRef {
  /** "<organisationId>/<taskId>/<name>" below the store's root. */
  readonly ref: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly createdAt: string;
}

export class ArtifactError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: 'artifact_name_invalid' | 'artifact_not_found' | 'artifact_purged',
    message: string,
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const SAFE_ID = /^[0-9a-f-]{36}$/i;

export interface ArtifactStore {
  readonly root: string;
  /** Stores one file of a task's attempt; returns its reference (the string flows' ArtifactSink.save returns is `ref`). */
  save(owner: { organisationId: string; taskId: string }, name: string, data: Uint8Array, contentType: string): Promise<ArtifactRef>;
  /** A sink for one task, the shape automation's flows take. */
  sinkFor(owner: { organisationId: string; taskId: string }, onSaved?: (ref: ArtifactRef) => void): { save(name: string, data: Uint8Array, contentType: string): Promise<string> };
  open(owner: { organisationId: string; taskId: string }, name: string): Promise<{ stream: Readable; size: number }>;
  /** Deletes task folders whose files are all older than the retention (one for all, or per organisation). */
  purge(retentionMs: number | ((organisationId: string) => number), now?: Date): Promise<{ files: number; tasks: number }>;
}

export function createArtifactStore(root: string): ArtifactStore {
  const dirOf = (owner: { organisationId: string; taskId: string }) => {
    if (!SAFE_ID.test(owner.organisationId) || !SAFE_ID.test(owner.taskId)) {
      throw new ArtifactError('artifact_name_invalid', `artifact owner must be uuids, got ${JSON.stringify(owner)}`);
    }
    return path.join(root, owner.organisationId.toLowerCase(), owner.taskId.toLowerCase());
  };
  const checkName = (name: string) => {
    if (!SAFE_NAME.test(name)) throw new ArtifactError('artifact_name_invalid', `artifact name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`);
  };

  const store: ArtifactStore = {
    root,
    async save(owner, name, data, contentType) {
      checkName(name);
      const dir = dirOf(owner);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, name), data);
      return {
        ref: `${owner.organisationId.toLowerCase()}/${owner.taskId.toLowerCase()}/${name}`,
        name,
        contentType,
        size: data.byteLength,
        createdAt: new Date().toISOString(),
      };
    },
    sinkFor(owner, onSaved) {
      return {
        save: async (name, data, contentType) => {
          const ref = await store.save(owner, name, data, contentType);
          onSaved?.(ref);
          return ref.ref;
        },
      };
    },
    async open(owner, name) {
      checkName(name);
      const file = path.join(dirOf(owner), name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new ArtifactError('artifact_purged', `artifact ${name} of task ${owner.taskId} is no longer stored (retention purge)`);
      return { stream: createReadStream(file), size: info.size };
    },
    async purge(retentionMs, now = new Date()) {
      const retentionOf = typeof retentionMs === 'number' ? () => retentionMs : retentionMs;
      let files = 0;
      let tasks = 0;
      const orgs = await readdir(root, { withFileTypes: true }).catch(() => []);
      for (const org of orgs) {
        if (!org.isDirectory()) continue;
        const cutoff = now.getTime() - retentionOf(org.name);
        const orgDir = path.join(root, org.name);
        for (const task of await readdir(orgDir, { withFileTypes: true })) {
          if (!task.isDirectory()) continue;
          const taskDir = path.join(orgDir, task.name);
          const entries = await readdir(taskDir);
          const stats = await Promise.all(entries.map((e) => stat(path.join(taskDir, e))));
          if (stats.every((s) => s.mtimeMs < cutoff)) {
            await rm(taskDir, { recursive: true, force: true });
            files += entries.length;
            tasks += 1;
          }
        }
      }
      return { files, tasks };
    },
  };
  return store;
}
