// Test-only inspection and fault API of the sandbox portal (/__portal/*): what exists, what was duplicated,
// and the switches that make the portal misbehave on request. Never holds a password: only hashes.
import type { FastifyInstance } from 'fastify';
import { FaultSpecSchema } from '../faults';
import type { PortalContext } from './context';
import type { PortalRestaurant } from './store';

function restaurantSummary(r: PortalRestaurant) {
  return {
    id: r.id,
    accountId: r.accountId,
    name: r.name,
    subdomain: r.subdomain,
    address: r.address,
    phone: r.phone,
    hours: r.hours,
    locale: r.locale,
    timezone: r.timezone,
    currency: r.currency,
    taxInPrices: r.taxInPrices,
    menuItemCount: r.menuItems.length,
    optionSetCount: r.optionSets.length,
    itemTagCount: r.itemTags.length,
  };
}

export function registerInspection(app: FastifyInstance, ctx: PortalContext): void {
  const { store } = ctx;
  const restaurantOr404 = (id: string) => store.restaurant(id);

  app.get('/__portal/accounts', async () =>
    store.accounts.map((a) => ({
      id: a.id,
      email: a.email,
      phone: a.phone,
      integratorId: a.integratorId,
      createdAt: a.createdAt,
      restaurantIds: store.restaurants.filter((r) => r.accountId === a.id).map((r) => r.id),
    })),
  );
  app.get('/__portal/accounts/:email/restaurants', async (req, reply) => {
    const a = store.findAccountByEmail((req.params as { email: string }).email);
    if (!a) return reply.code(404).send({ error: 'no such account' });
    return store.restaurants.filter((r) => r.accountId === a.id).map(restaurantSummary);
  });
  app.get('/__portal/restaurants/:id', async (req, reply) => {
    const r = restaurantOr404((req.params as { id: string }).id);
    if (!r) return reply.code(404).send({ error: 'no such restaurant' });
    return { ...restaurantSummary(r), website: r.website, services: r.services, payments: r.payments, stripe: r.stripe };
  });
  app.get('/__portal/restaurants/:id/menu', async (req, reply) => {
    const r = restaurantOr404((req.params as { id: string }).id);
    if (!r) return reply.code(404).send({ error: 'no such restaurant' });
    return { items: r.menuItems, imports: r.menuImports };
  });
  app.get('/__portal/restaurants/:id/option-sets', async (req, reply) => {
    const r = restaurantOr404((req.params as { id: string }).id);
    if (!r) return reply.code(404).send({ error: 'no such restaurant' });
    const names = new Map(r.menuItems.map((i) => [i.id, i.name]));
    return r.optionSets.map((o) => ({ ...o, itemNames: o.itemIds.map((id) => names.get(id) ?? id) }));
  });
  app.get('/__portal/restaurants/:id/item-tags', async (req, reply) => {
    const r = restaurantOr404((req.params as { id: string }).id);
    if (!r) return reply.code(404).send({ error: 'no such restaurant' });
    const names = new Map(r.menuItems.map((i) => [i.id, i.name]));
    return r.itemTags.map((t) => ({ ...t, itemNames: t.itemIds.map((id) => names.get(id) ?? id) }));
  });
  app.get('/__portal/uploads', async () => ({ cdn: store.cdnFiles, portal: store.uploads }));
  app.get('/__portal/onboarding-users', async () =>
    store.onboardingUsers.map(({ passwordHash: _p, ...u }) => u),
  );
  app.get('/__portal/onboarding-records', async () => store.onboardingRecords);
  app.get('/__portal/code-generations', async () => store.codeGenerations);
  app.get('/__portal/duplicates', async () => store.duplicates());
  app.post('/__portal/reset', async () => {
    store.reset();
    ctx.faults.clear();
    ctx.switches.expireSessionAfter = null;
    ctx.switches.crashPath = null;
    return { ok: true };
  });

  // Faults: route keys of the shared controller (PORTAL_FAULT_ROUTES) plus the portal's own switches.
  app.put('/__portal/faults/:route', async (req) => {
    ctx.faults.set((req.params as { route: string }).route, FaultSpecSchema.parse(req.body));
    return ctx.faults.list();
  });
  app.put('/__portal/switches', async (req) => {
    const b = (req.body ?? {}) as { expireSessionAfter?: number | null; crashPath?: string | null };
    if (b.expireSessionAfter !== undefined) ctx.switches.expireSessionAfter = b.expireSessionAfter;
    if (b.crashPath !== undefined) ctx.switches.crashPath = b.crashPath;
    return ctx.switches;
  });
  app.delete('/__portal/faults', async () => {
    ctx.faults.clear();
    ctx.switches.expireSessionAfter = null;
    ctx.switches.crashPath = null;
    return { ok: true };
  });
}
