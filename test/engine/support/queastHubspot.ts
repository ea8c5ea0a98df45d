/**
 * Shipped Queast → HubSpot pipelines running against the simulator, on a SQLite store: the HubSpot
 * portal (with the custom properties the pipelines write and the records `prepare` creates
 * through its API), Queast's tables, the runtime.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../../src/engine/runtime.js';
import { loadProject } from '../../../src/engine/project.js';
import type { PipelineRunner } from '../../../src/engine/pipelineRunner.js';
import { startHubspotSimulator } from '../../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import type { Scope } from '../../../src/state/scope.js';
import { openLocal } from './localDb.js';
import { hubspot, hubspotEnv } from './hubspot.js';
import { prepareBackend, type BackendUrls } from './backends.js';

/** The custom properties the shipped pipelines write, by object. */
const CUSTOM_PROPERTIES: Record<string, Array<Record<string, unknown>>> = {
  companies: [
    { name: 'queast_company_id', type: 'string', fieldType: 'text', hasUniqueValue: true, label: 'Queast company id', groupName: 'companyinformation' },
    { name: 'queast_interesting', type: 'bool', fieldType: 'booleancheckbox', label: 'Interesting', groupName: 'companyinformation' },
  ],
  contacts: [{ name: 'queast_person_id', type: 'string', fieldType: 'text', hasUniqueValue: true, label: 'Queast person', groupName: 'contactinformation' }],
  notes: [{ name: 'queast_signal_id', type: 'string', fieldType: 'text', hasUniqueValue: true, label: 'Queast signal id', groupName: 'noteinformation' }],
  tasks: [{ name: 'queast_signal_id', type: 'string', fieldType: 'text', hasUniqueValue: true, label: 'Queast signal id', groupName: 'taskinformation' }],
};

export interface QueastHubspot {
  sim: RunningSimulator;
  queast: Knex;
  runtime: Runtime;
  scope: Scope;
  /** The runner of one of the pipelines started (for one tenant, when several run). */
  runnerOf(pipeline: string, tenant?: string): PipelineRunner;
  close(): Promise<void>;
}

/**
 * Starts `pipelines/<name>.yaml` for each pipeline named, for the default tenant or those given.
 * `prepare` runs before the runtime starts: it creates the Queast tables and rows, and the records
 * HubSpot already has.
 */
export async function startQueastHubspot(
  name: string,
  pipelines: readonly string[],
  prepare: (h: Pick<QueastHubspot, 'sim' | 'queast'>) => Promise<void>,
  tenants?: string[],
): Promise<QueastHubspot> {
  const urls: BackendUrls = await prepareBackend('sqlite', name);
  const sim = await startHubspotSimulator({ seed: 5 });
  for (const [object, properties] of Object.entries(CUSTOM_PROPERTIES)) for (const p of properties) await hubspot(sim, 'POST', `/crm/v3/properties/${object}`, p);
  const queast = openLocal(urls.local);
  await prepare({ sim, queast });
  const specs = ['connectors/queast.yaml', 'connectors/hubspot.yaml', ...pipelines.map((p) => `pipelines/${p}.yaml`)];
  const runtime = await Runtime.create({ project: await loadProject(specs), store: urls.store, env: { QUEAST_DATABASE_URL: urls.local, SYNCD_SECRET_KEY: urls.secretKey, ...hubspotEnv(sim) }, ...(tenants ? { tenants } : {}) });
  return {
    sim,
    queast,
    runtime,
    scope: runtime.store.forTenant('default'),
    runnerOf(pipeline, tenant) {
      return runtime.runner(pipeline, tenant);
    },
    async close() {
      await runtime.close();
      await queast.destroy();
      await sim.close();
      await urls.cleanup();
    },
  };
}
