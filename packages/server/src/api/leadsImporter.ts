// The leads importer behind leads.import and the upload route: automation's parser validates every row with the
// shared field schemas (errors by line, duplicates by normalised name + address); this writes the valid leads as
// restaurants of the organisation in one transaction (an existing restaurant with the same normalised name and
// address is updated, so a re-import never duplicates), and copies each lead's menu files into the project's storage.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LeadsFileError, dedupeKey, parseLeadsFile, type MenuSource } from '@regbatch/automation';
import type { LeadsImporter, LeadsImportResult } from './leads';
import { ApiError } from './errors';

export function createLeadsImporter(): LeadsImporter {
  return {
    async importFile({ file, organisationId, createdBy, storageDir, dryRun, db }): Promise<LeadsImportResult> {
      let parsed;
      try {
        parsed = parseLeadsFile(file);
      } catch (error) {
        if (error instanceof LeadsFileError) return { imported: 0, updated: 0, restaurantIds: [], errors: error.issues, valid: 0, duplicates: [] };
        const code = (error as { code?: string }).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
          throw new ApiError('invalid_input', `path: cannot read ${file} (${code})`, { path: [`cannot read ${file} (${code})`] });
        }
        throw error;
      }
      const duplicates = parsed.duplicates.map((d) => ({ line: d.line, message: `duplicate of line ${d.duplicateOfLine} (${d.name}); skipped` }));
      if (dryRun || parsed.leads.length === 0) {
        return { imported: 0, updated: 0, restaurantIds: [], errors: parsed.errors, valid: parsed.leads.length, duplicates };
      }
      return db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('restaurants').select(['id', 'name', 'address']).where('organisation_id', '=', organisationId).execute();
        const byKey = new Map(existing.map((r) => [dedupeKey(r.name, r.address ?? ''), r.id]));
        const ids: string[] = [];
        let updated = 0;
        for (const lead of parsed.leads) {
          const found = byKey.get(dedupeKey(lead.name, lead.address));
          const id = found ?? randomUUID();
          if (found) updated++;
          const menuSource = await storeMenuFiles(lead.menu_source, path.join(storageDir, 'menus', organisationId, id));
          const values = {
            name: lead.name,
            address: lead.address,
            city: lead.city,
            phone: lead.phone,
            email: lead.email,
            website_url: lead.website_url,
            ubereats_url: lead.ubereats_url,
            cuisine: lead.cuisine.length ? lead.cuisine : null,
            opening_hours: lead.opening_hours ? JSON.stringify(lead.opening_hours) : null,
            opening_hours_text: lead.opening_hours_text,
            primary_color: lead.primary_color,
            secondary_color: lead.secondary_color,
            menu_source: menuSource ? JSON.stringify(menuSource) : null,
          };
          if (found) {
            await trx.updateTable('restaurants').set(values).where('id', '=', id).execute();
          } else {
            await trx
              .insertInto('restaurants')
              .values({ ...values, id, organisation_id: organisationId, created_by: createdBy })
              .execute();
          }
          ids.push(id);
        }
        return { imported: ids.length - updated, updated, restaurantIds: ids, errors: parsed.errors, valid: parsed.leads.length, duplicates };
      });
    },
  };
}

/** Copies a lead's menu files into `<dir>/` and points the menu source at the copies. */
async function storeMenuFiles(source: MenuSource | null, dir: string): Promise<MenuSource | null> {
  if (!source || source.kind !== 'csv') return source;
  await mkdir(dir, { recursive: true });
  const copy = async (from: string) => {
    const to = path.join(dir, path.basename(from));
    await copyFile(from, to);
    return to;
  };
  return { kind: 'csv', menu_csv: await copy(source.menu_csv), option_sets_csv: source.option_sets_csv ? await copy(source.option_sets_csv) : null };
}
