// `regbatch sandbox`: runs the sandbox until told to stop, printing where each stand-in lives. The CLI
// (packages/server) owns the process: it passes a promise that resolves on SIGINT/SIGTERM.
import { resolve } from 'node:path';
import { FaultMapSchema } from './faults';
import { createSandboxServer, NZBN_BASE_PATH, type SandboxServer } from './server';

export interface SandboxCliOptions {
  port?: string | number;
  host?: string;
  /** Registry file in fixtures/registry.json format. */
  registry?: string;
  /** Leads file whose store pages to serve. */
  leads?: string;
  /** Faults at start, as JSON: {"nzbn.search":{"errorRate":0.2}}. */
  faults?: string;
  json?: boolean;
}

export interface SandboxCliIo {
  print(text: string): void;
}

function port(v: string | number | undefined): number {
  if (v === undefined) return 4010;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer 0..65535, got ${JSON.stringify(v)}`);
  return n;
}

export function describeSandbox(sb: SandboxServer) {
  return {
    url: sb.url,
    nzbnBaseUrl: `${sb.url}${NZBN_BASE_PATH}`,
    registerBaseUrl: sb.url,
    inspectUrl: `${sb.url}/_sandbox/inspect`,
    faultsUrl: `${sb.url}/_sandbox/faults`,
    entities: sb.registry.length,
    stores: sb.stores.stores.map((s) => ({ name: s.name, url: `${sb.url}${encodeURI(s.path)}` })),
  };
}

/** Start the sandbox, print its addresses, and close it when `until` settles. */
export async function runSandboxCli(opts: SandboxCliOptions, io: SandboxCliIo, until: Promise<unknown>): Promise<SandboxServer> {
  let faults = {};
  if (opts.faults) {
    let raw: unknown;
    try {
      raw = JSON.parse(opts.faults);
    } catch {
      throw new Error(`--faults must be JSON, got ${JSON.stringify(opts.faults)}`);
    }
    const parsed = FaultMapSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`--faults: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    faults = parsed.data;
  }
  const sb = await createSandboxServer({
    port: port(opts.port),
    host: opts.host ?? '127.0.0.1',
    ...(opts.registry ? { registryFile: resolve(opts.registry) } : {}),
    ...(opts.leads ? { storeLeadsFile: resolve(opts.leads) } : {}),
    faults,
  });
  const d = describeSandbox(sb);
  if (opts.json) io.print(JSON.stringify(d));
  else {
    io.print(`sandbox listening on ${d.url}`);
    io.print(`  NZBN API v5:       ${d.nzbnBaseUrl} (any Ocp-Apim-Subscription-Key)`);
    io.print(`  register search:   ${d.registerBaseUrl}/companies/app/service/services/entity/search`);
    io.print(`  store pages:       ${d.stores.length} (e.g. ${d.stores[0]?.url ?? 'none'})`);
    io.print(`  inspect / faults:  ${d.inspectUrl}  ${d.faultsUrl}`);
  }
  await until;
  await sb.close();
  return sb;
}
