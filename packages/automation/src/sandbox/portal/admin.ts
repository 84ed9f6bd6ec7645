// The admin portal's account pages: login, the restaurant dashboard, the create-restaurant form, a
// restaurant's overview and its Settings tabs (System, Website, Services, Payments, Integrations).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  applyFault,
  baseUrl,
  field,
  fieldAll,
  PORTAL_FAULT_ROUTES,
  sessionOf,
  type PortalContext,
} from './context';
import { alert, checkbox, crashingPage, esc, page, radios, scriptJson, select, status, textArea, textInput } from './html';
import {
  defaultServices,
  defaultWebsite,
  hashPassword,
  newId,
  type PaymentMethod,
  type PortalRestaurant,
  type Session,
} from './store';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const LOCALES = [
  ['en-NZ', 'English (New Zealand)'],
  ['en-AU', 'English (Australia)'],
  ['en-GB', 'English (United Kingdom)'],
] as const;
export const TIMEZONES = [
  ['Pacific/Auckland', 'Pacific/Auckland'],
  ['Pacific/Chatham', 'Pacific/Chatham'],
  ['Australia/Sydney', 'Australia/Sydney'],
] as const;
export const CURRENCIES = [
  ['NZD', 'NZD'],
  ['AUD', 'AUD'],
  ['USD', 'USD'],
] as const;
const FONTS = ['Roboto', 'Gabarito', 'Inter', 'Lato', 'Poppins'].map((f) => [f, f] as const);
const HEX = /^#[0-9a-fA-F]{6}$/;

export const COLOR_FIELDS = [
  ['primary', 'Primary'],
  ['secondary', 'Secondary'],
  ['primaryText', 'Primary Text'],
  ['background', 'Background'],
  ['text', 'Text'],
  ['boxBackground', 'Box & Popup Background'],
  ['boxText', 'Box & Popup Text'],
] as const;

type FieldKind = 'checkbox' | 'number' | 'text';
type FieldSpec = readonly [name: string, label: string, kind: FieldKind];
const TIMING: FieldSpec[] = [
  ['firstOrderOffset', 'First Order Offset (minutes)', 'number'],
  ['lastOrderOffset', 'Last Order Offset (minutes)', 'number'],
  ['maxDaysAhead', 'Max Days Ahead', 'number'],
];
export const SERVICE_SECTIONS: Record<keyof PortalRestaurant['services'], { title: string; fields: FieldSpec[] }> = {
  pickup: {
    title: 'Pickups',
    fields: [
      ['enabled', 'Enabled', 'checkbox'],
      ...TIMING,
      ['autoConfirm', 'Auto Confirm', 'checkbox'],
      ['timeTillConfirm', 'Time Till Confirm (minutes)', 'number'],
      ['autoReady', 'Auto Ready', 'checkbox'],
      ['timeTillReady', 'Time Till Ready (minutes)', 'number'],
      ['autoComplete', 'Auto Complete', 'checkbox'],
      ['timeTillComplete', 'Time Till Complete (minutes)', 'number'],
    ],
  },
  delivery: {
    title: 'Deliveries',
    fields: [
      ['enabled', 'Enabled', 'checkbox'],
      ['mapPicker', 'Map Picker', 'checkbox'],
      ['forceStreetNumber', 'Force Street Number', 'checkbox'],
      ['forceSpecificAddress', 'Force Specific Street Address', 'checkbox'],
      ['minimumOrder', 'Minimum Order ($)', 'number'],
      ...TIMING,
      ['autoConfirm', 'Auto Confirm', 'checkbox'],
      ['timeTillConfirm', 'Time Till Confirm (minutes)', 'number'],
      ['autoReady', 'Auto Ready', 'checkbox'],
      ['timeTillReady', 'Time Till Ready (minutes)', 'number'],
      ['autoOnRoute', 'Auto On Route', 'checkbox'],
      ['timeTillOnRoute', 'Time Till On Route (minutes)', 'number'],
      ['autoComplete', 'Auto Complete', 'checkbox'],
      ['timeTillComplete', 'Time Till Complete (minutes)', 'number'],
      ['defaultCheckoutField', 'Checkout field "Delivery Instructions"', 'checkbox'],
    ],
  },
  dineIn: { title: 'Dine-Ins', fields: [['enabled', 'Enabled', 'checkbox']] },
  tableBookings: { title: 'Table Bookings', fields: [['enabled', 'Enabled', 'checkbox']] },
};

export const STRIPE_FIELDS: FieldSpec[] = [
  ['enabled', 'Enabled', 'checkbox'],
  ['label', 'Label', 'text'],
  ['deliveryLabel', 'Delivery Label', 'text'],
  ['printLabel', 'Print Label', 'text'],
  ['maxOrder', 'Maximum Order Value', 'number'],
  ['minOrder', 'Minimum Order Value', 'number'],
];
const STRIPE_LAYOUTS = ['Tabs', 'Accordion with radio button', 'Accordion without radio button'].map((v) => [v, v] as const);
const STRIPE_THEMES = ['Stripe', 'Night', 'Flat'].map((v) => [v, v] as const);

