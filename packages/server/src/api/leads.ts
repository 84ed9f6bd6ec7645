// Leads import through the API: the importer core (parsing, validation per row, restaurant upserts, menu files
// copied to storage) comes from the registry/automation work and is injected as a LeadsImporter; this file exposes
// it as `leads.import` (a path on the server's disk, for the CLI) and as an authenticated multipart upload route
// (the CSV together with its menu files).
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Db } from '../db/index';
import { AuthError } from '../auth/errors';
import { bearerToken } from '../auth/verifier';
import type { AuthUser } from '../auth/users';
import type { ApiDeps } from './context';
import { ApiError, httpStatusOf, toTRPCError } from './errors';
import { authedProcedure, router } from './trpc';
import { leadsImportInput } from './schemas';

export interface LeadRowError {
  /** 1-based line in the file (the header is line 1). */
  readonly line: number;
  readonly field?: string;
  readonly value?: string;
  readonly message: string;
}

export interface LeadsImportResult {
  /** New restaurants. */
  readonly imported: number;
  /** Existing restaurants (same normalised name and address) updated. */
  readonly updated: number;
  readonly restaurantIds: readonly string[];
  /** Rows refused, by line; the other rows are imported. */
  readonly errors: readonly LeadRowError[];
  /** Rows that passed validation (imported + updated, or what a dry run would import). */
  readonly valid: number;
  /** Rows repeating an earlier row of the file (skipped). */
  readonly duplicates: readonly { readonly line: number; readonly message: string }[];
}

export interface LeadsImporter {
  /** Imports a leads CSV (menu files named in it are resolved relative to the file) into the organisation. */
  importFile(input: {
    readonly file: string;
    readonly organisationId: string;
    readonly createdBy: string;
    readonly storageDir: string;
    readonly dryRun: boolean;
    readonly db: Db;
  }): Promise<LeadsImportResult>;
}

function importerOf(deps: ApiDeps): LeadsImporter {
  if (!deps.leads) throw new ApiError('not_available', 'leads import is not available in this server build (no importer configured)');
  return deps.leads;
}

function organisationOf(user: AuthUser): string {
  if (!user.organisationId) throw new ApiError('invalid_input', 'a super admin imports leads into an organisation: sign in as its user');
  return user.organisationId;
}

export const leadsRouter = router({
  /** A leads CSV already on the server's disk (the CLI's `leads import FILE`). */
  import: authedProcedure.input(leadsImportInput).mutation(({ ctx, input }) =>
    importerOf(ctx.deps).importFile({
      file: path.resolve(input.path),
      organisationId: organisationOf(ctx.me),
      createdBy: ctx.me.id,
      storageDir: ctx.deps.storageDir,
      dryRun: input.dryRun,
      db: ctx.deps.db,
    }),
  ),
});

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,200}$/;

/**
 * Where an uploaded part is stored below the upload folder: the CSV names menu files by relative path
 * (`menus/x.csv`), so a menu part's field name is that path; a part named `leads` or `files` keeps its file name.
 */
function uploadPath(fieldname: string, filename: string): string[] {
  const raw = fieldname === 'leads' || fieldname === 'files' ? filename || `${fieldname}.csv` : fieldname;
  const segments = raw.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.length > 4 || !segments.every((s) => SAFE_SEGMENT.test(s) && s !== '..')) {
    throw new ApiError('invalid_input', `file path ${JSON.stringify(raw)} is not allowed (up to 4 segments of letters, digits, space, . _ ( ) -)`, {
      [fieldname]: ['bad file path'],
    });
  }
  return segments;
}

/**
 * POST /api/leads/import (multipart/form-data): one part named `leads` (the CSV); every other file part is a menu
 * file, its field name being the path the CSV gives it (e.g. `menus/x.csv`; a part named `files` keeps its file
 * name); optional field `dryRun=true`.
 * 200 `{ imported, restaurantIds, errors: [{ line, field, value, message }] }`; 401 without a token.
 */
export async function registerLeadsUpload(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(multipart, { limits: { fileSize: deps.maxUploadBytes ?? 50 * 1024 * 1024, files: 500 } });
  app.post('/api/leads/import', async (req, reply) => {
    const dir = path.join(deps.storageDir, 'uploads', randomUUID());
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw new AuthError('unauthenticated', 'sign in: send "Authorization: Bearer <token>"');
      const user = await deps.authenticator.authenticate(token);
      const importer = importerOf(deps);
      if (!req.isMultipart()) throw new ApiError('invalid_input', 'send multipart/form-data with the CSV in a part named "leads"', { leads: ['missing'] });
      await mkdir(dir, { recursive: true });
      let leadsFile: string | null = null;
      let dryRun = false;
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === 'dryRun') dryRun = String(part.value) === 'true';
          continue;
        }
        const relative = uploadPath(part.fieldname, part.filename);
        const target = path.join(dir, ...relative);
        await mkdir(path.dirname(target), { recursive: true });
        await pipeline(part.file, createWriteStream(target));
        if (part.file.truncated) throw new ApiError('invalid_input', `${relative.join('/')} is larger than the upload limit`, { [part.fieldname]: ['too large'] });
        if (part.fieldname === 'leads') leadsFile = target;
      }
      if (!leadsFile) throw new ApiError('invalid_input', 'no part named "leads" (the leads CSV)', { leads: ['missing'] });
      const result = await importer.importFile({
        file: leadsFile,
        organisationId: organisationOf(user),
        createdBy: user.id,
        storageDir: deps.storageDir,
        dryRun,
        db: deps.db,
      });
      return reply.send(result);
    } catch (error) {
      const mapped = toTRPCError(error);
      if (mapped.code === 'INTERNAL_SERVER_ERROR') req.log.error({ err: error }, 'leads upload failed');
      const data = mapped as unknown as { fieldErrors?: Record<string, string[]> };
      return reply.status(httpStatusOf(mapped.code)).send({ error: { code: mapped.code, message: mapped.message, fieldErrors: data.fieldErrors ?? null } });
    } finally {
      // The importer copies what it keeps into storage; the upload folder is scratch.
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  });
}
