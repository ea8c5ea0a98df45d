/** The HubSpot simulator as engine tests drive it: its REST API as a user or admin, and the OAuth set-up the shipped connector reads. */
import { HUBSPOT_SIM_PRIVATE_APP_TOKEN } from '../../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { callJson } from '../../conformance/support/http.js';

/** A call to the simulator's API (or its `/__admin` routes) with the private app token. */
export function hubspot<T = any>(sim: RunningSimulator, method: string, route: string, body?: unknown): Promise<T> {
  return callJson<T>(`${sim.url}${route}`, { method, headers: { authorization: `Bearer ${HUBSPOT_SIM_PRIVATE_APP_TOKEN}` }, ...(body === undefined ? {} : { body }) });
}

/** The environment `connectors/hubspot.yaml` needs to reach the simulator through OAuth. */
export function hubspotEnv(sim: RunningSimulator): Record<string, string> {
  return {
    HUBSPOT_BASE_URL: sim.url,
    HUBSPOT_CLIENT_ID: 'sim-client-id',
    HUBSPOT_CLIENT_SECRET: 'sim-client-secret',
    HUBSPOT_REFRESH_TOKEN: 'sim-refresh-token',
  };
}
