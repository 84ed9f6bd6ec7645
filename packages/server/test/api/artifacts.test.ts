// The artifact store's retention purge: each organisation keeps its files for its own retention; names that could
// leave the store are refused.
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArtifactStore, ArtifactError, type ArtifactStore } from '../../src/ops/artifacts';

const ORG_SHORT = '0a000000-0000-4000-8000-000000000001';
const ORG_LONG = '0b000000-0000-4000-8000-000000000001';
const TASK = '11111111-1111-4111-8111-111111111111';
const DAY = 24 * 3600 * 1000;
let dir: string;
let store: ArtifactStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'regbatch-artifacts-'));
  store = createArtifactStore(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('artifact retention', () => {
  it("purges a three-day-old attempt of the organisation keeping one day, and keeps the other organisation's", async () => {
    const short = await store.save({ organisationId: ORG_SHORT, taskId: TASK }, 'shot.png', new Uint8Array([1]), 'image/png');
    const long = await store.save({ organisationId: ORG_LONG, taskId: TASK }, 'shot.png', new Uint8Array([2]), 'image/png');
    const old = new Date(Date.now() - 3 * DAY);
    for (const ref of [short, long]) await utimes(path.join(dir, ref.ref), old, old);
    const result = await store.purge((org) => (org === ORG_SHORT ? 1 * DAY : 30 * DAY));
    expect(result).toEqual({ files: 1, tasks: 1 });
    expect(existsSync(path.join(dir, short.ref))).toBe(false);
    expect(existsSync(path.join(dir, long.ref))).toBe(true);
    await expect(store.open({ organisationId: ORG_SHORT, taskId: TASK }, 'shot.png')).rejects.toMatchObject({ code: 'artifact_purged' });
    const kept = await store.open({ organisationId: ORG_LONG, taskId: TASK }, 'shot.png');
    expect(kept.size).toBe(1);
    kept.stream.destroy();
  });

  it('refuses names and owners that could leave the store', async () => {
    await expect(store.save({ organisationId: ORG_SHORT, taskId: TASK }, '../x.png', new Uint8Array([1]), 'image/png')).rejects.toBeInstanceOf(ArtifactError);
    await expect(store.open({ organisationId: '../..', taskId: TASK }, 'shot.png')).rejects.toMatchObject({ code: 'artifact_name_invalid' });
  });
});
