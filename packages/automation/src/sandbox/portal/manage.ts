// The "manage" site (Pumpd's own onboarding app): super-admin login, Super Admin > Users > Add User, and the
// Ordering Page customiser that generates the head/body code injected into the store (codeGeneration).
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loginPage } from './admin';
import { field, sessionOf, type PortalContext } from './context';
import { alert, esc, page, select, status, textInput } from './html';
import { hashPassword, type Session } from './store';

const HEX = /^#[0-9a-fA-F]{6}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function manageNav(): string {
  return `<nav class="side" aria-label="Manage"><a href="/manage/super-admin">Super Admin</a><a href="/manage/ordering-page">Ordering Page</a></nav>`;
}

function manageSession(ctx: PortalContext, req: FastifyRequest, reply: FastifyReply): Session | null {
  const s = sessionOf(ctx, req, 'manage');
  if (!s) void reply.redirect(`/manage/login?expired=1`);
  return s;
}

export interface OrderingPageConfig {
  restaurantName: string;
  primary: string;
  secondary: string;
  lightMode: boolean;
  preset: string;
  singleColourPriceTags: boolean;
  logoTextGradient: boolean;
  logoTextGlow: boolean;
  welcomeGradient: boolean;
}

/** Deterministic: the same configuration always yields the same code, so a re-run changes nothing. */
export function generateOrderingPageCode(c: OrderingPageConfig): { head: string; body: string } {
  const id = createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 12);
  const gradient = c.singleColourPriceTags ? c.primary : `linear-gradient(135deg, ${c.primary}, ${c.secondary})`;
  const head = `<!-- Ordering page customisation ${id} for ${c.restaurantName.replace(/--/g, '-')} (preset: ${c.preset}) -->
<style id="pumpd-custom-${id}">
:root { --pumpd-primary: ${c.primary}; --pumpd-secondary: ${c.secondary}; --pumpd-mode: ${c.lightMode ? 'light' : 'dark'}; }
.price-tag { background: ${gradient}; }
.nav-logo-text { ${c.logoTextGradient ? `background: linear-gradient(90deg, ${c.primary}, ${c.secondary}); -webkit-background-clip: text;` : `color: ${c.primary};`} ${c.logoTextGlow ? `text-shadow: 0 0 8px ${c.secondary};` : ''} }
.welcome-message { ${c.welcomeGradient ? `background: linear-gradient(90deg, ${c.primary}, ${c.secondary});` : `background: ${c.primary};`} }
</style>`;
  const body = `<script id="pumpd-custom-body-${id}">
(function(){ var name = ${JSON.stringify(c.restaurantName).replace(/</g, '\\u003c')};
  document.addEventListener('DOMContentLoaded', function(){ var el = document.querySelector('.welcome-message');
    if (el) el.textContent = 'Welcome to ' + name; document.documentElement.dataset.pumpdPreset = ${JSON.stringify(c.preset)}; });
})();
</script>`;
  return { head, body };
}