// ---------------------------------------------------------------------------------------------------------

export function restaurantNav(r: PortalRestaurant): string {
  const base = `/admin/restaurant/${esc(r.id)}`;
  return `<nav class="side" aria-label="Restaurant"><a href="/admin/">All Restaurants</a>
<a id="nav-link-dashboard" href="${base}">Dashboard</a>
<a id="nav-link-menus" href="${base}/menus">Menus</a>
<a id="nav-link-settings" href="${base}/settings/system">Settings</a>
<a id="nav-link-view-store" href="${base}/store">View Store</a></nav>`;
}

function serverErrorPage(): string {
  return page({
    title: 'Error',
    body: `<h1>Something went wrong</h1><p role="alert">Internal server error (500). Your changes were not saved.</p>`,
  });
}

export function renderSaveFault(st: number, json: boolean): { type: string; body: string } {
  if (json) return { type: 'application/json', body: JSON.stringify({ error: `Internal server error (${st})` }) };
  return { type: 'text/html', body: serverErrorPage() };
}

/** Session guard for HTML pages: a missing or expired session goes to the login page, as the real portal. */
export function adminSession(ctx: PortalContext, req: FastifyRequest, reply: FastifyReply): Session | null {
  const s = sessionOf(ctx, req, 'admin');
  if (!s) {
    void reply.redirect(`/admin/login?expired=1&next=${encodeURIComponent(req.url)}`);
    return null;
  }
  return s;
}

/** The restaurant, only if it belongs to the logged-in account. */
export function ownRestaurant(ctx: PortalContext, s: Session, id: string): PortalRestaurant | null {
  const r = ctx.store.restaurant(id);
  return r && r.accountId === s.accountId ? r : null;
}

function notFound(reply: FastifyReply) {
  return reply.code(404).type('text/html').send(page({ title: 'Not found', body: '<h1>Restaurant not found</h1>' }));
}

