// Step 6's view of the menu tables step 1 filled: which menu a job imports, that menu as automation's Menu model
// (for the CSV export), its option sets with the dishes they apply to, its dishes' tags, and its images.
import { sql } from 'kysely';
import { formatCents, type Menu, type MenuCategory, type OptionSet } from '@regbatch/automation';
import type { Db } from '../../engine/db';
import { TaskFailure } from '../registry';

/** The configured menu (settings.menu_to_import) or the restaurant's newest one. */
export async function menuIdFor(db: Db, restaurantId: string, configured: string | null | undefined): Promise<string> {
  if (configured) {
    const { rows } = await sql<{ id: string }>`select id from public.menus where id = ${configured} and restaurant_id = ${restaurantId}`.execute(db);
    if (!rows[0]) throw new TaskFailure('menu_not_found', `settings.menu_to_import: menu ${configured} does not belong to restaurant ${restaurantId}`, false);
    return rows[0].id;
  }
  const { rows } = await sql<{ id: string }>`
    select m.id from public.menus m
     where m.restaurant_id = ${restaurantId} and exists (select 1 from public.menu_items i where i.menu_id = m.id)
     order by m.created_at desc, m.id limit 1`.execute(db);
  if (!rows[0]) throw new TaskFailure('menu_missing', `restaurant ${restaurantId} has no extracted menu to import (step 1 stored none)`, false);
  return rows[0].id;
}

interface ItemRow {
  id: string;
  category_id: string;
  category: string;
  category_description: string | null;
  name: string;
  description: string | null;
  price: string | null;
  item_type: string | null;
  tags: string[] | null;
  metadata: Record<string, unknown> | null;
  image_id: string | null;
  image_url: string | null;
  cdn_id: string | null;
  cdn_filename: string | null;
}

async function itemRows(db: Db, menuId: string): Promise<ItemRow[]> {
  const { rows } = await sql<ItemRow>`
    select i.id, c.id as category_id, c.name as category, c.description as category_description, i.name, i.description,
           i.price::text as price, i.item_type, i.tags, i.metadata,
           img.id as image_id, img.url as image_url, img.cdn_id::text as cdn_id, img.cdn_filename
      from public.menu_items i
      join public.categories c on c.id = i.category_id
      left join lateral (select * from public.item_images x where x.menu_item_id = i.id order by x.created_at, x.id limit 1) img on true
     where i.menu_id = ${menuId}
     order by c.position nulls last, c.name, coalesce((i.metadata->>'source_row')::int, 0), i.name`.execute(db);
  return rows;
}

/** The stored menu in automation's model, in source order. */
export async function loadMenu(db: Db, menuId: string): Promise<Menu> {
  const rows = await itemRows(db, menuId);
  const categories = new Map<string, MenuCategory>();
  for (const r of rows) {
    let cat = categories.get(r.category_id);
    if (!cat) {
      cat = { name: r.category, description: r.category_description, items: [] };
      categories.set(r.category_id, cat);
    }
    const priceCents = Math.round(Number(r.price ?? '0') * 100);
    const meta = r.metadata ?? {};
    cat.items.push({
      name: r.name,
      description: r.description,
      priceCents,
      price: formatCents(priceCents),
      type: r.item_type === 'combo' ? 'combo' : 'standard',
      tags: r.tags ?? [],
      displayName: typeof meta['display_name'] === 'string' ? meta['display_name'] : null,
      printName: typeof meta['print_name'] === 'string' ? meta['print_name'] : null,
      image: r.image_url ? { url: r.image_url, cdnId: r.cdn_id, cdnFilename: r.cdn_filename } : null,
      sourceRow: Number(meta['source_row'] ?? 0),
    });
  }
  return { name: 'Menu', categories: [...categories.values()], droppedPromotionalRows: 0 };
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'item';

/** The menu's images for the CDN: item_images.id as the idempotency key, `<category>-<item>.jpg` as the file name. */
export async function menuImages(db: Db, menuId: string): Promise<{ id: string; url: string; filename: string }[]> {
  return (await itemRows(db, menuId))
    .filter((r): r is ItemRow & { image_id: string; image_url: string } => r.image_id !== null && r.image_url !== null && /^https?:\/\//.test(r.image_url))
    .map((r) => ({ id: r.image_id, url: r.image_url, filename: `${slug(r.category)}-${slug(r.name)}`.slice(0, 95) + '.jpg' }));
}

/** Records what the CDN holds for each image, so the exported CSV carries the CDN ids. */
export async function saveUploadedImages(db: Db, uploaded: readonly { id: string; cdnId: string; cdnUrl: string; cdnFilename: string }[]): Promise<void> {
  if (uploaded.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const u of uploaded) {
      await sql`update public.item_images set cdn_uploaded = true, cdn_id = ${u.cdnId}::uuid, cdn_url = ${u.cdnUrl}, cdn_filename = ${u.cdnFilename},
                  upload_status = 'uploaded', upload_error = null, uploaded_at = coalesce(uploaded_at, now())
                where id = ${u.id}`.execute(trx);
    }
  });
}

interface SetRow {
  id: string;
  name: string;
  description: string | null;
  min_selections: number | null;
  max_selections: number | null;
  is_required: boolean | null;
  multiple_selections_allowed: boolean | null;
  source_data: Record<string, unknown> | null;
  option_set_hash: string;
}

/** The option sets linked to the menu's dishes, with their options in order and the dishes they apply to. */
export async function menuOptionSets(db: Db, menuId: string): Promise<OptionSet[]> {
  const { rows: sets } = await sql<SetRow & { dishes: string[] }>`
    select o.id, o.name, o.description, o.min_selections, o.max_selections, o.is_required, o.multiple_selections_allowed, o.source_data, o.option_set_hash,
           array_agg(distinct i.name order by i.name) as dishes
      from public.option_sets o
      join public.menu_item_option_sets l on l.option_set_id = o.id
      join public.menu_items i on i.id = l.menu_item_id
     where i.menu_id = ${menuId}
     group by o.id
     order by min(l.created_at), o.name`.execute(db);
  if (sets.length === 0) return [];
  const { rows: options } = await sql<{ option_set_id: string; name: string; price: string | null; is_default: boolean | null; metadata: Record<string, unknown> | null }>`
    select option_set_id, name, price::text as price, is_default, metadata from public.option_set_items
     where option_set_id = any(${sets.map((s) => s.id)}::uuid[])
     order by display_order, name`.execute(db);
  return sets.map((s) => {
    const src = s.source_data ?? {};
    return {
      name: s.name,
      displayName: typeof src['displayName'] === 'string' ? src['displayName'] : s.description,
      required: Boolean(s.is_required),
      multiSelect: Boolean(s.multiple_selections_allowed),
      quantitySelect: src['quantitySelect'] === true,
      minOptions: s.min_selections,
      maxOptions: s.max_selections,
      freeAmount: typeof src['freeAmount'] === 'number' ? src['freeAmount'] : null,
      options: options
        .filter((o) => o.option_set_id === s.id)
        .map((o) => {
          const priceCents = Math.round(Number(o.price ?? '0') * 100);
          return {
            name: o.name,
            priceCents,
            price: formatCents(priceCents),
            printName: typeof o.metadata?.['print_name'] === 'string' ? (o.metadata['print_name'] as string) : null,
            isDefault: Boolean(o.is_default),
          };
        }),
      appliesToDishes: s.dishes,
      hash: s.option_set_hash,
      rows: [],
    };
  });
}