export function registerManageSite(app: FastifyInstance, ctx: PortalContext): void {
  const { store, opts } = ctx;

  app.get('/manage/login', async (req, reply) => {
    const q = req.query as Record<string, string>;
    return reply
      .type('text/html')
      .send(loginPage('/manage/login', 'Pumpd Manage', q['expired'] ? 'Your session has expired. Please log in again.' : null, null, ''));
  });
  app.post('/manage/login', async (req, reply) => {
    const ok =
      field(req.body, 'email').trim().toLowerCase() === opts.manageAdmin.email.toLowerCase() &&
      field(req.body, 'password') === opts.manageAdmin.password;
    if (!ok) return reply.code(401).type('text/html').send(loginPage('/manage/login', 'Pumpd Manage', null, 'Invalid email or password', ''));
    const s = store.openSession('manage', 'manage-admin');
    return reply.header('set-cookie', `manage_session=${s.id}; Path=/; HttpOnly; SameSite=Lax`).redirect('/manage/');
  });

  app.get('/manage', async (_req, reply) => reply.redirect('/manage/'));
  app.get('/manage/', async (req, reply) => {
    if (!manageSession(ctx, req, reply)) return reply;
    return reply.type('text/html').send(page({ title: 'Manage', body: '<h1>Dashboard</h1>', nav: manageNav() }));
  });

  app.get('/manage/super-admin', async (req, reply) => {
    if (!manageSession(ctx, req, reply)) return reply;
    const q = req.query as Record<string, string>;
    const rows = store.onboardingUsers
      .map((u) => `<tr><td>${esc(u.name)}</td><td>${esc(u.email)}</td><td>${esc(u.role)}</td><td>${esc(u.organisation)}</td></tr>`)
      .join('');
    const body = `<h1>Users</h1>${q['created'] ? status(`User created successfully: ${q['created']}`) : ''}
<a role="button" href="/manage/super-admin/users/new">Add User</a>
<table aria-label="Users"><thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Organisation</th></tr></thead><tbody>${rows}</tbody></table>`;
    return reply.type('text/html').send(page({ title: 'Super Admin', body, nav: manageNav() }));
  });

  const addUserPage = (b: unknown, error: string | null) =>
    page({
      title: 'Add User',
      nav: manageNav(),
      body: `<h1>Add User</h1>${alert(error)}<form method="post" action="/manage/super-admin/users/new" aria-label="Add User">
${textInput('Name', 'name', field(b, 'name'))}${textInput('Email', 'email', field(b, 'email'))}
<label>Password <input type="password" name="password" autocomplete="new-password"></label>
${select('Role', 'role', [['', 'Select…'], ['New Sign Up', 'New Sign Up'], ['Admin', 'Admin']], field(b, 'role'))}
${select('Organisation', 'organisation', [['', 'Select…'], ['None', 'None'], ['Pumpd', 'Pumpd']], field(b, 'organisation'))}
<button type="submit">Create User</button></form>`,
    });

  app.get('/manage/super-admin/users/new', async (req, reply) => {
    if (!manageSession(ctx, req, reply)) return reply;
    return reply.type('text/html').send(addUserPage({}, null));
  });
  app.post('/manage/super-admin/users/new', async (req, reply) => {
    if (!manageSession(ctx, req, reply)) return reply;
    const b = req.body;
    // The password is never echoed back into the re-rendered form.
    const fail = (m: string) => reply.code(422).type('text/html').send(addUserPage(b, m));
    const name = field(b, 'name').trim();
    const email = field(b, 'email').trim();
    const password = field(b, 'password');
    if (!name) return fail('Name is required');
    if (!EMAIL.test(email)) return fail(`Email "${email}" is not a valid email address`);
    if (password.length < 8) return fail('Password must be at least 8 characters');
    if (!field(b, 'role')) return fail('Choose a role');
    if (!field(b, 'organisation')) return fail('Choose an organisation');
    if (store.onboardingUsers.some((u) => u.email.toLowerCase() === email.toLowerCase())) {
      return fail('A user with this email already exists');
    }
    store.onboardingUsers.push({
      id: randomUUID(),
      name,
      email,
      role: field(b, 'role'),
      organisation: field(b, 'organisation'),
      passwordHash: hashPassword(password),
      createdAt: new Date().toISOString(),
    });
    // A sign-up starts an onboarding record in the onboarding database, keyed by the user's e-mail.
    store.onboardingRecords.push({ id: randomUUID(), user_email: email, fields: {}, updatedAt: null });
    return reply.redirect(`/manage/super-admin?created=${encodeURIComponent(email)}`);
  });

  app.get('/manage/ordering-page', async (req, reply) => {
    if (!manageSession(ctx, req, reply)) return reply;
    const body = `<h1>Ordering Page</h1><form aria-label="Ordering Page" onsubmit="return false">
${textInput('Restaurant Name', 'restaurantName', '')}${textInput('Primary Colour', 'primary', '')}${textInput('Secondary Colour', 'secondary', '')}
<label><input type="checkbox" role="switch" id="light-mode" name="lightMode"> Light Mode</label>
<div role="tablist" aria-label="Customiser">
<button type="button" role="tab" aria-controls="p-presets" aria-selected="true">Presets</button>
<button type="button" role="tab" aria-controls="p-components" aria-selected="false">Components</button>
<button type="button" role="tab" aria-controls="p-head" aria-selected="false">Head</button>
<button type="button" role="tab" aria-controls="p-body" aria-selected="false">Body</button></div>
<div role="tabpanel" id="p-presets"><p>Preset: <span id="preset">Default</span></p>
<button type="button" data-preset="Interactive Showcase">Interactive Showcase</button> <button type="button" data-preset="Minimal">Minimal</button></div>
<div role="tabpanel" id="p-components" hidden>
<label><input type="checkbox" name="singleColourPriceTags"> Single colour price tags</label>
<label><input type="checkbox" name="logoTextGradient" checked> Logo text gradient</label>
<label><input type="checkbox" name="logoTextGlow" checked> Logo text glow</label>
<label><input type="checkbox" name="welcomeGradient" checked> Welcome message gradient</label></div>
<div role="tabpanel" id="p-head" hidden><pre aria-label="Head code"></pre></div>
<div role="tabpanel" id="p-body" hidden><pre aria-label="Body code"></pre></div>
<p role="alert" id="gen-error" hidden></p>
<button type="button" id="generate">Generate Code</button></form>`;
    const script = `
const tabs=[...document.querySelectorAll('[role=tab]')];
tabs.forEach(t=>t.addEventListener('click',()=>tabs.forEach(x=>{x.setAttribute('aria-selected',String(x===t)); document.getElementById(x.getAttribute('aria-controls')).hidden=x!==t;})));
let preset='Default'; document.querySelectorAll('[data-preset]').forEach(b=>b.addEventListener('click',()=>{preset=b.dataset.preset; document.getElementById('preset').textContent=preset;}));
document.getElementById('generate').addEventListener('click',async()=>{ const f=document.querySelector('form'); const v=(n)=>f.querySelector('[name='+n+']');
  const payload={restaurantName:v('restaurantName').value,primary:v('primary').value.trim(),secondary:v('secondary').value.trim(),lightMode:v('lightMode').checked,preset,
    singleColourPriceTags:v('singleColourPriceTags').checked,logoTextGradient:v('logoTextGradient').checked,logoTextGlow:v('logoTextGlow').checked,welcomeGradient:v('welcomeGradient').checked};
  const res=await fetch('/manage/api/ordering-page/generate',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(payload)});
  const data=await res.json().catch(()=>({error:'Generation failed ('+res.status+')'})); const err=document.getElementById('gen-error');
  if(!res.ok){err.textContent=data.error||('Generation failed ('+res.status+')'); err.hidden=false; return;} err.hidden=true;
  document.querySelector('[aria-label="Head code"]').textContent=data.head; document.querySelector('[aria-label="Body code"]').textContent=data.body; });`;
    return reply.type('text/html').send(page({ title: 'Ordering Page', body, nav: manageNav(), script }));
  });

  app.post('/manage/api/ordering-page/generate', async (req, reply) => {
    if (!sessionOf(ctx, req, 'manage')) return reply.code(401).send({ error: 'Your session has expired. Please log in again.' });
    const b = (req.body ?? {}) as Partial<OrderingPageConfig>;
    const c: OrderingPageConfig = {
      restaurantName: String(b.restaurantName ?? '').trim(),
      primary: String(b.primary ?? '').toLowerCase(),
      secondary: String(b.secondary ?? '').toLowerCase(),
      lightMode: b.lightMode === true,
      preset: String(b.preset ?? 'Default'),
      singleColourPriceTags: b.singleColourPriceTags === true,
      logoTextGradient: b.logoTextGradient === true,
      logoTextGlow: b.logoTextGlow === true,
      welcomeGradient: b.welcomeGradient === true,
    };
    if (!c.restaurantName) return reply.code(422).send({ error: 'Restaurant Name is required' });
    if (!HEX.test(c.primary)) return reply.code(422).send({ error: `Primary Colour "${c.primary}" is not a hex colour` });
    if (!HEX.test(c.secondary)) return reply.code(422).send({ error: `Secondary Colour "${c.secondary}" is not a hex colour` });
    store.codeGenerations.push({ at: new Date().toISOString(), restaurantName: c.restaurantName });
    return generateOrderingPageCode(c);
  });
}