export function subdomainPreview(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

// ---------------------------------------------------------------------------------------------------------

export function registerAdminPages(app: FastifyInstance, ctx: PortalContext): void {
  const { store } = ctx;

  // Slow pages, crashing pages: before any handler of an HTML GET page.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' || req.url.includes('/api/')) return;
    if (!req.url.startsWith('/admin') && !req.url.startsWith('/manage')) return;
    if (ctx.switches.crashPath && req.url.includes(ctx.switches.crashPath)) {
      return reply.type('text/html').send(crashingPage());
    }
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.page, reply, (st) => renderSaveFault(st, false))) return reply;
    return undefined;
  });
  // 500 on save: every write except the logins.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method === 'GET' || req.url.endsWith('/login')) return;
    if (!req.url.startsWith('/admin') && !req.url.startsWith('/manage')) return;
    const json = req.url.includes('/api/');
    if (await applyFault(ctx, PORTAL_FAULT_ROUTES.save, reply, (st) => renderSaveFault(st, json))) return reply;
    return undefined;
  });

  app.get('/admin/login', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const note = q['expired'] ? 'Your session has expired. Please log in again.' : null;
    return reply.type('text/html').send(loginPage('/admin/login', 'Log in to your account', note, null, q['next'] ?? ''));
  });

  app.post('/admin/login', async (req, reply) => {
    const email = field(req.body, 'email');
    const password = field(req.body, 'password');
    const account = store.findAccountByEmail(email);
    if (!account || account.passwordHash !== hashPassword(password)) {
      return reply
        .code(401)
        .type('text/html')
        .send(loginPage('/admin/login', 'Log in to your account', null, 'Invalid email or password', ''));
    }
    const s = store.openSession('admin', account.id);
    const next = field(req.body, 'next');
    return reply
      .header('set-cookie', `cw_session=${s.id}; Path=/; HttpOnly; SameSite=Lax`)
      .redirect(next.startsWith('/admin/') ? next : '/admin/');
  });

  app.get('/admin', async (_req, reply) => reply.redirect('/admin/'));
  app.get('/admin/', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const mine = store.restaurants.filter((r) => r.accountId === s.accountId);
    const q = req.query as Record<string, string>;
    const items = mine
      .map(
        (r, i) => `<li id="restaurant-list-item-${i}"><h4>${esc(r.name)}</h4>
<p>ID: <span data-restaurant-id>${esc(r.id)}</span></p><p>${esc(r.subdomain)}.${esc(ctx.opts.storeDomain)}</p>
<a role="button" href="/admin/restaurant/${esc(r.id)}" aria-label="Manage ${esc(r.name)}">Manage</a>
<a id="restaurant-list-item-view-store-${i}" href="/admin/restaurant/${esc(r.id)}/store">View Store</a></li>`,
      )
      .join('');
    const body = `<h1>Restaurants</h1>${status(q['created'] ? 'Restaurant created' : null)}
<a role="button" href="/admin/restaurants/new">Create New Restaurant</a>
${mine.length ? `<ul aria-label="Restaurants">${items}</ul>` : '<p>You have no restaurants yet.</p>'}`;
    return reply.type('text/html').send(page({ title: 'Restaurants', body }));
  });

  app.get('/admin/api/address-suggestions', async (req, reply) => {
    if (!sessionOf(ctx, req, 'admin')) return reply.code(401).send({ error: 'Session expired' });
    const q = String((req.query as Record<string, string>)['q'] ?? '').trim();
    if (q.length < 3) return { suggestions: [] };
    const base = /new zealand$/i.test(q) ? q : `${q}, New Zealand`;
    const first = q.split(',')[0] ?? q;
    return {
      suggestions: [
        { id: `place_${createHash('sha1').update(base).digest('hex').slice(0, 12)}`, text: base },
        { id: `place_${createHash('sha1').update(`x${first}`).digest('hex').slice(0, 12)}`, text: `${first} Service Lane, New Zealand` },
      ],
    };
  });

  app.get('/admin/restaurants/new', async (req, reply) => {
    if (!adminSession(ctx, req, reply)) return reply;
    return reply.type('text/html').send(createRestaurantPage({}, null, ctx.opts.storeDomain));
  });

  app.post('/admin/restaurants/new', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const b = req.body as Record<string, string | string[]>;
    const fail = (message: string) =>
      reply.code(422).type('text/html').send(createRestaurantPage(b, message, ctx.opts.storeDomain));
    const name = field(b, 'name').trim();
    const subdomain = field(b, 'subdomain').trim().toLowerCase();
    const address = field(b, 'address').trim();
    const placeId = field(b, 'addressPlaceId');
    const phone = field(b, 'phone').trim();
    if (!name) return fail('Restaurant name is required');
    if (!/^[a-z0-9-]{4,63}$/.test(subdomain)) return fail(`Subdomain "${subdomain}" must be 4-63 letters, digits or dashes`);
    if (store.restaurants.some((r) => r.subdomain === subdomain)) return fail(`Subdomain "${subdomain}" is already taken`);
    if (!address || !placeId) return fail('Please select an address from the suggestions');
    if (!/^\+?[0-9 ()-]{6,20}$/.test(phone)) return fail(`Phone "${phone}" is not a valid phone number`);
    const days = fieldAll(b, 'slotDay');
    const opens = fieldAll(b, 'slotOpen');
    const closes = fieldAll(b, 'slotClose');
    const hours = days.map((day, i) => ({ day, open: opens[i] ?? '', close: closes[i] ?? '' }));
    if (hours.length === 0) return fail('Add at least one opening time slot');
    for (const [i, h] of hours.entries()) {
      if (!(DAYS as readonly string[]).includes(h.day)) return fail(`Time slot ${i + 1}: choose a day`);
      if (!/^\d{2}:\d{2}$/.test(h.open) || !/^\d{2}:\d{2}$/.test(h.close)) {
        return fail(`Time slot ${i + 1}: opening and closing times are required`);
      }
      if (h.close <= h.open) return fail(`Time slot ${i + 1}: closing time must be after opening time`);
    }
    const locale = field(b, 'locale');
    const timezone = field(b, 'timezone');
    const currency = field(b, 'currency');
    if (!LOCALES.some(([v]) => v === locale)) return fail('Choose a system locale');
    if (!TIMEZONES.some(([v]) => v === timezone)) return fail('Choose a timezone');
    if (!CURRENCIES.some(([v]) => v === currency)) return fail('Choose a currency');
    const r: PortalRestaurant = {
      id: newId('RES'),
      accountId: s.accountId,
      name,
      subdomain,
      address,
      mapProvider: field(b, 'mapProvider') || 'Google Maps',
      phone,
      hours,
      locale,
      timezone,
      currency,
      taxInPrices: field(b, 'taxInPrices') === 'on',
      createdAt: new Date().toISOString(),
      website: defaultWebsite(),
      services: defaultServices(),
      payments: [
        { id: randomUUID(), type: 'cash', name: 'Cash', enabled: true, settings: {} },
        { id: randomUUID(), type: 'card', name: 'Card', enabled: true, settings: {} },
      ],
      stripe: { accountId: null, links: [] },
      menuItems: [],
      menuImports: [],
      optionSets: [],
      itemTags: [],
    };
    store.restaurants.push(r);
    return reply.redirect(`/admin/?created=1`);
  });

  app.get('/admin/restaurant/:id', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
    if (!r) return notFound(reply);
    const body = `<h1>${esc(r.name)}</h1><dl>
<dt>Restaurant ID</dt><dd data-testid="restaurant-id">${esc(r.id)}</dd>
<dt>Subdomain</dt><dd>${esc(r.subdomain)}</dd>
<dt>Store URL</dt><dd>https://${esc(r.subdomain)}.${esc(ctx.opts.storeDomain)}</dd>
<dt>Address</dt><dd>${esc(r.address)}</dd></dl>`;
    return reply.type('text/html').send(page({ title: r.name, body, nav: restaurantNav(r) }));
  });

  app.get('/admin/restaurant/:id/store', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
    if (!r) return notFound(reply);
    return reply.type('text/html').send(
      page({ title: r.name, body: `<h1>${esc(r.name)}</h1><p>Online ordering at https://${esc(r.subdomain)}.${esc(ctx.opts.storeDomain)}</p>` }),
    );
  });

  app.get('/admin/restaurant/:id/settings', async (req, reply) =>
    reply.redirect(`/admin/restaurant/${(req.params as { id: string }).id}/settings/system`),
  );

  app.get('/admin/restaurant/:id/settings/:tab', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const { id, tab } = req.params as { id: string; tab: string };
    const r = ownRestaurant(ctx, s, id);
    if (!r) return notFound(reply);
    const q = req.query as Record<string, string>;
    const tabs = ['system', 'website', 'services', 'payments', 'integrations'];
    if (!tabs.includes(tab)) return notFound(reply);
    const tablist = `<div role="tablist" aria-label="Settings">${tabs
      .map(
        (t) =>
          `<a role="tab" aria-selected="${t === tab}" href="/admin/restaurant/${esc(r.id)}/settings/${t}">${t[0]!.toUpperCase()}${t.slice(1)}</a>`,
      )
      .join('')}</div>`;
    let content = '';
    let script = '';
    if (tab === 'website') ({ content, script } = websiteTab(r, q));
    else if (tab === 'services') content = servicesTab(r, q);
    else if (tab === 'payments') ({ content, script } = paymentsTab(r, q));
    else if (tab === 'system') content = `<section aria-label="System"><h2>System</h2><p>Locale ${esc(r.locale)}, timezone ${esc(r.timezone)}, currency ${esc(r.currency)}, tax in prices: ${r.taxInPrices ? 'yes' : 'no'}</p></section>`;
    else content = '<section aria-label="Integrations"><h2>Integrations</h2><p>No integrations connected.</p></section>';
    const body = `<h1>Settings</h1>${tablist}<div role="tabpanel">${content}</div>`;
    return reply.type('text/html').send(page({ title: `Settings - ${r.name}`, body, nav: restaurantNav(r), script }));
  });

  app.post('/admin/restaurant/:id/settings/:tab/:section', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const { id, tab, section } = req.params as { id: string; tab: string; section: string };
    const r = ownRestaurant(ctx, s, id);
    if (!r) return notFound(reply);
    const back = (params: Record<string, string>) =>
      reply.redirect(`/admin/restaurant/${r.id}/settings/${tab}?${new URLSearchParams({ section, ...params })}#${section}`);
    const error = tab === 'website' ? saveWebsite(r, section, req.body) : tab === 'services' ? saveServices(r, section, req.body) : `Unknown section ${section}`;
    if (error) return back({ error });
    return back({ saved: '1' });
  });

  // Uploads from the settings pages' upload dialog: a local file (base64) or a link, as UploadCare's widget.
  app.post('/admin/api/restaurant/:id/uploads', async (req, reply) => {
    const s = sessionOf(ctx, req, 'admin');
    if (!s) return reply.code(401).send({ error: 'Session expired' });
    const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
    if (!r) return reply.code(404).send({ error: 'Restaurant not found' });
    const b = req.body as { kind?: string; filename?: string; dataBase64?: string; sourceUrl?: string };
    const filename = String(b.filename ?? '').trim();
    if (!filename || !/^[A-Za-z0-9._-]+$/.test(filename)) {
      return reply.code(422).send({ error: `File name "${filename}" may only contain letters, digits, dots, dashes and underscores` });
    }
    const data = b.dataBase64 ? Buffer.from(b.dataBase64, 'base64') : Buffer.from(String(b.sourceUrl ?? ''));
    if (data.length === 0) return reply.code(422).send({ error: 'Choose a file or enter a link' });
    const uuid = randomUUID();
    const url = `${baseUrl(req)}/cdn/${uuid}/${filename}`;
    ctx.store.uploads.push({
      id: uuid,
      restaurantId: r.id,
      kind: String(b.kind ?? 'image'),
      filename,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      sourceUrl: b.sourceUrl ?? null,
      url,
      at: new Date().toISOString(),
    });
    return { url, filename };
  });

  // Payments: add a method, save a method's settings, connect Stripe.
  app.post('/admin/restaurant/:id/payments/add', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const r = ownRestaurant(ctx, s, (req.params as { id: string }).id);
    if (!r) return notFound(reply);
    const method = field(req.body, 'method');
    const names: Record<string, string> = { stripe: 'Stripe', paypal: 'PayPal', poli: 'POLi Pay' };
    const name = names[method];
    if (!name) return reply.redirect(`/admin/restaurant/${r.id}/settings/payments?error=${encodeURIComponent('Choose a payment method')}`);
    r.payments.push({
      id: randomUUID(),
      type: method as PaymentMethod['type'],
      name,
      enabled: false,
      settings: { currency: r.currency, layout: 'Tabs', theme: 'Stripe', label: name, deliveryLabel: name, printLabel: name, maxOrder: '', minOrder: '' },
    });
    return reply.redirect(`/admin/restaurant/${r.id}/settings/payments?added=${method}`);
  });

  app.post('/admin/restaurant/:id/payments/:methodId', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const { id, methodId } = req.params as { id: string; methodId: string };
    const r = ownRestaurant(ctx, s, id);
    const m = r?.payments.find((p) => p.id === methodId);
    if (!r || !m) return notFound(reply);
    const b = req.body;
    const next: Record<string, string | boolean> = { ...m.settings };
    for (const [name, label, kind] of STRIPE_FIELDS) {
      if (kind === 'checkbox') continue;
      const v = field(b, name).trim();
      if (kind === 'number' && v !== '' && !/^\d+(\.\d{1,2})?$/.test(v)) {
        return reply.redirect(`/admin/restaurant/${r.id}/settings/payments?error=${encodeURIComponent(`${label} must be a number`)}`);
      }
      next[name] = v;
    }
    next['currency'] = field(b, 'currency') || r.currency;
    next['layout'] = field(b, 'layout');
    next['theme'] = field(b, 'theme');
    m.settings = next;
    m.enabled = field(b, 'enabled') === 'on';
    return reply.redirect(`/admin/restaurant/${r.id}/settings/payments?saved=${m.id}`);
  });

  app.post('/admin/restaurant/:id/payments/:methodId/connect', async (req, reply) => {
    const s = adminSession(ctx, req, reply);
    if (!s) return reply;
    const { id, methodId } = req.params as { id: string; methodId: string };
    const r = ownRestaurant(ctx, s, id);
    const m = r?.payments.find((p) => p.id === methodId && p.type === 'stripe');
    if (!r || !m) return notFound(reply);
    r.stripe.accountId ??= `acct_${randomBytes(8).toString('hex')}`;
    // Account links are single-use in Stripe: every click mints a new one for the same account.
    const link = `${baseUrl(req)}/stripe-connect/setup/s/${r.stripe.accountId}/${randomBytes(10).toString('hex')}`;
    r.stripe.links.push(link);
    return reply.redirect(link);
  });

  app.get('/stripe-connect/setup/s/:acct/:token', async (req, reply) => {
    const { acct } = req.params as { acct: string };
    return reply
      .type('text/html')
      .send(page({ title: 'Stripe Connect', body: `<h1>Set up payments with Stripe</h1><p>Account ${esc(acct)}</p>` }));
  });
}

