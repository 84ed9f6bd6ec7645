// The admin portal's Menus area: the menu listing, CSV Export, CSV Import (typed "import" confirmation,
// replaces the whole menu, rejects malformed files visibly), Option Sets and Item Tags with their editors.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminSession, ownRestaurant, restaurantNav } from './admin';
import { sessionOf, type PortalContext } from './context';
import { esc, page, scriptJson, status } from './html';
import type { PortalItemTag, PortalMenuItem, PortalOptionSet, PortalRestaurant } from './store';

const CSV_COLUMNS = [
  'menuID', 'menuName', 'menuDisplayName', 'menuDescription', 'categoryID', 'categoryName', 'categoryDisplayName',
  'categoryDescription', 'dishID', 'dishName', 'dishPrice', 'dishType', 'dishDescription', 'displayName', 'printName',
  'tags', 'isCDNImage', 'imageCDNID', 'imageCDNFilename', 'imageExternalURL',
] as const;
const REQUIRED = ['menuName', 'categoryName', 'dishName', 'dishPrice'] as const;
const PRICE = /^\d+(\.\d{1,2})?$/;
const HEX = /^#[0-9a-fA-F]{6}$/;

export class CsvRejected extends Error {}

/** CloudWaitress's reading of an import file: strict, all-or-nothing. */
export function readImportCsv(text: string): PortalMenuItem[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new CsvRejected(`Invalid CSV: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new CsvRejected('Invalid CSV: the file contains no dishes');
  const first = records[0] ?? {};
  for (const col of REQUIRED) if (!(col in first)) throw new CsvRejected(`Invalid CSV: missing column ${col}`);
  return records.map((r, i) => {
    const row = i + 2;
    const get = (k: string) => (r[k] ?? '').trim();
    if (!get('menuName')) throw new CsvRejected(`Invalid CSV: row ${row}: menuName is empty`);
    if (!get('categoryName')) throw new CsvRejected(`Invalid CSV: row ${row}: categoryName is empty`);
    if (!get('dishName')) throw new CsvRejected(`Invalid CSV: row ${row}: dishName is empty`);
    if (!PRICE.test(get('dishPrice'))) throw new CsvRejected(`Invalid CSV: row ${row}: dishPrice "${get('dishPrice')}" is not a price`);
    const type = get('dishType').toLowerCase() || 'standard';
    if (type !== 'standard' && type !== 'combo') throw new CsvRejected(`Invalid CSV: row ${row}: dishType "${get('dishType')}" is not Standard or Combo`);
    const cdn = get('isCDNImage').toUpperCase() === 'TRUE';
    if (cdn && !get('imageCDNID')) throw new CsvRejected(`Invalid CSV: row ${row}: isCDNImage is TRUE but imageCDNID is empty`);
    return {
      id: randomUUID(),
      menuName: get('menuName'),
      categoryName: get('categoryName'),
      name: get('dishName'),
      price: Number(get('dishPrice')).toFixed(2),
      type,
      description: get('dishDescription'),
      displayName: get('displayName'),
      printName: get('printName'),
      tags: get('tags'),
      cdnId: cdn ? get('imageCDNID') : null,
      cdnFilename: cdn ? get('imageCDNFilename') || null : null,
      externalImageUrl: get('imageExternalURL') || get('imageURL') || null,
    };
  });
}

function exportCsv(items: PortalMenuItem[]): string {
  return stringify(
    items.map((i) => [
      '', i.menuName, '', '', '', i.categoryName, '', '', i.id, i.name, i.price, i.type, i.description, i.displayName,
      i.printName, i.tags, i.cdnId ? 'TRUE' : 'FALSE', i.cdnId ?? '', i.cdnFilename ?? '', i.externalImageUrl ?? '',
    ]),
    { header: true, columns: [...CSV_COLUMNS], record_delimiter: '\n' },
  );
}

function sectionSwitch(r: PortalRestaurant, current: 'menus' | 'option-sets' | 'item-tags'): string {
  const link = (key: typeof current, label: string, href: string) =>
    `<a role="button" href="/admin/restaurant/${esc(r.id)}/${href}" ${key === current ? 'aria-current="page"' : ''}>${label}</a>`;
  return `<div role="group" aria-label="Menu sections">${link('menus', 'Menus', 'menus')} ${link('option-sets', 'Option Sets', 'menus/option-sets')} ${link('item-tags', 'Item Tags', 'menus/item-tags')}</div>`;
}

/** The "Add / Remove From Items" tree: menus > categories (collapsed) > item checkboxes named by the dish. */
function itemTree(r: PortalRestaurant): string {
  const byMenu = new Map<string, Map<string, PortalMenuItem[]>>();
  for (const i of r.menuItems) {
    const cats = byMenu.get(i.menuName) ?? new Map<string, PortalMenuItem[]>();
    byMenu.set(i.menuName, cats);
    cats.set(i.categoryName, [...(cats.get(i.categoryName) ?? []), i]);
  }
  const menus = [...byMenu]
    .map(
      ([menu, cats]) =>
        `<details class="tree-menu"><summary>${esc(menu)}</summary>${[...cats]
          .map(
            ([cat, items]) =>
              `<details class="tree-category"><summary>${esc(cat)}</summary>${items
                .map((i) => `<label><input type="checkbox" data-item value="${esc(i.id)}"> <span>${esc(i.name)}</span></label>`)
                .join('')}</details>`,
          )
          .join('')}</details>`,
    )
    .join('');
  return `<button type="button" data-expand-all>Expand All</button><div class="tree">${menus || '<p>No menu items yet.</p>'}</div>`;
}

const DIALOG_TABS_SCRIPT = `
function wireTabs(dlg){ const tabs=[...dlg.querySelectorAll('[role=tab]')];
  tabs.forEach(t=>t.addEventListener('click',()=>{ tabs.forEach(x=>{x.setAttribute('aria-selected',String(x===t));
    document.getElementById(x.getAttribute('aria-controls')).hidden = x!==t;}); })); }
function selectTab(dlg,i){ dlg.querySelectorAll('[role=tab]')[i].click(); }
function wireTree(dlg){ dlg.querySelector('[data-expand-all]').addEventListener('click',()=>dlg.querySelectorAll('details').forEach(d=>d.open=true)); }
async function send(dlg,url,method,payload){ const err=dlg.querySelector('.dialog-error');
  const res=await fetch(url,{method,headers:{'content-type':'application/json'},body:JSON.stringify(payload)});
  const data=await res.json().catch(()=>({error:'Save failed ('+res.status+')'}));
  if(!res.ok){ err.textContent=data.error||('Save failed ('+res.status+')'); err.hidden=false; return; }
  dlg.close(); location.reload(); }`;

function dialogTabs(prefix: string, names: string[]): string {
  return `<div role="tablist" aria-label="Sections">${names
    .map(
      (n, i) =>
        `<button type="button" role="tab" id="${prefix}-tab-${i}" aria-controls="${prefix}-panel-${i}" aria-selected="${i === 0}">${esc(n)}</button>`,
    )
    .join('')}</div>`;
}

function notFound(reply: FastifyReply) {
  return reply.code(404).type('text/html').send(page({ title: 'Not found', body: '<h1>Restaurant not found</h1>' }));
}

export function registerMenuPages(app: FastifyInstance, ctx: PortalContext): void {
  app.addContentTypeParser(['text/csv'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const withRestaurant = (
    handler: (r: PortalRestaurant, q: Record<string, string>, reply: FastifyReply) => unknown,
  ) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const s = adminSession(ctx, req, reply);
      if (!s) return reply;
      const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
      if (!r) return notFound(reply);
      return handler(r, req.query as Record<string, string>, reply);
    };

  app.get(
    '/admin/restaurant/:id/menus',
    withRestaurant((r, q, reply) => {
      const rows = r.menuItems
        .map(
          (i) =>
            `<tr><td>${esc(i.menuName)}</td><td>${esc(i.categoryName)}</td><td>${esc(i.name)}</td><td>${esc(i.price)}</td><td>${esc(i.type)}</td><td>${i.cdnId ? 'CDN' : ''}</td></tr>`,
        )
        .join('');
      const body = `<h1>Menus</h1>${sectionSwitch(r, 'menus')}
<div role="toolbar" aria-label="Menu actions"><button type="button">Create Menu</button> <a role="button" href="/admin/restaurant/${esc(r.id)}/menus/export.csv">CSV Export</a> <button type="button" id="csv-import">CSV Import</button></div>
${q['imported'] ? status(`Menu imported: ${q['imported']} dishes`) : ''}
<p id="dish-count">${r.menuItems.length} dishes</p>
${r.menuItems.length ? `<table aria-label="Dishes"><thead><tr><th>Menu</th><th>Category</th><th>Dish</th><th>Price</th><th>Type</th><th>Image</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No menus yet.</p>'}
<dialog id="import-dialog" aria-labelledby="import-title"><h2 id="import-title">Import Menu CSV</h2>
<div id="import-step-1"><p>Importing the CSV will overwrite your existing menu. This cannot be undone. Please type 'import' to confirm.</p>
<label>Confirmation <input type="text" id="import-confirm" autocomplete="off"></label>
<button type="button" id="import-proceed" disabled>Proceed</button></div>
<div id="import-step-2" hidden><label>CSV File <input type="file" id="import-file" accept=".csv,text/csv"></label>
<button type="button" id="import-upload">Upload</button></div>
<p class="dialog-error" role="alert" hidden></p><button type="button" id="import-cancel">Cancel</button></dialog>`;
      const script = `
const dlg=document.getElementById('import-dialog'); const err=dlg.querySelector('.dialog-error');
document.getElementById('csv-import').addEventListener('click',()=>{ document.getElementById('import-confirm').value='';
  document.getElementById('import-proceed').disabled=true; document.getElementById('import-step-1').hidden=false;
  document.getElementById('import-step-2').hidden=true; err.hidden=true; dlg.showModal(); });
document.getElementById('import-cancel').addEventListener('click',()=>dlg.close());
document.getElementById('import-confirm').addEventListener('input',(e)=>{ document.getElementById('import-proceed').disabled = e.target.value.trim().toLowerCase()!=='import'; });
document.getElementById('import-proceed').addEventListener('click',()=>{ document.getElementById('import-step-1').hidden=true; document.getElementById('import-step-2').hidden=false; });
document.getElementById('import-upload').addEventListener('click',async()=>{
  const f=document.getElementById('import-file').files[0]; if(!f){ err.textContent='Choose a CSV file'; err.hidden=false; return; }
  const text=await f.text();
  const res=await fetch('/admin/api/restaurant/${esc(r.id)}/menus/import',{method:'POST',headers:{'content-type':'text/csv'},body:text});
  const data=await res.json().catch(()=>({error:'Import failed ('+res.status+')'}));
  if(!res.ok){ err.textContent=data.error||('Import failed ('+res.status+')'); err.hidden=false; return; }
  dlg.close(); location.href=location.pathname+'?imported='+data.dishes; });`;
      return reply.type('text/html').send(page({ title: `Menus - ${r.name}`, body, nav: restaurantNav(r), script }));
    }),
  );

  app.get(
    '/admin/restaurant/:id/menus/export.csv',
    withRestaurant((r, _q, reply) =>
      reply.type('text/csv').header('content-disposition', `attachment; filename="${r.subdomain}-menu.csv"`).send(exportCsv(r.menuItems)),
    ),
  );

  app.post('/admin/api/restaurant/:id/menus/import', async (req, reply) => {
    const s = sessionOf(ctx, req, 'admin');
    if (!s) return reply.code(401).send({ error: 'Your session has expired. Please log in again.' });
    const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
    if (!r) return reply.code(404).send({ error: 'Restaurant not found' });
    let items: PortalMenuItem[];
    try {
      items = readImportCsv(typeof req.body === 'string' ? req.body : '');
    } catch (err) {
      if (err instanceof CsvRejected) return reply.code(422).send({ error: err.message });
      throw err;
    }
    // The import replaces the whole menu: option sets and tags lose their (now deleted) dishes.
    r.menuItems = items;
    for (const o of r.optionSets) o.itemIds = [];
    for (const t of r.itemTags) t.itemIds = [];
    r.menuImports.push({ at: new Date().toISOString(), itemCount: items.length });
    return { dishes: items.length };
  });

  // ----- Option sets -----
  app.get(
    '/admin/restaurant/:id/menus/option-sets',
    withRestaurant((r, _q, reply) => {
      const names = new Map(r.menuItems.map((i) => [i.id, i.name]));
      const rows = r.optionSets
        .map(
          (o) => `<tr><td>${esc(o.name)}</td><td>${esc(o.displayName)}</td><td>${o.options.length}</td>
<td><ul aria-label="Items of ${esc(o.name)}">${o.itemIds.map((id) => `<li>${esc(names.get(id) ?? '?')}</li>`).join('')}</ul></td>
<td><button type="button" data-edit="${esc(o.id)}" aria-label="Edit ${esc(o.name)}">Edit</button></td></tr>`,
        )
        .join('');
      const body = `<h1>Option Sets</h1>${sectionSwitch(r, 'option-sets')}
<button type="button" id="create-set">Create New Option Set</button>
${r.optionSets.length ? `<table aria-label="Option Sets"><thead><tr><th>Name</th><th>Display Name</th><th>Options</th><th>Items</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No option sets yet.</p>'}
<dialog id="set-dialog" aria-labelledby="set-title"><h2 id="set-title">Option Set</h2>
${dialogTabs('set', ['General', 'Conditions', 'Options', 'Add / Remove From Items'])}
<div role="tabpanel" id="set-panel-0" aria-labelledby="set-tab-0"><label>Name <input type="text" name="name"></label><label>Display Name <input type="text" name="displayName"></label></div>
<div role="tabpanel" id="set-panel-1" aria-labelledby="set-tab-1" hidden>
<label><input type="checkbox" name="required"> Required</label><label><input type="checkbox" name="multiSelect"> Select Multiple</label>
<label><input type="checkbox" name="quantitySelect"> Enable Option Quantity</label>
<label>Min Options <input type="number" name="minOptions"></label><label>Max Options <input type="number" name="maxOptions"></label>
<label>Free Amount <input type="number" name="freeAmount"></label></div>
<div role="tabpanel" id="set-panel-2" aria-labelledby="set-tab-2" hidden>
<table aria-label="Options"><thead><tr><th>Name</th><th>Print Name</th><th>Price</th><th>Default</th><th></th></tr></thead><tbody></tbody></table>
<button type="button" id="add-option">Add Option</button></div>
<div role="tabpanel" id="set-panel-3" aria-labelledby="set-tab-3" hidden>${itemTree(r)}</div>
<p class="dialog-error" role="alert" hidden></p>
<button type="button" id="set-save">Save</button> <button type="button" id="set-cancel">Cancel</button></dialog>`;
      const script = `${DIALOG_TABS_SCRIPT}
const sets=${scriptJson(r.optionSets)}; const dlg=document.getElementById('set-dialog'); wireTabs(dlg); wireTree(dlg);
const tbody=dlg.querySelector('table[aria-label=Options] tbody'); let editing=null;
function addRow(o){ const tr=document.createElement('tr');
  tr.innerHTML='<td><input type="text" aria-label="Option Name"></td><td><input type="text" aria-label="Print Name"></td><td><input type="text" aria-label="Price" inputmode="decimal"></td><td><input type="checkbox" aria-label="Default"></td><td><button type="button">Remove</button></td>';
  const [n,p,pr,d]=tr.querySelectorAll('input'); n.value=o?.name||''; p.value=o?.printName||''; pr.value=o?.price||''; d.checked=!!o?.isDefault;
  tr.querySelector('button').addEventListener('click',()=>tr.remove()); tbody.appendChild(tr); }
function open(set){ editing=set; const v=(n)=>dlg.querySelector('[name='+n+']');
  v('name').value=set?.name||''; v('displayName').value=set?.displayName||''; const c=set?.conditions||{};
  v('required').checked=!!c.required; v('multiSelect').checked=!!c.multiSelect; v('quantitySelect').checked=!!c.quantitySelect;
  v('minOptions').value=c.minOptions??''; v('maxOptions').value=c.maxOptions??''; v('freeAmount').value=c.freeAmount??'';
  tbody.innerHTML=''; (set?.options||[]).forEach(addRow);
  dlg.querySelectorAll('[data-item]').forEach(cb=>cb.checked=!!set && set.itemIds.includes(cb.value));
  dlg.querySelectorAll('details').forEach(d=>d.open=false); dlg.querySelector('.dialog-error').hidden=true;
  document.getElementById('set-title').textContent=set?'Edit Option Set':'Create Option Set'; selectTab(dlg,0); dlg.showModal(); }
document.getElementById('create-set').addEventListener('click',()=>open(null));
document.querySelectorAll('[data-edit]').forEach(b=>b.addEventListener('click',()=>open(sets.find(s=>s.id===b.dataset.edit))));
document.getElementById('add-option').addEventListener('click',()=>addRow(null));
document.getElementById('set-cancel').addEventListener('click',()=>dlg.close());
document.getElementById('set-save').addEventListener('click',()=>{ const v=(n)=>dlg.querySelector('[name='+n+']');
  const num=(n)=>v(n).value===''?null:Number(v(n).value);
  const payload={ name:v('name').value, displayName:v('displayName').value,
    conditions:{required:v('required').checked,multiSelect:v('multiSelect').checked,quantitySelect:v('quantitySelect').checked,minOptions:num('minOptions'),maxOptions:num('maxOptions'),freeAmount:num('freeAmount')},
    options:[...tbody.querySelectorAll('tr')].map(tr=>{const [n,p,pr,d]=tr.querySelectorAll('input'); return {name:n.value,printName:p.value,price:pr.value,isDefault:d.checked};}),
    itemIds:[...new Set([...dlg.querySelectorAll('[data-item]:checked')].map(cb=>cb.value))] };
  send(dlg,'/admin/api/restaurant/${esc(r.id)}/option-sets'+(editing?'/'+editing.id:''),editing?'PUT':'POST',payload); });`;
      return reply.type('text/html').send(page({ title: `Option Sets - ${r.name}`, body, nav: restaurantNav(r), script }));
    }),
  );

  const apiRestaurant = (req: FastifyRequest, reply: FastifyReply): PortalRestaurant | null => {
    const s = sessionOf(ctx, req, 'admin');
    if (!s) {
      void reply.code(401).send({ error: 'Your session has expired. Please log in again.' });
      return null;
    }
    const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
    if (!r) void reply.code(404).send({ error: 'Restaurant not found' });
    return r;
  };

  const saveSet = (r: PortalRestaurant, body: unknown, existing: PortalOptionSet | null): PortalOptionSet | string => {
    const b = (body ?? {}) as Partial<PortalOptionSet>;
    const name = String(b.name ?? '').trim();
    if (!name) return 'Name is required';
    const c = b.conditions ?? ({} as Partial<PortalOptionSet['conditions']>);
    const min = c.minOptions ?? null;
    const max = c.maxOptions ?? null;
    if (min !== null && (!Number.isInteger(min) || min < 0)) return 'Min Options must be a whole number';
    if (max !== null && (!Number.isInteger(max) || max < 1)) return 'Max Options must be at least 1';
    if (min !== null && max !== null && min > max) return 'Min Options cannot exceed Max Options';
    if (c.required && (min ?? 0) < 1) return 'A required option set needs Min Options of at least 1';
    const options = (b.options ?? []).map((o) => ({
      name: String(o.name ?? '').trim(),
      printName: String(o.printName ?? '').trim(),
      price: String(o.price ?? '').trim() === '' ? '0.00' : String(o.price).trim(),
      isDefault: o.isDefault === true,
    }));
    if (options.length === 0) return 'Add at least one option';
    for (const [i, o] of options.entries()) {
      if (!o.name) return `Option ${i + 1}: name is required`;
      if (!PRICE.test(o.price)) return `Option ${i + 1}: price "${o.price}" is not a price`;
      o.price = Number(o.price).toFixed(2);
    }
    const known = new Set(r.menuItems.map((i) => i.id));
    const itemIds = [...new Set((b.itemIds ?? []).map(String))];
    const unknown = itemIds.find((id) => !known.has(id));
    if (unknown) return `Unknown item ${unknown}`;
    const set: PortalOptionSet = {
      id: existing?.id ?? randomUUID(),
      name,
      displayName: String(b.displayName ?? '').trim(),
      conditions: {
        required: c.required === true,
        multiSelect: c.multiSelect === true,
        quantitySelect: c.quantitySelect === true,
        minOptions: min,
        maxOptions: max,
        freeAmount: c.freeAmount ?? null,
      },
      options,
      itemIds,
    };
    if (existing) Object.assign(existing, set);
    else r.optionSets.push(set);
    return set;
  };

  app.post('/admin/api/restaurant/:id/option-sets', async (req, reply) => {
    const r = apiRestaurant(req, reply);
    if (!r) return reply;
    const out = saveSet(r, req.body, null);
    return typeof out === 'string' ? reply.code(422).send({ error: out }) : { id: out.id };
  });
  app.put('/admin/api/restaurant/:id/option-sets/:setId', async (req, reply) => {
    const r = apiRestaurant(req, reply);
    if (!r) return reply;
    const existing = r.optionSets.find((o) => o.id === (req.params as { setId: string }).setId);
    if (!existing) return reply.code(404).send({ error: 'Option set not found' });
    const out = saveSet(r, req.body, existing);
    return typeof out === 'string' ? reply.code(422).send({ error: out }) : { id: out.id };
  });

  // ----- Item tags -----
  app.get(
    '/admin/restaurant/:id/menus/item-tags',
    withRestaurant((r, _q, reply) => {
      const names = new Map(r.menuItems.map((i) => [i.id, i.name]));
      const rows = r.itemTags
        .map(
          (t) => `<tr><td>${esc(t.name)}</td><td>${esc(t.text)}</td><td>${esc(t.colour)}</td>
<td><ul aria-label="Items of ${esc(t.name)}">${t.itemIds.map((id) => `<li>${esc(names.get(id) ?? '?')}</li>`).join('')}</ul></td>
<td><button type="button" data-edit="${esc(t.id)}" aria-label="Edit ${esc(t.name)}">Edit</button></td></tr>`,
        )
        .join('');
      const body = `<h1>Item Tags</h1>${sectionSwitch(r, 'item-tags')}
<button type="button" id="create-tag">Create New Item Tag</button>
${r.itemTags.length ? `<table aria-label="Item Tags"><thead><tr><th>Name</th><th>Text</th><th>Colour</th><th>Items</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No item tags yet.</p>'}
<dialog id="tag-dialog" aria-labelledby="tag-title"><h2 id="tag-title">Item Tag</h2>
${dialogTabs('tag', ['General', 'Add / Remove From Items'])}
<div role="tabpanel" id="tag-panel-0" aria-labelledby="tag-tab-0"><label>Tag Name <input type="text" name="name"></label>
<label>Tag Text <input type="text" name="text"></label><label>Colour <input type="text" name="colour" placeholder="#rrggbb"></label></div>
<div role="tabpanel" id="tag-panel-1" aria-labelledby="tag-tab-1" hidden>${itemTree(r)}</div>
<p class="dialog-error" role="alert" hidden></p>
<button type="button" id="tag-save">Save</button> <button type="button" id="tag-cancel">Cancel</button></dialog>`;
      const script = `${DIALOG_TABS_SCRIPT}
const tags=${scriptJson(r.itemTags)}; const dlg=document.getElementById('tag-dialog'); wireTabs(dlg); wireTree(dlg); let editing=null;
function open(t){ editing=t; const v=(n)=>dlg.querySelector('[name='+n+']'); v('name').value=t?.name||''; v('text').value=t?.text||''; v('colour').value=t?.colour||'';
  dlg.querySelectorAll('[data-item]').forEach(cb=>cb.checked=!!t && t.itemIds.includes(cb.value)); dlg.querySelectorAll('details').forEach(d=>d.open=false);
  dlg.querySelector('.dialog-error').hidden=true; document.getElementById('tag-title').textContent=t?'Edit Item Tag':'Create Item Tag'; selectTab(dlg,0); dlg.showModal(); }
document.getElementById('create-tag').addEventListener('click',()=>open(null));
document.querySelectorAll('[data-edit]').forEach(b=>b.addEventListener('click',()=>open(tags.find(s=>s.id===b.dataset.edit))));
document.getElementById('tag-cancel').addEventListener('click',()=>dlg.close());
document.getElementById('tag-save').addEventListener('click',()=>{ const v=(n)=>dlg.querySelector('[name='+n+']');
  const payload={name:v('name').value,text:v('text').value,colour:v('colour').value,itemIds:[...new Set([...dlg.querySelectorAll('[data-item]:checked')].map(cb=>cb.value))]};
  send(dlg,'/admin/api/restaurant/${esc(r.id)}/item-tags'+(editing?'/'+editing.id:''),editing?'PUT':'POST',payload); });`;
      return reply.type('text/html').send(page({ title: `Item Tags - ${r.name}`, body, nav: restaurantNav(r), script }));
    }),
  );

  const saveTag = (r: PortalRestaurant, body: unknown, existing: PortalItemTag | null): PortalItemTag | string => {
    const b = (body ?? {}) as Partial<PortalItemTag>;
    const name = String(b.name ?? '').trim();
    if (!name) return 'Tag Name is required';
    const colour = String(b.colour ?? '').trim();
    if (!HEX.test(colour)) return `Colour must be a hex colour like #1a2b3c, not "${colour}"`;
    const known = new Set(r.menuItems.map((i) => i.id));
    const itemIds = [...new Set((b.itemIds ?? []).map(String))];
    if (itemIds.some((id) => !known.has(id))) return 'Unknown item';
    const tag: PortalItemTag = { id: existing?.id ?? randomUUID(), name, text: String(b.text ?? '').trim() || name, colour, itemIds };
    if (existing) Object.assign(existing, tag);
    else r.itemTags.push(tag);
    return tag;
  };
  app.post('/admin/api/restaurant/:id/item-tags', async (req, reply) => {
    const r = apiRestaurant(req, reply);
    if (!r) return reply;
    const out = saveTag(r, req.body, null);
    return typeof out === 'string' ? reply.code(422).send({ error: out }) : { id: out.id };
  });
  app.put('/admin/api/restaurant/:id/item-tags/:tagId', async (req, reply) => {
    const r = apiRestaurant(req, reply);
    if (!r) return reply;
    const existing = r.itemTags.find((t) => t.id === (req.params as { tagId: string }).tagId);
    if (!existing) return reply.code(404).send({ error: 'Item tag not found' });
    const out = saveTag(r, req.body, existing);
    return typeof out === 'string' ? reply.code(422).send({ error: out }) : { id: out.id };
  });
}
