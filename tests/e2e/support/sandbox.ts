// The sandbox's test-only fault API (/__portal/faults, see packages/automation/src/sandbox/portal/inspect.ts), over
// plain fetch so a spec does not load the automation package.
export function sandboxUrl(): string {
  const url = process.env.E2E_SANDBOX_URL;
  if (!url) throw new Error('E2E_SANDBOX_URL is not set (the global setup sets it)');
  return url;
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandboxUrl()}/__portal${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sandbox ${method} /__portal${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * A fault on one of the portal's route keys: 'portal.page' (every HTML page of the admin portal and the manage site),
 * 'portal.save', 'cw.register', 'cdn.upload', 'onboarding.api'.
 */
export function setPortalFault(
  route: string,
  spec: { errorRate?: number; errorStatus?: number; latencyMs?: number; times?: number },
): Promise<unknown> {
  return call('PUT', `/faults/${encodeURIComponent(route)}`, spec);
}

export function clearPortalFaults(): Promise<unknown> {
  return call('DELETE', '/faults');
}