// ---------------------------------------------------------------------------------------------------------

export function loginPage(action: string, heading: string, note: string | null, error: string | null, next: string): string {
  return page({
    title: 'Login',
    body: `<h1>${esc(heading)}</h1>${status(note)}${alert(error)}
<form method="post" action="${esc(action)}" aria-label="Login">
<label>Email <input type="email" name="email" autocomplete="username"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<input type="hidden" name="next" value="${esc(next)}">
<button type="submit">Login</button></form>`,
  });
}

function createRestaurantPage(b: Record<string, string | string[]>, error: string | null, storeDomain: string): string {
  const days = fieldAll(b, 'slotDay');
  const opens = fieldAll(b, 'slotOpen');
  const closes = fieldAll(b, 'slotClose');
  const rows = (days.length ? days : ['Monday']).map((d, i) => slotRow(i + 1, d, opens[i] ?? '', closes[i] ?? '')).join('');
  const body = `<h1>Create New Restaurant</h1>${alert(error)}
<form method="post" action="/admin/restaurants/new" aria-label="Create Restaurant">
${textInput('Restaurant Name', 'name', field(b, 'name'))}
<label>Subdomain <input type="text" name="subdomain" value="${esc(field(b, 'subdomain'))}"> .${esc(storeDomain)}</label>
${select('Map Provider', 'mapProvider', [['Google Maps', 'Google Maps'], ['Mapbox', 'Mapbox']], field(b, 'mapProvider') || 'Google Maps')}
<label>Address <input type="text" name="address" role="combobox" aria-expanded="false" aria-controls="address-suggestions" autocomplete="off" value="${esc(field(b, 'address'))}"></label>
<input type="hidden" name="addressPlaceId" value="${esc(field(b, 'addressPlaceId'))}">
<ul id="address-suggestions" role="listbox" aria-label="Address suggestions" hidden></ul>
<label>Phone <input type="tel" name="phone" value="${esc(field(b, 'phone'))}"></label>
<h2>Opening Hours</h2><div id="slots">${rows}</div>
<button type="button" id="add-slot">Add Time Slot</button>
${select('System Locale', 'locale', [['', 'Select…'], ...LOCALES], field(b, 'locale'))}
${select('Timezone', 'timezone', [['', 'Select…'], ...TIMEZONES], field(b, 'timezone'))}
${select('Currency', 'currency', [['', 'Select…'], ...CURRENCIES], field(b, 'currency'))}
${checkbox('Tax in Prices', 'taxInPrices', field(b, 'taxInPrices') === 'on')}
<button type="submit">Create Restaurant</button></form>`;
  const script = `
const slots=document.getElementById('slots');
const template=${scriptJson(slotRow(0, 'Monday', '', ''))};
document.getElementById('add-slot').addEventListener('click',()=>{
  const n=slots.children.length+1; const div=document.createElement('div');
  div.innerHTML=template.replaceAll('Time slot 0','Time slot '+n); slots.appendChild(div.firstElementChild);
});
slots.addEventListener('click',(e)=>{ if(e.target.matches('[data-remove]')) e.target.closest('fieldset').remove(); });
const addr=document.querySelector('input[name=address]'); const place=document.querySelector('input[name=addressPlaceId]');
const list=document.getElementById('address-suggestions'); let timer;
addr.addEventListener('input',()=>{ place.value=''; clearTimeout(timer); timer=setTimeout(async()=>{
  const res=await fetch('/admin/api/address-suggestions?q='+encodeURIComponent(addr.value)); const data=await res.json();
  list.innerHTML=''; for(const s of data.suggestions||[]){ const li=document.createElement('li'); li.setAttribute('role','option');
    li.textContent=s.text; li.addEventListener('click',()=>{ addr.value=s.text; place.value=s.id; list.hidden=true; addr.setAttribute('aria-expanded','false'); });
    list.appendChild(li); }
  list.hidden=!list.children.length; addr.setAttribute('aria-expanded', String(!list.hidden));
}, 250); });`;
  return page({ title: 'Create New Restaurant', body, script });
}

