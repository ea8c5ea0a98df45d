/**
 * A shipped Queast → Pipedrive pipeline running against the simulator, on a SQLite store: the
 * Pipedrive company (with records `seed` creates through its API), Queast's table, the runtime.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../../src/engine/runtime.js';
import { loadProject } from '../../../src/engine/project.js';
import type { PipelineRunner } from '../../../src/engine/pipelineRunner.js';
import type { Scope } from '../../../src/state/scope.js';
import { callJson } from '../../conformance/support/http.js';
import { startPipedriveAccount, type PipedriveAccount } from '../../support/pipedriveAccount.js';
import { openLocal } from './localDb.js';
import { prepareBackend, type BackendUrls } from './backends.js';

export interface QueastPipedrive {
  account: PipedriveAccount;
  queast: Knex;
  runtime: Runtime;
  scope: Scope;
  /** The state store's URL, for the operator commands. */
  storeUrl: string;
  /** The environment the runtime reads its connectors' and store's settings from. */
  env: Record<string, string>;
  runner: PipelineRunner;
  /** Creates a Pipedrive record through the API, as a user would; returns its id. */
  create(entity: 'organizations' | 'persons', body: Record<string, unknown>): Promise<number>;
  /** The simulator's records of an entity. */
  records<T>(entity: 'organizations' | 'persons' | 'notes'): Promise<T[]>;
  /** The runner of another pipeline started with it. */
  runnerOf(pipeline: string): PipelineRunner;
  close(): Promise<void>;
}

/**
 * Starts `pipelines/<pipeline>.yaml`, with the pipelines it references (`also`). `prepare` runs
 * before the runtime starts: it creates the Queast tables and rows, and the records Pipedrive
 * already has.
 */
export async function startQueastPipedrive(
  pipeline: string,
  prepare: (h: Pick<QueastPipedrive, 'account' | 'queast' | 'create'>) => Promise<void>,
  also: readonly string[] = [],
): Promise<QueastPipedrive> {
  const urls: BackendUrls = await prepareBackend('sqlite', pipeline);
  const account = await startPipedriveAccount();
  const queast = openLocal(urls.local);
  const create = async (entity: 'organizations' | 'persons', body: Record<string, unknown>) =>
    (await callJson<{ data: { id: number } }>(`${account.sim.url}/api/v2/${entity}`, { method: 'POST', headers: { 'x-api-token': account.sim.apiToken }, body })).data.id;
  await prepare({ account, queast, create });
  const specs = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', ...[pipeline, ...also].map((p) => `pipelines/${p}.yaml`)];
  const env = { QUEAST_DATABASE_URL: urls.local, SYNCD_SECRET_KEY: urls.secretKey, ...account.env };
  const runtime = await Runtime.create({ project: await loadProject(specs), store: urls.store, env });
  const runnerOf = (name: string): PipelineRunner => {
    const runner = runtime.runner(name);
    return runner;
  };
  const runner = runnerOf(pipeline);
  return {
    account,
    queast,
    runtime,
    scope: runtime.store.forTenant('default'),
    storeUrl: urls.store,
    env,
    runner,
    create,
    runnerOf,
    records: async <T>(entity: 'organizations' | 'persons' | 'notes') => (await callJson<Record<string, T[]>>(`${account.sim.url}/__admin/state`))[entity] as T[],
    async close() {
      await runtime.close();
      await queast.destroy();
      await account.sim.close();
      await urls.cleanup();
    },
  };
}