function slotRow(n: number, day: string, open: string, close: string): string {
  const dayOpts = DAYS.map((d) => `<option ${d === day ? 'selected' : ''}>${d}</option>`).join('');
  return `<fieldset aria-label="Time slot ${n}"><label>Day <select name="slotDay">${dayOpts}</select></label>
<label>Opens <input type="time" name="slotOpen" value="${esc(open)}"></label>
<label>Closes <input type="time" name="slotClose" value="${esc(close)}"></label>
<button type="button" data-remove>Remove</button></fieldset>`;
}

// ---------------------------------------------------------------------------------------------------------
// Website tab

function sectionForm(r: PortalRestaurant, tab: string, key: string, title: string, inner: string, q: Record<string, string>): string {
  const mine = q['section'] === key;
  return `<section id="${key}" aria-labelledby="h-${key}"><h2 id="h-${key}">${esc(title)}</h2>
<form method="post" action="/admin/restaurant/${esc(r.id)}/settings/${tab}/${key}" aria-label="${esc(title)}">
${mine ? alert(q['error']) : ''}${mine && q['saved'] ? status(`${title} saved`) : ''}${inner}
<button type="submit">Save</button></form></section>`;
}

function uploadWidget(kind: string, label: string, current: string | null): string {
  const filename = current ? current.split('/').pop() : null;
  return `<div data-upload="${kind}"><p>Current ${esc(label)}: <span data-current>${esc(filename ?? 'None')}</span></p>
<input type="hidden" name="${kind}" value="${esc(current ?? '')}">
<button type="button" data-open-upload="${kind}" data-title="Upload ${esc(label)}">Upload ${esc(label)}</button></div>`;
}

function websiteTab(r: PortalRestaurant, q: Record<string, string>): { content: string; script: string } {
  const w = r.website;
  const f = (key: string, title: string, inner: string) => sectionForm(r, 'website', key, title, inner, q);
  const content = [
    f('themes', 'Themes', radios('Theme', 'theme', [['dark', 'Dark Theme'], ['light', 'Light Theme']], w.theme)),
    f('colors', 'Colors', COLOR_FIELDS.map(([k, l]) => textInput(l, k, w.colors[k] ?? '')).join('')),
    f('fonts', 'Fonts', select('Heading Font', 'heading', FONTS, w.fonts.heading) + select('Normal Font', 'normal', FONTS, w.fonts.normal)),
    f('nav', 'Top Nav Bar', uploadWidget('logo', 'Logo', w.logo) + textInput('Nav Text Colour', 'navTextColour', w.navTextColour)),
    f(
      'header',
      'Header',
      checkbox('Enable Header', 'headerEnabled', w.headerEnabled) +
        uploadWidget('headerBackground', 'Header Background', w.headerBackground) +
        uploadWidget('headerLogo', 'Header Logo', w.headerLogo),
    ),
    f(
      'items',
      'Items',
      radios('Item Layout', 'itemLayout', [['list', 'List'], ['card', 'Card']], w.itemLayout) +
        select('Tag Position', 'tagPosition', ['Top Right', 'Inner Bottom', 'Hidden'].map((v) => [v, v] as const), w.tagPosition),
    ),
    f('favicon', 'Favicon', uploadWidget('favicon', 'Favicon', w.favicon)),
    f('seo', 'SEO', textInput('Page Title', 'title', w.seo.title) + textArea('Meta Description', 'description', w.seo.description)),
    f('social', 'Social Links', textInput('Facebook URL', 'facebook', w.social.facebook) + textInput('Instagram URL', 'instagram', w.social.instagram)),
    f(
      'code',
      'Custom Code',
      textArea('Head Code', 'headCode', w.headCode) + textArea('Body Code', 'bodyCode', w.bodyCode),
    ),
  ].join('');
  const dialog = `<dialog id="upload-dialog" aria-labelledby="upload-title"><h2 id="upload-title">Upload</h2>
<label>Choose a local file <input type="file" id="upload-file"></label>
<label>From link <input type="url" id="upload-link"></label>
<p id="upload-error" role="alert" hidden></p>
<button type="button" id="upload-done">Done</button> <button type="button" id="upload-cancel">Cancel</button></dialog>`;
  const script = `
const dlg=document.getElementById('upload-dialog'); let kind=null;
document.querySelectorAll('[data-open-upload]').forEach(b=>b.addEventListener('click',()=>{
  kind=b.dataset.openUpload; document.getElementById('upload-title').textContent=b.dataset.title;
  document.getElementById('upload-file').value=''; document.getElementById('upload-link').value='';
  document.getElementById('upload-error').hidden=true; dlg.showModal(); }));
document.getElementById('upload-cancel').addEventListener('click',()=>dlg.close());
const readB64=(file)=>new Promise((ok,no)=>{const fr=new FileReader(); fr.onload=()=>ok(String(fr.result).split(',')[1]||''); fr.onerror=no; fr.readAsDataURL(file);});
document.getElementById('upload-done').addEventListener('click',async()=>{
  const err=document.getElementById('upload-error'); const file=document.getElementById('upload-file').files[0];
  const link=document.getElementById('upload-link').value.trim();
  const payload={kind}; if(file){payload.filename=file.name; payload.dataBase64=await readB64(file);} else {payload.sourceUrl=link; payload.filename=link.split('/').pop()||'';}
  const res=await fetch(location.pathname.replace(/\\/settings\\/.*$/,'').replace('/admin/restaurant/','/admin/api/restaurant/')+'/uploads',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(payload)});
  const data=await res.json().catch(()=>({error:'Upload failed ('+res.status+')'}));
  if(!res.ok){err.textContent=data.error||('Upload failed ('+res.status+')'); err.hidden=false; return;}
  const w=document.querySelector('[data-upload="'+kind+'"]'); w.querySelector('input[type=hidden]').value=data.url;
  w.querySelector('[data-current]').textContent=data.filename; dlg.close(); });`;
  return { content: content + dialog, script };
}

function saveWebsite(r: PortalRestaurant, section: string, b: unknown): string | null {
  const w = r.website;
  const hex = (label: string, v: string) => (v === '' || HEX.test(v) ? null : `${label} must be a hex colour like #1a2b3c, not "${v}"`);
  switch (section) {
    case 'themes': {
      const t = field(b, 'theme');
      if (t !== 'dark' && t !== 'light') return 'Choose a theme';
      w.theme = t;
      break;
    }
    case 'colors': {
      const next: Record<string, string> = {};
      for (const [k, l] of COLOR_FIELDS) {
        const v = field(b, k).trim();
        const e = hex(l, v);
        if (e) return e;
        if (v) next[k] = v.toLowerCase();
      }
      w.colors = next;
      break;
    }
    case 'fonts':
      w.fonts = { heading: field(b, 'heading'), normal: field(b, 'normal') };
      break;
    case 'nav': {
      const e = hex('Nav Text Colour', field(b, 'navTextColour').trim());
      if (e) return e;
      w.logo = field(b, 'logo') || null;
      w.navTextColour = field(b, 'navTextColour').trim().toLowerCase();
      break;
    }
    case 'header':
      w.headerEnabled = field(b, 'headerEnabled') === 'on';
      w.headerBackground = field(b, 'headerBackground') || null;
      w.headerLogo = field(b, 'headerLogo') || null;
      break;
    case 'items': {
      const l = field(b, 'itemLayout');
      if (l !== 'list' && l !== 'card') return 'Choose an item layout';
      w.itemLayout = l;
      w.tagPosition = field(b, 'tagPosition');
      break;
    }
    case 'favicon':
      w.favicon = field(b, 'favicon') || null;
      break;
    case 'seo':
      w.seo = { title: field(b, 'title'), description: field(b, 'description') };
      break;
    case 'social': {
      for (const k of ['facebook', 'instagram']) {
        const v = field(b, k).trim();
        if (v && !/^https?:\/\/\S+$/.test(v)) return `${k === 'facebook' ? 'Facebook' : 'Instagram'} URL must start with https://`;
      }
      w.social = { facebook: field(b, 'facebook').trim(), instagram: field(b, 'instagram').trim() };
      break;
    }
    case 'code':
      w.headCode = field(b, 'headCode');
      w.bodyCode = field(b, 'bodyCode');
      break;
    default:
      return `Unknown section ${section}`;
  }
  w.saves += 1;
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Services tab

function servicesTab(r: PortalRestaurant, q: Record<string, string>): string {
  return (Object.keys(SERVICE_SECTIONS) as (keyof typeof SERVICE_SECTIONS)[])
    .map((key) => {
      const { title, fields } = SERVICE_SECTIONS[key];
      const values = r.services[key];
      const inner = fields
        .map(([name, label, kind]) =>
          kind === 'checkbox'
            ? checkbox(label, name, values[name] === true)
            : textInput(label, name, typeof values[name] === 'string' ? (values[name] as string) : '', kind === 'number' ? 'inputmode="decimal"' : ''),
        )
        .join('');
      return sectionForm(r, 'services', key, title, inner, q);
    })
    .join('');
}

function saveServices(r: PortalRestaurant, section: string, b: unknown): string | null {
  const spec = SERVICE_SECTIONS[section as keyof typeof SERVICE_SECTIONS];
  if (!spec) return `Unknown section ${section}`;
  const next: Record<string, string | boolean> = {};
  for (const [name, label, kind] of spec.fields) {
    if (kind === 'checkbox') next[name] = field(b, name) === 'on';
    else {
      const v = field(b, name).trim();
      if (kind === 'number' && v !== '' && !/^\d+(\.\d{1,2})?$/.test(v)) return `${label} must be a number, not "${v}"`;
      next[name] = v;
    }
  }
  const after = { ...r.services, [section]: next };
  if (!Object.values(after).some((s) => s['enabled'] === true)) return 'You must have at least one service enabled';
  r.services[section as keyof typeof SERVICE_SECTIONS] = next;
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Payments tab

function paymentsTab(r: PortalRestaurant, q: Record<string, string>): { content: string; script: string } {
  const rows = r.payments
    .map((p) => `<tr><td>${esc(p.name)}</td><td>${p.enabled ? 'Enabled' : 'Disabled'}</td></tr>`)
    .join('');
  const stripe = r.payments
    .filter((p) => p.type === 'stripe')
    .map((p) => {
      const inner = STRIPE_FIELDS.map(([name, label, kind]) =>
        kind === 'checkbox' ? checkbox(label, name, p.enabled) : textInput(label, name, String(p.settings[name] ?? '')),
      ).join('');
      return `<section aria-labelledby="h-${p.id}"><h2 id="h-${p.id}">Stripe Settings</h2>
<form method="post" action="/admin/restaurant/${esc(r.id)}/payments/${p.id}" aria-label="Stripe Settings">
${q['saved'] === p.id ? status('Stripe settings saved') : ''}
${select('Currency', 'currency', CURRENCIES, String(p.settings['currency'] ?? r.currency))}
${select('Layout', 'layout', STRIPE_LAYOUTS, String(p.settings['layout'] ?? 'Tabs'))}
${select('Theme', 'theme', STRIPE_THEMES, String(p.settings['theme'] ?? 'Stripe'))}
${inner}<button type="submit">Save</button></form>
<p>Stripe account: ${r.stripe.accountId ? esc(r.stripe.accountId) : 'not connected'}</p>
<form method="post" action="/admin/restaurant/${esc(r.id)}/payments/${p.id}/connect"><button type="submit">Connect to Stripe</button></form></section>`;
    })
    .join('');
  const content = `${alert(q['error'])}${q['added'] ? status('Payment method added') : ''}
<section aria-labelledby="h-methods"><h2 id="h-methods">Payment Methods</h2>
<table aria-label="Payment Methods"><thead><tr><th>Method</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>
<button type="button" id="add-method">Add Payment Method</button></section>${stripe}
<dialog id="add-method-dialog" aria-labelledby="add-method-title"><h2 id="add-method-title">Add Payment Method</h2>
<form method="post" action="/admin/restaurant/${esc(r.id)}/payments/add">
${select('Payment Method', 'method', [['', 'Select…'], ['stripe', 'Stripe'], ['paypal', 'PayPal'], ['poli', 'POLi Pay']], '')}
<button type="submit">Add Method</button></form></dialog>`;
  const script = `document.getElementById('add-method').addEventListener('click',()=>document.getElementById('add-method-dialog').showModal());`;
  return { content, script };
}
